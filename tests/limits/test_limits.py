"""Abuse limits over HTTP: wrong passwords, friend requests, searches and implausible practice.

Every limit runs twice: with its counters in the database and in Redis. Two apps on one
database stand for two server processes: what one counts, the other sees.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from tests.factories import PASSWORD, auth, sign_up
from tests.http import assert_problem
from tests.web.helpers import Browser, form_error
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.db import Database

REDIS_URL = os.environ.get("ZEAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMITS = {
    "sign_in_failures_per_client": 3,
    "sign_in_failures_per_account": 6,
    "sign_in_failures_per_address": 5,
    "sign_in_window_minutes": 15,
    "friend_requests_per_day": 2,
    "searches_per_minute": 3,
    "practice_events_per_minute": 3,
}
Headers = dict[str, str]
NewClient = Callable[..., TestClient]


@pytest.fixture(params=["database", "redis"])
def new_client(
    request: pytest.FixtureRequest, db: Database, database_url: str, clock: FixedClock
) -> Iterator[NewClient]:
    """Opens apps ("server processes") on this backend, sharing one counter store."""
    overrides: dict[str, Any] = dict(LIMITS)
    prefix = f"zeal-test-{uuid.uuid4().hex}:"
    if request.param == "redis":
        overrides |= {"redis_url": REDIS_URL, "redis_prefix": prefix}
    opened: list[TestClient] = []

    def open_app(address: str = "testclient") -> TestClient:
        app = create_app(make_settings(database_url, **overrides), clock)
        client = TestClient(app, client=(address, 50000))
        opened.append(client.__enter__())
        return client

    yield open_app
    for client in opened:
        client.__exit__(None, None, None)
    if request.param == "redis":
        store = redis.Redis.from_url(REDIS_URL)
        for name in store.scan_iter(f"{prefix}*"):
            store.delete(name)


@pytest.fixture
def client(new_client: NewClient) -> TestClient:
    return new_client()


def sign_in(
    client: TestClient, login: str, password: str = PASSWORD, device_token: str | None = None
) -> Any:
    body = {"login": login, "password": password, "device_token": device_token}
    return client.post("/v1/sessions", json=body)


class TestSignIn:
    def test_wrong_passwords_lock_the_account_then_the_window_ends(
        self, client: TestClient, clock: FixedClock
    ) -> None:
        sign_up(client, username="anna", email="anna@example.com")
        for _ in range(3):
            assert_problem(sign_in(client, "anna", "wrong guess"), 401, "invalid_credentials")

        refused = sign_in(client, "anna")  # even the right password: the guesser can't tell
        body = assert_problem(refused, 429, "rate_limited")
        assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
        assert body["retry_after"] == int(refused.headers["Retry-After"])

        clock.advance(timedelta(minutes=15))
        assert sign_in(client, "anna").status_code == 201

    def test_email_and_username_share_one_allowance(self, client: TestClient) -> None:
        sign_up(client, username="anna", email="anna@example.com")
        sign_in(client, "anna", "wrong")
        sign_in(client, "ANNA@example.com", "wrong")
        sign_in(client, "Anna", "wrong")
        assert_problem(sign_in(client, "anna@example.com"), 429, "rate_limited")

    def test_other_accounts_are_not_locked_by_one_under_attack(self, client: TestClient) -> None:
        sign_up(client, username="anna")
        sign_up(client, username="bob")
        for _ in range(3):
            sign_in(client, "anna", "wrong")
        assert sign_in(client, "bob").status_code == 201

    def test_right_passwords_do_not_count(self, client: TestClient) -> None:
        sign_up(client, username="anna")
        for _ in range(6):
            assert sign_in(client, "anna").status_code == 201

    def test_one_address_trying_many_accounts_is_stopped(self, client: TestClient) -> None:
        for name in ("anna", "bob", "carl"):
            sign_up(client, username=name)
        for name in ("anna", "anna", "bob", "bob", "nobody"):
            assert_problem(sign_in(client, name, "wrong"), 401, "invalid_credentials")
        assert_problem(sign_in(client, "carl"), 429, "rate_limited")

    def test_a_long_unknown_login_is_counted_like_any_other(self, client: TestClient) -> None:
        login = "x" * 242 + "@example.com"  # 254 characters: as long as a login may be
        for _ in range(3):
            assert_problem(sign_in(client, login, "wrong"), 401, "invalid_credentials")
        assert_problem(sign_in(client, login.upper(), "wrong"), 429, "rate_limited")

    def test_failures_count_across_server_processes(self, new_client: NewClient) -> None:
        first, second = new_client(), new_client()
        sign_up(first, username="anna")
        sign_in(first, "anna", "wrong")
        sign_in(second, "anna", "wrong")
        sign_in(first, "anna", "wrong")
        assert_problem(sign_in(second, "anna"), 429, "rate_limited")

    def test_the_sign_in_page_says_so_in_place(self, client: TestClient) -> None:
        sign_up(client, username="anna")
        browser = Browser(client)
        for _ in range(3):
            assert browser.sign_in("anna", "wrong guess").status_code == 401
        page = browser.sign_in("anna")
        assert page.status_code == 429
        assert "Too many wrong passwords" in (form_error(page.text) or "")
        assert browser.cookie("zeal_session") is None


class TestNoLockOutByStrangers:
    """A stranger who knows a username cannot lock its learner out (issue 15, item 8)."""

    def test_guessing_from_elsewhere_never_refuses_the_learners_own_address(
        self, new_client: NewClient
    ) -> None:
        home, stranger = new_client("198.51.100.7"), new_client("203.0.113.9")
        sign_up(home, username="anna")
        for _ in range(3):
            assert_problem(sign_in(stranger, "anna", "guess"), 401, "invalid_credentials")
        assert_problem(sign_in(stranger, "anna"), 429, "rate_limited")
        assert sign_in(home, "anna").status_code == 201

    def test_a_botnet_is_bounded_per_account_but_a_known_device_still_gets_in(
        self, new_client: NewClient
    ) -> None:
        home = new_client("198.51.100.7")
        sign_up(home, username="anna")
        device = sign_in(home, "anna").json()["device_token"]
        for address in ("203.0.113.1", "203.0.113.2"):  # 6 guesses from 2 addresses
            bot = new_client(address)
            for _ in range(3):
                assert_problem(sign_in(bot, "anna", "guess"), 401, "invalid_credentials")

        # Every unknown client is refused now, even with the right password ...
        body = assert_problem(sign_in(new_client("203.0.113.3"), "anna"), 429, "rate_limited")
        assert "device you used before" in body["detail"]
        assert_problem(sign_in(home, "anna"), 429, "rate_limited")
        # ... but the learner's own device is not, and stays known.
        signed_in = sign_in(home, "anna", device_token=device)
        assert signed_in.status_code == 201
        assert signed_in.json()["device_token"] == device

    def test_a_known_devices_own_wrong_passwords_count_against_it_alone(
        self, new_client: NewClient
    ) -> None:
        phone, laptop = new_client("198.51.100.7"), new_client("198.51.100.8")
        sign_up(phone, username="anna")
        phone_device = sign_in(phone, "anna").json()["device_token"]
        laptop_device = sign_in(laptop, "anna").json()["device_token"]
        assert phone_device != laptop_device
        for _ in range(3):
            sign_in(phone, "anna", "typo", device_token=phone_device)
        assert_problem(sign_in(phone, "anna", device_token=phone_device), 429, "rate_limited")
        assert sign_in(laptop, "anna", device_token=laptop_device).status_code == 201

    def test_another_accounts_device_token_is_a_stranger_here(self, new_client: NewClient) -> None:
        client, bot = new_client("198.51.100.7"), new_client("203.0.113.1")
        sign_up(client, username="anna")
        sign_up(client, username="bob")
        bobs_device = sign_in(client, "bob").json()["device_token"]
        for address in ("203.0.113.1", "203.0.113.2"):
            for _ in range(3):
                sign_in(new_client(address), "anna", "guess")
        assert_problem(sign_in(bot, "anna", device_token=bobs_device), 429, "rate_limited")
        assert_problem(sign_in(bot, "anna", device_token="zd_made-up"), 429, "rate_limited")

    def test_the_browser_that_signed_in_is_a_known_device(self, new_client: NewClient) -> None:
        home = new_client("198.51.100.7")
        sign_up(home, username="anna")
        browser = Browser(home)
        assert browser.sign_in("anna").status_code == 303
        assert (browser.cookie("zeal_device") or "").startswith("zd_")
        browser.get("/")
        assert browser.post("/sign-out", {}).status_code == 303
        assert browser.cookie("zeal_session") is None
        for address in ("203.0.113.1", "203.0.113.2"):
            for _ in range(3):
                sign_in(new_client(address), "anna", "guess")
        assert browser.sign_in("anna").status_code == 303
        assert browser.cookie("zeal_session") is not None


class TestFriendRequests:
    def test_a_learner_may_send_so_many_a_day(self, client: TestClient, clock: FixedClock) -> None:
        sign_up(client, username="anna")
        for name in ("bob", "carl", "dora", "emil"):
            sign_up(client, username=name)
        headers = auth(client, "anna")

        def send(name: str) -> Any:
            return client.post("/v1/friend-requests", json={"username": name}, headers=headers)

        assert_problem(send("nobody"), 404, "user_not_found")  # refused: does not count
        assert send("bob").status_code == 201
        assert send("carl").status_code == 201
        assert_problem(send("dora"), 429, "rate_limited")
        sent = client.get("/v1/friend-requests?direction=sent", headers=headers).json()
        assert [r["receiver"]["username"] for r in sent["requests"]] == ["carl", "bob"]

        clock.advance(timedelta(days=1))
        assert send("dora").status_code == 201

    def test_across_server_processes(self, new_client: NewClient) -> None:
        first, second = new_client(), new_client()
        for name in ("anna", "bob", "carl", "dora"):
            sign_up(first, username=name)
        headers = auth(first, "anna")
        for client, name in ((first, "bob"), (second, "carl")):
            response = client.post("/v1/friend-requests", json={"username": name}, headers=headers)
            assert response.status_code == 201
        response = first.post("/v1/friend-requests", json={"username": "dora"}, headers=headers)
        assert_problem(response, 429, "rate_limited")


class TestSearch:
    def test_so_many_searches_a_minute(self, new_client: NewClient, clock: FixedClock) -> None:
        first, second = new_client(), new_client()
        sign_up(first, username="anna")
        sign_up(first, username="bobby")
        headers = auth(first, "anna")
        for client in (first, second, first):
            assert client.get("/v1/users?q=bo", headers=headers).status_code == 200
        refused = second.get("/v1/users?q=bo", headers=headers)
        assert_problem(refused, 429, "rate_limited")
        assert 0 < int(refused.headers["Retry-After"]) <= 60
        other = auth(first, "bobby")  # another learner has their own allowance
        assert first.get("/v1/users?q=an", headers=other).status_code == 200

        clock.advance(timedelta(minutes=1))
        assert first.get("/v1/users?q=bo", headers=headers).status_code == 200


class TestPracticePlausibility:
    def event(self, key: str, second: int = 0, **fields: Any) -> dict[str, Any]:
        return {
            "type": "exercise",
            "language": "es",
            "outcome": "correct",
            "occurred_at": f"2026-03-10T11:58:{second:02d}Z",
            "idempotency_key": key,
            **fields,
        }

    def test_more_events_in_a_minute_than_anyone_can_do_count_nowhere(
        self, client: TestClient
    ) -> None:
        sign_up(client, username="anna")
        headers = auth(client, "anna")
        post: Callable[[dict[str, Any]], Any] = lambda body: client.post(  # noqa: E731
            "/v1/me/practice-events", json=body, headers=headers
        )
        for n in range(3):
            assert post(self.event(f"k{n}", second=n * 10)).status_code == 201
        before = client.get("/v1/me/export", headers=headers).json()

        assert_problem(post(self.event("k3", second=59)), 429, "implausible_activity")

        after = client.get("/v1/me/export", headers=headers).json()
        for part in ("practice_events", "practice_days", "languages", "metrics", "badges"):
            assert after[part] == before[part], part
        # A retry of an event already counted is still answered with its first result...
        assert post(self.event("k1", second=10)).status_code == 200
        # ...and the next minute is a new minute.
        assert (
            post(self.event("k4", second=0) | {"occurred_at": "2026-03-10T11:59:00Z"}).status_code
            == 201
        )

    def test_the_minute_is_the_events_own_not_the_arrival(self, client: TestClient) -> None:
        sign_up(client, username="anna")
        headers = auth(client, "anna")
        # A late batch from an offline app: five events spread over five minutes, sent at once.
        for n in range(5):
            body = self.event(f"k{n}") | {"occurred_at": f"2026-03-10T11:5{n}:00Z"}
            response = client.post("/v1/me/practice-events", json=body, headers=headers)
            assert response.status_code == 201, response.text
