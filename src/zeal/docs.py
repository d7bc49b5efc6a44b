"""The interactive API docs at /docs, served whole by Zeal: Swagger UI's files come from the
`swagger-ui-py` wheel (mounted at /docs/assets), and the page starts it from a script of
Zeal's own, so the pages' Content-Security-Policy (scripts from Zeal only) holds here too and
/docs works with no network beyond Zeal itself."""

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from zeal.routing import Route

router = APIRouter(route_class=Route, include_in_schema=False)
ASSETS = "/docs/assets"

PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Zeal API</title>
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="/openapi.json"></div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="/static/web/docs.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)


def install(app: FastAPI) -> None:
    """Serve /docs and its assets (FastAPI's own /docs and /redoc load theirs from a CDN)."""
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(packages=[("swagger_ui", "static")]), name="docs-assets")
