"""Errors on page requests come back as pages (or a trip to sign-in), not problem+json.

The API's handlers stay in charge of everything under /v1 and the OpenAPI documents; a page
request is any other path a browser (one that accepts HTML) asks for.
"""

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from zeal import problems
from zeal.errors import Unauthenticated, ZealError
from zeal.web import cookies
from zeal.web.pages import sign_in_url, templates

log = logging.getLogger("zeal")

_API_PREFIXES = ("/v1/", "/static/", "/openapi.json", "/docs", "/redoc")

_HTTP_TITLES = {
    404: "Page not found",
    405: "That does not work here",
    413: "That was too much to send",
}


def is_page(request: Request) -> bool:
    """A browser (or htmx) asking for a page; an API client anywhere gets problem+json."""
    if request.url.path.startswith(_API_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "") or "hx-request" in request.headers


def _error_page(request: Request, status_code: int, title: str, detail: str) -> Response:
    response = templates.TemplateResponse(
        request,
        "error.html",
        {"title": title, "detail": detail, "status_code": status_code, "me": None},
        status_code=status_code,
    )
    cookies.attach(request, response)
    return response


async def _page_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, Unauthenticated):
        if "hx-request" in request.headers:  # a swap would put the sign-in page in a corner
            return Response(headers={"HX-Redirect": sign_in_url(request)})
        return RedirectResponse(sign_in_url(request), status_code=status.HTTP_303_SEE_OTHER)
    if isinstance(exc, ZealError):
        return _error_page(request, exc.status, exc.title, exc.detail)
    if isinstance(exc, RequestValidationError):
        detail = "; ".join(str(error.get("msg", "")) for error in exc.errors())
        return _error_page(request, 422, "That link or form is not valid", detail)
    if isinstance(exc, StarletteHTTPException):
        title = _HTTP_TITLES.get(exc.status_code, "Something is not right")
        detail = exc.detail if isinstance(exc.detail, str) else title
        return _error_page(request, exc.status_code, title, detail)
    if isinstance(exc, problems.DATABASE_UNAVAILABLE):
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        response = _error_page(
            request, 503, "Zeal is catching its breath",
            "Your data is safe, but it cannot be reached right now. Try again in a moment.",
        )  # fmt: skip
        response.headers.update(problems.RETRY_AFTER_OUTAGE)
        return response
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error_page(request, 500, "Something went wrong", "Something went wrong on our side.")


def _pages_or(api_handler: problems.Handler) -> problems.Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if is_page(request):
            return await _page_error(request, exc)
        return await api_handler(request, exc)

    return handle


def install(app: FastAPI) -> None:
    for exc_class, handler in problems.HANDLERS.items():
        app.add_exception_handler(exc_class, _pages_or(handler))
