"""The request boundary: one transaction, committed before the response; errors as problems."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from tests.conftest import make_settings
from tests.factories import signed_up
from zeal.accounts import service as accounts_service
from zeal.app import create_app
from zeal.context import Context
from zeal.db import Database
from zeal.practice.models import PracticeEvent


def test_health_reports_the_database(client: TestClient, db: Database) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": db.backend}


def test_health_is_a_503_problem_when_the_database_is_unreachable() -> None:
    settings = make_settings("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with TestClient(create_app(settings)) as client:
        response = client.get("/v1/health")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "database_unavailable"


def test_a_failed_commit_is_never_reported_as_a_success(client: TestClient, db: Database) -> None:
    _, headers = signed_up(client)
    engine = client.app.state.database.engine  # type: ignore[attr-defined]

    def refuse(*_: Any) -> None:
        raise RuntimeError("the database went away at commit")

    event.listen(engine, "commit", refuse)
    try:
        with TestClient(client.app, raise_server_exceptions=False) as failing:
            response = failing.post(
                "/v1/me/practice-events",
                headers=headers,
                json={"type": "reading", "language": "es", "duration_seconds": 60},
            )
    finally:
        event.remove(engine, "commit", refuse)
    assert response.status_code == 500
    assert response.json()["code"] == "internal"
    assert "went away" not in response.text  # internals are not leaked
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(PracticeEvent)) == 0


def test_a_wrong_method_is_a_problem(client: TestClient) -> None:
    response = client.put("/v1/health")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "method_not_allowed"


def test_the_openapi_document_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/users", "/v1/sessions", "/v1/me", "/v1/me/practice-events", "/v1/health"):
        assert path in paths


def test_ids_no_database_can_hold_are_malformed_not_a_crash(
    client: TestClient, db: Database, ctx: Context
) -> None:
    _, headers = signed_up(client)
    with db.transaction() as session:
        secret, _ = accounts_service.create_api_key(session, ctx, name="platform")
    too_big = 2**63
    for response in (
        client.post(f"/v1/friend-requests/{too_big}/accept", headers=headers),
        client.delete(f"/v1/friend-requests/{too_big}", headers=headers),
        client.post(
            f"/v1/users/{too_big}/practice-events",
            headers={"X-API-Key": secret},
            json={"type": "reading", "language": "es"},
        ),
    ):
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_error"


PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_the_openapi_document_declares_every_error_as_a_problem(client: TestClient) -> None:
    # It used to declare, besides each success, only FastAPI's 422 as application/json: the
    # 401s, 404s, 409s, ... Zeal gives, and their type, were missing (found by the fuzzer).
    document = client.get("/openapi.json").json()
    assert all(path.startswith("/v1/") for path in document["paths"])  # pages are not API
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            responses = operation["responses"]
            expected = {"413", "422", "429", "503"}
            expected |= {"400"} if "requestBody" in operation else set()
            expected |= {"401"} if operation.get("security") else set()
            assert expected <= responses.keys(), label
            for status, response in responses.items():
                if int(status) >= 400:
                    assert response["content"] == PROBLEM_CONTENT, f"{label} {status}"


def test_a_problem_has_what_the_document_says_it_has(client: TestClient) -> None:
    problem = client.get("/openapi.json").json()["components"]["schemas"]["Problem"]
    response = client.post("/v1/users", json={"email": "anna@example.com"})
    assert response.status_code == 422
    assert set(problem["required"]) <= response.json().keys() <= problem["properties"].keys()
