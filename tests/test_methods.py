"""A method a path does not have is 405 with every method the path has in `Allow`, also where
a literal path sits before a templated one that would take the same segment."""

import pytest
from fastapi.testclient import TestClient

from tests.factories import signed_up
from tests.http import assert_problem


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/v1/me", "DELETE, GET, PATCH"),  # DELETE /v1/me is another router's
        ("DELETE", "/v1/users", "GET, POST"),
        ("PUT", "/v1/me/blocks", "GET, POST"),
        ("PUT", "/v1/friend-requests", "GET, POST"),
        ("PUT", "/v1/cohorts/7", "GET, PATCH"),
        ("DELETE", "/v1/friend-requests/count", "GET"),  # not request "count"
        ("PATCH", "/v1/cohorts/join", "POST"),  # not class "join"
        ("POST", "/v1/me/goal", "GET"),
    ],
)
def test_the_whole_allow_of_the_path(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    _, me = signed_up(client)
    refused = client.request(method, path, headers=me)
    assert_problem(refused, 405, "method_not_allowed")
    assert refused.headers["allow"] == allow


def test_the_methods_a_path_has_still_work(client: TestClient) -> None:
    _, me = signed_up(client)
    assert client.get("/v1/friend-requests/count", headers=me).status_code == 200
    assert_problem(
        client.delete("/v1/friend-requests/424242", headers=me), 404, "friend_request_not_found"
    )
    assert client.get("/v1/me", headers=me).status_code == 200


def test_every_path_of_the_contract_refuses_the_methods_it_lacks(client: TestClient) -> None:
    """For every path in /openapi.json, each method it does not declare: 405, and `Allow`
    names exactly the ones it declares."""
    _, me = signed_up(client)
    wrong = []
    for template, operations in client.get("/openapi.json").json()["paths"].items():
        path = template.replace("{", "").replace("}", "")  # any segment will do
        declared = sorted(method.upper() for method in operations)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            if method in declared:
                continue
            answer = client.request(method, path, headers=me)
            if answer.status_code != 405 or answer.headers.get("allow") != ", ".join(declared):
                wrong.append(f"{method} {template}: {answer.status_code} {answer.headers}")
    assert wrong == []
