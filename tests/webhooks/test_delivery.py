"""Events written with the change that caused them, and delivered signed, retried, given up."""

import base64
import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from standardwebhooks import Webhook as Verifier

from tests.factories import signed_up
from tests.threads import at_once
from tests.webhooks.conftest import (
    Headers,
    deliveries,
    events_of,
    practise,
    put_learner,
    register,
)
from tests.webhooks.receiver import receiver
from zeal.accounts import service as accounts_service
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.config import Settings
from zeal.context import Context
from zeal.db import Database
from zeal.practice import recording
from zeal.practice.models import PracticeDay
from zeal.webhooks import delivery
from zeal.webhooks.courier import Courier


def test_a_delivery_verifies_with_an_independent_standard_webhooks_library(
    db: Database, settings: Settings, key: Headers
) -> None:
    """Signed with the clock of now: the library checks the timestamp against its own."""
    now = FixedClock(datetime.now(UTC).replace(microsecond=0))
    with receiver() as endpoint, TestClient(create_app(settings, now)) as client:
        made = register(client, key, endpoint.url, ["streak.extended", "badge.awarded"])
        put_learner(client, key, "user-8812", username="lena", timezone="Europe/Madrid")
        practise(client, key, "user-8812", type="article_completed", outcome=None)
        courier = Courier(db, Context(settings=settings, clock=now))
        try:
            # streak.extended and "First Page"; "Night Owl" too when the wall clock's hour is
            # after midnight in Madrid (this test signs with the real time).
            assert courier.deliver_due() == len(deliveries(db)) >= 2
        finally:
            courier.close()
    verifier = Verifier(made["secret"])
    events = []
    for sent in endpoint.received:
        assert sent.path == "/hooks/zeal"
        assert sent.headers["Content-Type"] == "application/json"
        events.append(verifier.verify(sent.body, sent.headers))
        assert sent.headers["webhook-id"].startswith("msg_")
        assert sent.headers["webhook-timestamp"] == str(int(now.now().timestamp()))
    by_type = {event["type"]: event for event in events}
    assert by_type["streak.extended"]["data"] == {
        "learner": {"external_id": "user-8812", "username": "lena"},
        "language": "es",
        "streak": 1,
        "day": now.now().astimezone(ZoneInfo("Europe/Madrid")).date().isoformat(),
    }
    awarded = [event["data"] for event in events if event["type"] == "badge.awarded"]
    assert all(a["learner"] == {"external_id": "user-8812", "username": "lena"} for a in awarded)
    assert "First Page" in {a["badge"]["name"] for a in awarded}


def test_a_tampered_body_fails_verification(
    client: TestClient, key: Headers, courier: Courier
) -> None:
    with receiver() as endpoint:
        made = register(client, key, endpoint.url, ["streak.extended"])
        put_learner(client, key, "u1")
        practise(client, key, "u1")
        courier.deliver_due()
    sent = endpoint.received[0]
    signature = sent.headers["webhook-signature"]
    assert signature.startswith("v1,")
    # The specification's recipe, written out here rather than taken from Zeal.
    secret = base64.b64decode(made["secret"].removeprefix("whsec_"))
    signed = f"{sent.headers['webhook-id']}.{sent.headers['webhook-timestamp']}.".encode()
    expected = hmac.new(secret, signed + sent.body, hashlib.sha256).digest()
    assert signature == "v1," + base64.b64encode(expected).decode()
    forged = hmac.new(secret, signed + sent.body.replace(b"u1", b"u2"), hashlib.sha256).digest()
    assert signature != "v1," + base64.b64encode(forged).decode()


def test_only_the_first_event_of_a_day_extends_and_only_today_is_news(
    client: TestClient, key: Headers, db: Database, clock: FixedClock
) -> None:
    with receiver() as endpoint:
        register(client, key, endpoint.url, ["streak.extended"])
        put_learner(client, key, "u1", timezone="UTC")
        practise(client, key, "u1", occurred_at=(clock.now() - timedelta(days=1)).isoformat())
        practise(client, key, "u1")
        practise(client, key, "u1")
    sent = [json.loads(d.data) for d in deliveries(db)]
    assert sent == [{"language": "es", "streak": 2, "day": clock.now().date().isoformat()}]


def test_a_failed_request_emits_nothing(
    db: Database, settings: Settings, clock: FixedClock, key: Headers, monkeypatch: Any
) -> None:
    """The event is written before the request fails; the rollback takes it away too."""

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    with TestClient(create_app(settings, clock), raise_server_exceptions=False) as client:
        register(client, key, "http://127.0.0.1:9/hook", ["streak.extended", "badge.awarded"])
        put_learner(client, key, "u1")
        monkeypatch.setattr(recording, "keep", broken)
        answer = client.post(
            "/v1/platform/learners/u1/practice-events",
            headers=key,
            json={"type": "article_completed", "language": "es"},
        )
    assert answer.status_code == 500
    assert deliveries(db) == []
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(PracticeDay)) == 0


def test_retries_wait_longer_each_time_until_the_endpoint_answers(
    client: TestClient, key: Headers, db: Database, clock: FixedClock, courier: Courier
) -> None:
    start = clock.now()
    with receiver([500, 503]) as endpoint:
        made = register(client, key, endpoint.url, ["streak.extended"])
        put_learner(client, key, "u1")
        practise(client, key, "u1")
        assert courier.deliver_due() == 1  # 500
        [row] = deliveries(db)
        assert (row.state, row.attempts, row.last_status) == ("pending", 1, 500)
        assert row.next_attempt_at == start + timedelta(seconds=10)
        clock.advance(timedelta(seconds=9))
        assert courier.deliver_due() == 0  # not yet
        clock.advance(timedelta(seconds=1))
        assert courier.deliver_due() == 1  # 503
        [row] = deliveries(db)
        assert row.next_attempt_at == clock.now() + timedelta(minutes=1)
        clock.advance(timedelta(seconds=59))
        assert courier.deliver_due() == 0
        clock.advance(timedelta(seconds=1))
        assert courier.deliver_due() == 1  # 200
        assert courier.deliver_due() == 0
    ids = {sent.headers["webhook-id"] for sent in endpoint.received}
    assert len(endpoint.received) == 3 and len(ids) == 1  # one event, three attempts
    assert len({sent.body for sent in endpoint.received}) == 1
    log = client.get(f"/v1/platform/webhooks/{made['id']}/deliveries", headers=key).json()
    [entry] = log["deliveries"]
    assert entry["state"] == "delivered" and entry["attempts"] == 3
    assert entry["last_status"] == 200 and entry["next_attempt_at"] is None
    assert entry["message_id"] in ids and entry["event_type"] == "streak.extended"
    assert entry["payload"]["data"]["learner"]["external_id"] == "u1"


def test_an_endpoint_that_keeps_failing_is_given_up_after_six_attempts_in_an_hour(
    client: TestClient, key: Headers, db: Database, clock: FixedClock, courier: Courier
) -> None:
    start = clock.now()
    with receiver([500] * 10) as endpoint:
        register(client, key, endpoint.url, ["streak.extended"])
        put_learner(client, key, "u1")
        practise(client, key, "u1")
        for _ in range(10):
            courier.deliver_due()
            [row] = deliveries(db)
            if row.next_attempt_at is None:
                break
            clock.set(row.next_attempt_at)
    assert len(endpoint.received) == 6
    assert (row.state, row.attempts) == ("failed", 6)
    assert timedelta(minutes=55) <= clock.now() - start <= timedelta(minutes=75)


def test_a_gone_endpoint_is_disabled_and_hears_no_more(
    client: TestClient, key: Headers, db: Database, clock: FixedClock, courier: Courier
) -> None:
    with receiver([410]) as endpoint:
        made = register(client, key, endpoint.url, ["streak.extended"])
        put_learner(client, key, "u1")
        practise(client, key, "u1")
        courier.deliver_due()
        clock.advance(timedelta(days=1))
        practise(client, key, "u1")
        courier.deliver_due()
    assert len(endpoint.received) == 1
    shown = client.get(f"/v1/platform/webhooks/{made['id']}", headers=key).json()
    assert shown["enabled"] is False and "410" in shown["disabled_reason"]
    assert [row.state for row in deliveries(db)] == ["abandoned"]


def test_a_slow_endpoint_does_not_hold_up_another(
    client: TestClient, key: Headers, courier: Courier
) -> None:
    with receiver() as slow, receiver() as quick:
        slow.hold = threading.Event()
        register(client, key, slow.url, ["streak.extended"])
        register(client, key, quick.url, ["streak.extended"])
        put_learner(client, key, "u1")
        practise(client, key, "u1")
        started = courier.start_due()
        assert len(started) == 2
        assert slow.arrived.wait(10)
        assert quick.arrived.wait(10)  # while the slow one still has not answered
        assert len(quick.received) == 1 and not slow.hold.is_set()
        slow.hold.set()
        assert sorted(f.result(timeout=10) for f in started) == [1, 1]


def test_two_workers_never_claim_the_same_delivery(
    client: TestClient, key: Headers, db: Database, ctx: Context
) -> None:
    register(client, key, "http://127.0.0.1:9/hook", ["streak.extended"])
    for n in range(20):
        put_learner(client, key, f"u{n}")
        practise(client, key, f"u{n}")
    [webhook_id] = {row.webhook_id for row in deliveries(db)}
    lease = timedelta(minutes=5)

    def claim() -> list[int]:
        with db.transaction() as session:
            parcels = delivery.claim(session, ctx.clock.now(), webhook_id, count=15, lease=lease)
            return [parcel.id for parcel in parcels]

    first, second = at_once([claim, claim])
    assert not set(first) & set(second)
    assert len(first) + len(second) == 20


def test_each_platform_hears_only_its_own_learners(
    client: TestClient, key: Headers, db: Database, ctx: Context, courier: Courier
) -> None:
    with db.transaction() as session:
        secret, _ = accounts_service.create_api_key(session, ctx, name="x", platform="Other")
    other = {"X-API-Key": secret}
    with receiver() as mine, receiver() as theirs:
        register(client, key, mine.url, ["streak.extended"])
        register(client, other, theirs.url, ["streak.extended"])
        put_learner(client, key, "u1")
        practise(client, key, "u1")
        _, native = signed_up(client, username="native", email="native@example.com")
        client.post(
            "/v1/me/practice-events",
            headers=native,
            json={"type": "reading", "language": "es", "duration_seconds": 60},
        )
        courier.deliver_due()
    assert [e["data"]["learner"]["external_id"] for e in events_of(mine.bodies())] == ["u1"]
    assert theirs.received == []


def test_friend_requests_and_friendships_are_announced_to_each_learner(
    client: TestClient, key: Headers, courier: Courier
) -> None:
    with receiver() as endpoint:
        register(client, key, endpoint.url, ["friend_request.received", "friendship.created"])
        put_learner(client, key, "a", username="amira", display_name="Amira")
        put_learner(client, key, "b", username="bruno", display_name="Bruno")
        tokens = {
            who: client.post(f"/v1/platform/learners/{who}/tokens", headers=key).json()["token"]
            for who in ("a", "b")
        }
        as_a = {"Authorization": f"Bearer {tokens['a']}"}
        as_b = {"Authorization": f"Bearer {tokens['b']}"}
        asked = client.post("/v1/friend-requests", headers=as_a, json={"username": "bruno"})
        assert asked.status_code == 201, asked.text
        accepted = client.post(f"/v1/friend-requests/{asked.json()['id']}/accept", headers=as_b)
        assert accepted.status_code in (200, 201), accepted.text
        courier.deliver_due()
    events = sorted(
        (
            (e["type"], e["data"]["learner"]["external_id"], e["data"])
            for e in events_of(endpoint.bodies())
        ),
        key=lambda t: (t[0], t[1]),
    )
    assert [(kind, who) for kind, who, _ in events] == [
        ("friend_request.received", "b"),
        ("friendship.created", "a"),
        ("friendship.created", "b"),
    ]
    assert events[0][2]["from"] == {"username": "amira", "display_name": "Amira"}
    assert events[1][2]["friend"]["username"] == "bruno"
    assert events[2][2]["friend"]["username"] == "amira"


def test_erasing_a_learner_erases_their_deliveries(
    client: TestClient, key: Headers, db: Database
) -> None:
    register(client, key, "http://127.0.0.1:9/hook", ["streak.extended"])
    put_learner(client, key, "u1")
    practise(client, key, "u1")
    assert len(deliveries(db)) == 1
    assert client.delete("/v1/platform/learners/u1", headers=key).status_code == 204
    assert deliveries(db) == []


@pytest.mark.parametrize("events", [["badge.awarded"], ["streak.lost"]])
def test_an_endpoint_hears_only_the_events_it_chose(
    client: TestClient, key: Headers, db: Database, events: list[str]
) -> None:
    register(client, key, "http://127.0.0.1:9/hook", events)
    put_learner(client, key, "u1")
    practise(client, key, "u1", type="article_completed", outcome=None)
    assert {row.event_type for row in deliveries(db)} <= set(events)
