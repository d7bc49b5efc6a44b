"""The API is strict about types and declares the rules it enforces."""

import re

import pytest
from fastapi.testclient import TestClient

from tests.factories import signed_up
from tests.http import assert_problem


@pytest.mark.parametrize("flag", [0, 1, "true", "yes"])
def test_a_boolean_is_true_or_false_and_nothing_else(client: TestClient, flag: object) -> None:
    _, me = signed_up(client)
    made = client.post(
        "/v1/cohorts", headers=me, json={"name": "Spanish 2B", "has_leaderboard": flag}
    )
    assert_problem(made, 422, "validation_error")
    social = client.patch("/v1/me", headers=me, json={"social": {"discoverable": flag}})
    assert_problem(social, 422, "validation_error")
    assert client.get("/v1/me/cohorts", headers=me).json()["cohorts"] == []
    assert client.get("/v1/me", headers=me).json()["social"]["discoverable"] is True


@pytest.mark.parametrize("value", ["0", "1741600000", "2026-3-1", "10/03/2026"])
def test_a_date_in_a_query_is_written_year_month_day(client: TestClient, value: str) -> None:
    _, me = signed_up(client)
    days = client.get("/v1/me/practice-days", headers=me, params={"to": value})
    assert_problem(days, 422, "validation_error")
    board = client.get(
        "/v1/leaderboards/friends",
        headers=me,
        params={"metric": "xp", "from": value, "to": "2026-03-10"},
    )
    assert_problem(board, 422, "validation_error")
    fine = client.get("/v1/me/practice-days", headers=me, params={"to": "2026-03-10"})
    assert fine.status_code == 200


def test_the_contract_declares_the_password_and_username_rules(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    password = schemas["UserCreate"]["properties"]["password"]
    assert (password["minLength"], password["maxLength"]) == (8, 256)
    pattern = re.compile(schemas["UserCreate"]["properties"]["username"]["pattern"])
    assert pattern.match("ana_2") and not pattern.match("an") and not pattern.match("a" * 31)
    assert not pattern.match("ana-2")
    for n, username in enumerate(("ana_2", " bob_2 ")):  # the service trims, as the pattern says
        body = {"email": f"l{n}@example.com", "password": "x" * 8, "username": username}
        created = client.post("/v1/users", json=body)
        assert created.status_code == 201, created.text
        assert created.json()["username"] == username.strip()
