"""Registering a platform's endpoints: the secret, the events heard, the URLs refused, and
another platform's endpoints not existing."""

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from tests.http import assert_problem
from tests.webhooks.conftest import Headers, register
from zeal.accounts import service as accounts_service
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database

HOOK = "http://127.0.0.1:9/hooks/zeal"


def test_a_new_endpoint_gets_a_secret_once_and_lists_what_it_hears(
    client: TestClient, key: Headers
) -> None:
    made = register(client, key, HOOK, ["streak.lost", "badge.awarded", "streak.lost"])
    assert made["secret"].startswith("whsec_")
    assert len(base64.b64decode(made["secret"].removeprefix("whsec_"))) == 32
    assert made["events"] == ["badge.awarded", "streak.lost"]
    assert made["enabled"] is True
    shown = client.get(f"/v1/platform/webhooks/{made['id']}", headers=key).json()
    assert "secret" not in shown
    assert shown["url"] == HOOK and shown["events"] == made["events"]
    listed = client.get("/v1/platform/webhooks", headers=key).json()["webhooks"]
    assert [w["id"] for w in listed] == [made["id"]]


def test_a_deleted_endpoint_is_gone(client: TestClient, key: Headers) -> None:
    made = register(client, key, HOOK, ["badge.awarded"])
    assert client.delete(f"/v1/platform/webhooks/{made['id']}", headers=key).status_code == 204
    gone = client.get(f"/v1/platform/webhooks/{made['id']}", headers=key)
    assert_problem(gone, 404, "webhook_not_found")
    assert client.get("/v1/platform/webhooks", headers=key).json() == {"webhooks": []}


def test_another_platforms_endpoints_do_not_exist_for_a_key(
    client: TestClient, key: Headers, db: Database, ctx: Context
) -> None:
    made = register(client, key, HOOK, ["badge.awarded"])
    with db.transaction() as session:
        secret, _ = accounts_service.create_api_key(session, ctx, name="x", platform="Other")
    other = {"X-API-Key": secret}
    for method, path in [
        ("GET", f"/v1/platform/webhooks/{made['id']}"),
        ("DELETE", f"/v1/platform/webhooks/{made['id']}"),
        ("GET", f"/v1/platform/webhooks/{made['id']}/deliveries"),
    ]:
        assert_problem(client.request(method, path, headers=other), 404, "webhook_not_found")
    assert client.get("/v1/platform/webhooks", headers=other).json() == {"webhooks": []}
    assert client.get(f"/v1/platform/webhooks/{made['id']}", headers=key).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"url": HOOK, "events": []},
        {"url": HOOK, "events": ["badge.lost"]},
        {"url": HOOK},
        {"url": HOOK, "events": ["badge.awarded"], "secret": "mine"},
    ],
)
def test_events_must_be_known_and_named(client: TestClient, key: Headers, body: object) -> None:
    answer = client.post("/v1/platform/webhooks", headers=key, json=body)
    assert_problem(answer, 422, "validation_error")
    assert client.get("/v1/platform/webhooks", headers=key).json() == {"webhooks": []}


@pytest.mark.parametrize(
    "url",
    [
        "ftp://93.184.215.14/hook",
        "https://user:pw@93.184.215.14/hook",
        "https:///hook",
        "https://93.184.215.14:99999/hook",
        "https://93.184.215.14/hook#part",
    ],
)
def test_a_url_of_the_wrong_form_is_refused(client: TestClient, key: Headers, url: str) -> None:
    answer = client.post(
        "/v1/platform/webhooks", headers=key, json={"url": url, "events": ["badge.awarded"]}
    )
    assert_problem(answer, 422, "webhook_url_refused")


@pytest.fixture
def guarded(db: Database, database_url: str, clock: FixedClock) -> Iterator[TestClient]:
    """An app as deployed: webhook URLs must reach public addresses."""
    with TestClient(create_app(make_settings(database_url), clock)) as client:
        yield client


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_and_loopback_addresses_are_refused(
    guarded: TestClient, key: Headers, url: str
) -> None:
    answer = guarded.post(
        "/v1/platform/webhooks", headers=key, json={"url": url, "events": ["badge.awarded"]}
    )
    body = assert_problem(answer, 422, "webhook_url_refused")
    assert "public addresses" in body["detail"]


def test_a_public_address_is_accepted(guarded: TestClient, key: Headers) -> None:
    register(guarded, key, "https://93.184.215.14/hooks", ["badge.awarded"])


def test_a_platform_has_at_most_ten_endpoints(client: TestClient, key: Headers) -> None:
    for n in range(10):
        register(client, key, f"{HOOK}/{n}", ["badge.awarded"])
    answer = client.post(
        "/v1/platform/webhooks", headers=key, json={"url": HOOK, "events": ["badge.awarded"]}
    )
    assert_problem(answer, 409, "too_many_webhooks")


def test_a_learner_session_cannot_manage_webhooks(client: TestClient) -> None:
    answer = client.get("/v1/platform/webhooks", headers={"Authorization": "Bearer nope"})
    assert_problem(answer, 401, "invalid_api_key")
