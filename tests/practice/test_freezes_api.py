"""Streak freezes over HTTP: a platform grants them (by Zeal id or its own id), the learner
sees them held and spent, and the calendar and ledger show the days they kept."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import signed_up
from tests.http import assert_problem
from zeal.accounts import service as accounts_service
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.practice.models import StreakFreeze

Headers = dict[str, str]
DAY = timedelta(days=1)


def key(db: Database, ctx: Context, platform: str = "Lingo Land") -> Headers:
    with db.transaction() as session:
        secret, _ = accounts_service.create_api_key(session, ctx, name="server", platform=platform)
    return {"X-API-Key": secret}


def freezes_kept(db: Database) -> int:
    with db.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(StreakFreeze)) or 0


def practise_days(client: TestClient, clock: FixedClock, me: Headers, days: int) -> None:
    for _ in range(days):
        answer = client.post(
            "/v1/me/practice-events", headers=me, json={"type": "reading", "language": "es"}
        )
        assert answer.status_code == 201, answer.text
        clock.advance(DAY)


def grant(client: TestClient, api_key: Headers, user_id: int, **body: Any) -> Any:
    return client.post(f"/v1/users/{user_id}/freezes", headers=api_key, json=body)


def test_a_grant_is_answered_once_and_replayed_by_its_key(
    client: TestClient, db: Database, ctx: Context
) -> None:
    me, _headers = signed_up(client)
    api_key = key(db, ctx)
    first = grant(client, api_key, me["id"], reason="Sorry for the outage", idempotency_key="o1")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["held"] == 1
    assert body["freeze"]["source"] == "granted"
    assert body["freeze"]["reason"] == "Sorry for the outage"
    assert body["freeze"]["day"] is None
    again = grant(client, api_key, me["id"], reason="Sorry for the outage", idempotency_key="o1")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["freeze"]["id"] == body["freeze"]["id"]
    other = grant(client, api_key, me["id"], reason="Something else", idempotency_key="o1")
    assert_problem(other, 422, "idempotency_key_reused")
    assert freezes_kept(db) == 1


def test_a_grant_past_the_cap_is_refused_and_keeps_nothing(
    client: TestClient, db: Database, ctx: Context
) -> None:
    me, _ = signed_up(client)
    api_key = key(db, ctx)
    for n in range(2):
        assert grant(client, api_key, me["id"], reason=f"gift {n}").status_code == 201
    refused = grant(client, api_key, me["id"], reason="one too many")
    assert_problem(refused, 409, "freeze_limit_reached")
    assert freezes_kept(db) == 2


def test_grants_check_their_body_and_their_learner(
    client: TestClient, db: Database, ctx: Context
) -> None:
    me, _ = signed_up(client)
    api_key = key(db, ctx)
    assert_problem(grant(client, api_key, me["id"], reason=""), 422, "validation_error")
    assert_problem(grant(client, api_key, me["id"]), 422, "validation_error")
    assert_problem(grant(client, api_key, me["id"], reason="x" * 201), 422, "validation_error")
    assert_problem(grant(client, api_key, 999_999, reason="gift"), 404, "user_not_found")
    assert freezes_kept(db) == 0


def test_a_platform_grants_to_its_own_learner_by_its_id_only(
    client: TestClient, db: Database, ctx: Context
) -> None:
    lingo, other = key(db, ctx), key(db, ctx, "Other School")
    assert client.put("/v1/platform/learners/ana-1", headers=lingo, json={}).status_code == 201
    path = "/v1/platform/learners/ana-1/freezes"
    answer = client.post(path, headers=lingo, json={"reason": "Streak week"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["held"] == 1
    assert_problem(
        client.post(path, headers=other, json={"reason": "Streak week"}), 404, "learner_not_found"
    )


def test_the_learner_sees_a_freeze_keep_a_missed_day(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock
) -> None:
    me, headers = signed_up(client)
    practise_days(client, clock, headers, 3)  # 10-12 March; now the 13th
    assert grant(client, key(db, ctx), me["id"], reason="gift").status_code == 201
    listed = client.get("/v1/me/freezes", headers=headers).json()
    assert (listed["held"], listed["cap"], listed["earn_every_days"]) == (1, 2, 7)
    clock.advance(DAY)  # the 13th passed without practice: the 14th now
    streaks = client.get("/v1/me/streaks", headers=headers).json()["streaks"]
    assert (streaks[0]["daily_streak"], streaks[0]["kept_through"]) == (3, "2026-03-13")
    listed = client.get("/v1/me/freezes", headers=headers).json()
    assert listed["held"] == 0
    assert (listed["freezes"][0]["language"], listed["freezes"][0]["day"]) == ("es", "2026-03-13")
    ledger = client.get("/v1/me/practice-days", headers=headers).json()
    assert ledger["kept_days"] == [{"language": "es", "day": "2026-03-13", "kind": "frozen"}]
    assert "2026-03-13" not in {day["day"] for day in ledger["days"]}
    exported = client.get("/v1/me/export", headers=headers).json()
    assert [f["day"] for f in exported["streak_freezes"]] == ["2026-03-13"]
    assert exported["languages"][0]["kept_through"] == "2026-03-13"


def test_the_ledger_settles_first_too(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock
) -> None:
    """The calendar read alone (no streaks read before it) already shows the kept day."""
    me, headers = signed_up(client)
    practise_days(client, clock, headers, 2)
    grant(client, key(db, ctx), me["id"], reason="gift")
    clock.advance(DAY)
    ledger = client.get("/v1/me/practice-days", headers=headers).json()
    assert [day["day"] for day in ledger["kept_days"]] == ["2026-03-12"]


def test_an_earned_freeze_names_the_streak_that_earned_it(
    client: TestClient, clock: FixedClock
) -> None:
    _, headers = signed_up(client)
    practise_days(client, clock, headers, 7)
    listed = client.get("/v1/me/freezes", headers=headers).json()
    assert listed["held"] == 1
    earned = listed["freezes"][0]
    assert (earned["source"], earned["earned_language"], earned["earned_streak"]) == (
        "earned",
        "es",
        7,
    )
