"""What the friends API tests do over and over, as a learner's app would do it."""

from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

Headers = dict[str, str]
Learner = tuple[dict[str, Any], Headers]


def send(client: TestClient, headers: Headers, username: str) -> Response:
    return client.post("/v1/friend-requests", json={"username": username}, headers=headers)


def sent_request(client: TestClient, headers: Headers, username: str) -> dict[str, Any]:
    response = send(client, headers, username)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def answer(client: TestClient, headers: Headers, request_id: int, verb: str) -> Response:
    return client.post(f"/v1/friend-requests/{request_id}/{verb}", headers=headers)


def cancel(client: TestClient, headers: Headers, request_id: int) -> Response:
    return client.delete(f"/v1/friend-requests/{request_id}", headers=headers)


def pending(client: TestClient, headers: Headers, direction: str = "received") -> list[Any]:
    response = client.get("/v1/friend-requests", params={"direction": direction}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["direction"] == direction
    requests: list[Any] = response.json()["requests"]
    return requests


def pending_ids(client: TestClient, headers: Headers, direction: str = "received") -> list[int]:
    return [request["id"] for request in pending(client, headers, direction)]


def waiting(client: TestClient, headers: Headers) -> int:
    response = client.get("/v1/friend-requests/count", headers=headers)
    assert response.status_code == 200, response.text
    count: int = response.json()["pending_received"]
    return count


def friends(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    response = client.get("/v1/me/friends", headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["friends"]
    return found


def friend_names(client: TestClient, headers: Headers) -> list[str]:
    return [friend["username"] for friend in friends(client, headers)]


def befriend(client: TestClient, a: Headers, b: Headers, b_name: str) -> None:
    request = sent_request(client, a, b_name)
    response = answer(client, b, request["id"], "accept")
    assert response.status_code == 200, response.text


def unfriend(client: TestClient, headers: Headers, username: str) -> Response:
    return client.delete(f"/v1/me/friends/{username}", headers=headers)


def practise(client: TestClient, headers: Headers, language: str = "es") -> None:
    response = client.post(
        "/v1/me/practice-events", json={"type": "reading", "language": language}, headers=headers
    )
    assert response.status_code == 201, response.text


def assert_nothing_pending(client: TestClient, *everyone: Headers) -> None:
    for headers in everyone:
        assert pending(client, headers, "received") == []
        assert pending(client, headers, "sent") == []
        assert waiting(client, headers) == 0
