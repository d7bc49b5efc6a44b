"""What the leaderboard tests do over and over: learners with sessions, boards, cohorts."""

from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from tests.factories import auth, make_learner
from zeal.accounts.models import User
from zeal.context import Context
from zeal.db import Database

Headers = dict[str, str]
Body = dict[str, Any]
FRIENDS_BOARD = "/v1/leaderboards/friends"


def learner(
    client: TestClient, db: Database, ctx: Context, name: str, *, timezone: str = "UTC"
) -> tuple[User, Headers]:
    """A learner called `name` (display name `name` capitalised) and a session of theirs."""
    user = make_learner(db, ctx, username=name, display_name=name.title(), timezone=timezone)
    return user, auth(client, name)


def get_board(client: TestClient, headers: Headers, path: str, **params: Any) -> Response:
    """GET a board; `from_` stands for the `from` query parameter."""
    if "from_" in params:
        params["from"] = params.pop("from_")
    params.setdefault("metric", "correct_exercises")
    return client.get(path, params=params, headers=headers)


def friends_board(client: TestClient, headers: Headers, **params: Any) -> Body:
    response = get_board(client, headers, FRIENDS_BOARD, **params)
    assert response.status_code == 200, response.text
    body: Body = response.json()
    return body


def cohort_path(cohort_id: int) -> str:
    return f"/v1/cohorts/{cohort_id}/leaderboard"


def cohort_board(client: TestClient, headers: Headers, cohort_id: int, **params: Any) -> Body:
    response = get_board(client, headers, cohort_path(cohort_id), **params)
    assert response.status_code == 200, response.text
    body: Body = response.json()
    return body


def standings(body: Body) -> list[tuple[int, str | None, int]]:
    """The rows as (rank, username, value), in the order the board shows them."""
    return [(row["rank"], row["username"], row["value"]) for row in body["rows"]]


def values(body: Body) -> dict[str | None, int]:
    return {row["username"]: row["value"] for row in body["rows"]}


def names(body: Body) -> list[str | None]:
    return [row["username"] for row in body["rows"]]


def row_of(body: Body, username: str) -> Body:
    found = [row for row in body["rows"] if row["username"] == username]
    assert len(found) == 1, body
    return found[0]


def new_cohort(client: TestClient, teacher: Headers, *, has_leaderboard: bool = True) -> Body:
    response = client.post(
        "/v1/cohorts",
        json={"name": "Spanish 2B", "has_leaderboard": has_leaderboard},
        headers=teacher,
    )
    assert response.status_code == 201, response.text
    cohort: Body = response.json()
    return cohort


def join(client: TestClient, headers: Headers, cohort: Body) -> None:
    response = client.post(
        "/v1/cohorts/join", json={"invite_code": cohort["invite_code"]}, headers=headers
    )
    assert response.status_code == 201, response.text


def change_cohort(client: TestClient, teacher: Headers, cohort_id: int, **fields: Any) -> None:
    response = client.patch(f"/v1/cohorts/{cohort_id}", json=fields, headers=teacher)
    assert response.status_code == 200, response.text


def remove(client: TestClient, headers: Headers, cohort_id: int, username: str) -> None:
    response = client.delete(f"/v1/cohorts/{cohort_id}/members/{username}", headers=headers)
    assert response.status_code == 204, response.text


def set_discoverable(client: TestClient, headers: Headers, discoverable: bool) -> None:
    response = client.patch(
        "/v1/me", json={"social": {"discoverable": discoverable}}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["social"]["discoverable"] is discoverable
