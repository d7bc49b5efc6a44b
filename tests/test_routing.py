"""One trip per request: what needs the database (sign-in, platform keys, the page's viewer)
is settled in the route's own trip, and what a request left out is refused before any."""

from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from zeal.app import create_app
from zeal.deps import CurrentUser
from zeal.routing import Route, takes_claims

STREAK_EVENT = {"type": "exercise", "language": "es", "outcome": "correct"}


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    found: list[APIRoute] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found += _api_routes(included.routes)
        elif isinstance(route, APIRoute):
            found.append(route)
    return found


def test_no_route_hands_its_endpoint_an_unsettled_claim() -> None:
    # A route that is not a `Route` would pass a claim where the endpoint expects a session.
    app = create_app(make_settings("sqlite://"))
    routes = _api_routes(app.routes)
    assert len(routes) > 100
    wrong = [r.path for r in routes if takes_claims(r.dependant) and not isinstance(r, Route)]
    assert wrong == []
    app.state.database.dispose()


def test_an_async_endpoint_cannot_take_a_claim() -> None:
    router = APIRouter(route_class=Route)
    with pytest.raises(TypeError, match="cannot take a claim"):

        @router.get("/mine")
        async def mine(user: CurrentUser) -> int:
            return user.id


def test_a_missing_token_is_refused_before_the_input_is_read(client: TestClient) -> None:
    # No token at all: 401, however wrong the body.
    response = client.post("/v1/me/practice-events", json={"type": "nonsense"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_token_sent_is_looked_up_once_the_input_is_valid(client: TestClient) -> None:
    stale = {"Authorization": "Bearer zs_not-a-session-we-know"}
    invalid = client.post("/v1/me/practice-events", json={"type": "nonsense"}, headers=stale)
    assert invalid.status_code == 422
    valid = client.post("/v1/me/practice-events", json=STREAK_EVENT, headers=stale)
    assert valid.status_code == 401
    assert valid.json()["code"] == "invalid_token"
