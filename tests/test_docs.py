"""/docs is served by Zeal itself: its page names only Zeal's own files, under the pages' CSP."""

import re

from fastapi.testclient import TestClient


def test_the_docs_page_loads_only_zeals_own_files(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/") for source in sources), sources
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle" in bundle.text


def test_redoc_from_a_cdn_is_gone(client: TestClient) -> None:
    assert client.get("/redoc").status_code == 404
