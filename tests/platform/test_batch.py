"""A batch of practice events: every item its own result, in order; replays count nothing."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import signed_up
from tests.http import assert_problem
from tests.platform.test_learners import Headers, key_of, put
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.practice.models import PracticeEvent

BATCH = "/v1/platform/practice-events/batch"


def event(external_id: str, key: str, days_ago: int = 0, **more: Any) -> dict[str, Any]:
    return {"external_id": external_id, "type": "exercise", "language": "es",
            "outcome": "correct", "idempotency_key": key, "days_ago": days_ago, **more}  # fmt: skip


def send(client: TestClient, clock: FixedClock, key: Headers, items: list[dict[str, Any]]) -> Any:
    for item in items:
        days_ago = item.pop("days_ago", None)
        if days_ago is not None:
            item["occurred_at"] = (clock.now() - timedelta(days=days_ago)).isoformat()
    return client.post(BATCH, headers=key, json={"events": items})


def events_of(db: Database) -> int:
    with db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(PracticeEvent)) or 0)


def test_each_item_gets_its_own_result_in_order(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock
) -> None:
    lingo, other = key_of(db, ctx, "Lingo Land"), key_of(db, ctx, "Other School")
    put(client, lingo, "ana")
    put(client, lingo, "ben")
    put(client, other, "cat")  # another platform's learner
    items = [
        event("ana", "a1"),
        event("ana", "a2", type="juggling"),  # not a practice type
        event("nobody", "n1"),
        event("ben", "b1", days_ago=1),
        event("ana", "a1"),  # the same key again, the same event: replayed
        event("ana", "a1", language="fr"),  # the same key, another event
        event("ana", "a3", language="xx"),
        event("cat", "c1"),
        {"type": "exercise", "language": "es"},  # whose?
        event("ben", "b2"),
    ]
    answer = send(client, clock, lingo, items)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    statuses = [(r["status"], r["code"]) for r in body["results"]]
    assert statuses == [
        (201, None), (422, "validation_error"), (404, "learner_not_found"), (201, None),
        (200, None), (422, "idempotency_key_reused"), (422, "language_unknown"),
        (404, "learner_not_found"), (422, "validation_error"), (201, None),
    ]  # fmt: skip
    assert (body["recorded"], body["replayed"], body["refused"]) == (3, 1, 6)
    results = body["results"]
    assert results[0]["event_id"] == results[4]["event_id"]
    assert results[1]["errors"][0]["loc"] == ["type"]
    assert events_of(db) == 3
    ben = client.post("/v1/platform/learners/ben/tokens", headers=lingo, json={}).json()["token"]
    streaks = client.get("/v1/me/streaks", headers={"Authorization": f"Bearer {ben}"}).json()
    assert [(s["language"], s["daily_streak"]) for s in streaks["streaks"]] == [("es", 2)]


def test_a_batch_sent_again_counts_nothing_twice(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock
) -> None:
    lingo = key_of(db, ctx, "Lingo Land")
    put(client, lingo, "ana")
    week = [event("ana", f"day-{n}", days_ago=n) for n in range(7)]
    first = send(client, clock, lingo, [dict(item) for item in week]).json()
    assert [r["status"] for r in first["results"]] == [201] * 7
    again = send(client, clock, lingo, [dict(item) for item in week]).json()
    assert [r["status"] for r in again["results"]] == [200] * 7
    assert [r["event_id"] for r in again["results"]] == [r["event_id"] for r in first["results"]]
    assert events_of(db) == 7
    token = client.post("/v1/platform/learners/ana/tokens", headers=lingo).json()["token"]
    streaks = client.get("/v1/me/streaks", headers={"Authorization": f"Bearer {token}"}).json()
    assert streaks["streaks"][0]["daily_streak"] == 7  # a week backfilled, out of order too


def test_the_batch_itself_is_checked(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock
) -> None:
    lingo = key_of(db, ctx, "Lingo Land")
    assert_problem(client.post(BATCH, headers=lingo, json={"events": []}), 422, "validation_error")
    too_many = {"events": [{"external_id": "a"}] * 1_001}
    assert_problem(client.post(BATCH, headers=lingo, json=too_many), 422, "validation_error")
    _, learner = signed_up(client)
    for headers in ({}, learner):
        answer = client.post(BATCH, headers=headers, json={"events": [event("a", "k")]})
        assert_problem(answer, 401, "invalid_api_key")


def test_a_batch_may_be_larger_than_other_bodies(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock
) -> None:
    lingo = key_of(db, ctx, "Lingo Land")
    names = [f"learner-{n}" for n in range(4)]
    for name in names:
        put(client, lingo, name)
    items = [
        event(name, f"{name}-{n}-" + "k" * 150, days_ago=n % 5, language=("es", "fr")[n % 2])
        for name in names
        for n in range(100)
    ]
    answer = send(client, clock, lingo, items)
    assert answer.status_code == 200, answer.text[:300]
    assert len(answer.request.content) > 64 * 1024
    assert answer.json()["recorded"] == 400
    assert events_of(db) == 400
