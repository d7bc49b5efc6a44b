"""Assertions about HTTP answers shared by the API tests."""

from datetime import datetime
from typing import Any

from httpx2 import Response

PROBLEM = "application/problem+json"


def assert_problem(response: Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    return body


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value)
