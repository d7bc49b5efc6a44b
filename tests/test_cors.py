"""Browser apps on the configured origins may call /v1 with a bearer token; nobody else gets
CORS headers, and the pages never do."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.conftest import make_settings
from tests.factories import signed_up
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.db import Database

APP = "https://app.lingo.example"


@pytest.fixture
def cors_client(db: Database, database_url: str, clock: FixedClock) -> Iterator[TestClient]:
    settings = make_settings(database_url, cors_origins=f"{APP}, https://m.lingo.example/")
    with TestClient(create_app(settings, clock)) as test_client:
        yield test_client


def preflight(client: TestClient, path: str, origin: str, method: str = "GET") -> Response:
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


def test_an_allowed_origin_may_call_the_api_with_a_bearer_token(cors_client: TestClient) -> None:
    allowed = preflight(cors_client, "/v1/me/practice-events", APP, "POST")
    assert allowed.status_code == 200
    headers = allowed.headers
    assert headers["access-control-allow-origin"] == APP
    assert "POST" in headers["access-control-allow-methods"]
    assert "authorization" in headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in headers  # tokens, never cookies
    _, bearer = signed_up(cors_client)
    read = cors_client.get("/v1/me/streaks", headers={**bearer, "Origin": APP})
    assert read.status_code == 200 and read.headers["access-control-allow-origin"] == APP
    second = cors_client.get("/v1/health", headers={"Origin": "https://m.lingo.example"})
    assert second.headers["access-control-allow-origin"] == "https://m.lingo.example"


def test_other_origins_and_the_pages_get_no_cors_headers(cors_client: TestClient) -> None:
    refused = preflight(cors_client, "/v1/me/streaks", "https://evil.example")
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    plain = cors_client.get("/v1/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers
    for path in ("/sign-in", "/"):
        page = cors_client.get(path, headers={"Origin": APP}, follow_redirects=False)
        assert "access-control-allow-origin" not in page.headers
    key_header = cors_client.options(
        "/v1/platform/learners/u1",
        headers={"Origin": APP, "Access-Control-Request-Method": "PUT",
                 "Access-Control-Request-Headers": "x-api-key"},
    )  # fmt: skip
    assert key_header.status_code == 400  # a platform key has no business in a browser


def test_no_origin_is_allowed_unless_configured(client: TestClient) -> None:
    answer = preflight(client, "/v1/me/streaks", APP)
    assert "access-control-allow-origin" not in answer.headers
    plain = client.get("/v1/health", headers={"Origin": APP})
    assert "access-control-allow-origin" not in plain.headers
