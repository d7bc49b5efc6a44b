"""/docs in the browser: Swagger UI loads from Zeal alone and lists the operations."""

from playwright.sync_api import expect

from tests.e2e.conftest import Browsers, LiveServer, screenshot


def test_the_api_docs_list_the_operations_with_nothing_from_elsewhere(
    browsers: Browsers, server: LiveServer
) -> None:
    page = browsers.open()
    elsewhere: list[str] = []
    refused: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(server.url) else elsewhere.append(request.url)
        ),
    )
    page.on(
        "console",
        lambda message: refused.append(message.text) if message.type == "error" else None,
    )
    page.goto("/docs")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/v1/me/streaks" in path for path in paths)
    assert any("/v1/platform/webhooks" in path for path in paths)
    screenshot(page, "docs")
    assert elsewhere == []
    assert refused == []  # nothing blocked by the page's Content-Security-Policy
