"""`streak.at_risk` at the learner's local hour (every zone, across DST changes) and
`streak.lost` once the day has passed: each written once."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from tests.webhooks.conftest import Headers, deliveries, practise, put_learner, register
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.use_cases.settling import settle_due
from zeal.use_cases.streak_notices import write_notices

NOTICES = ["streak.at_risk", "streak.lost"]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def notices(db: Database, ctx: Context) -> int:
    with db.transaction() as session:
        return write_notices(session, ctx)


def sent(db: Database) -> list[tuple[str, dict[str, Any]]]:
    return [(row.event_type, json.loads(row.data)) for row in deliveries(db)]


@pytest.fixture
def listening(client: TestClient, key: Headers) -> None:
    register(client, key, "http://127.0.0.1:9/hook", NOTICES)


def practised(client: TestClient, key: Headers, clock: FixedClock, who: str, at: str) -> None:
    clock.set(utc(at))
    practise(client, key, who)


@pytest.mark.parametrize(
    ("zone", "practised_at", "before", "at_hour", "midnight"),
    [
        # New York springs forward at 02:00 on 8 March 2026: 19:00 is then UTC-4.
        (
            "America/New_York",
            "2026-03-07T09:00:00-05:00",
            "2026-03-08T18:59:00-04:00",
            "2026-03-08T19:00:00-04:00",
            "2026-03-09T04:00:00Z",
        ),
        # Berlin falls back at 03:00 on 25 October 2026: 19:00 is then UTC+1.
        (
            "Europe/Berlin",
            "2026-10-24T08:00:00+02:00",
            "2026-10-25T18:59:59+01:00",
            "2026-10-25T19:00:00+01:00",
            "2026-10-25T23:00:00Z",
        ),
        # Kathmandu is 5:45 ahead, all year.
        (
            "Asia/Kathmandu",
            "2026-06-01T12:00:00+05:45",
            "2026-06-02T18:59:00+05:45",
            "2026-06-02T19:00:00+05:45",
            "2026-06-02T18:15:00Z",
        ),
    ],
)
def test_a_streak_is_at_risk_from_seven_in_the_evening_local_time(
    client: TestClient,
    key: Headers,
    db: Database,
    ctx: Context,
    clock: FixedClock,
    listening: None,
    zone: str,
    practised_at: str,
    before: str,
    at_hour: str,
    midnight: str,
) -> None:
    put_learner(client, key, "u1", timezone=zone)
    practised(client, key, clock, "u1", practised_at)
    clock.set(utc(before))
    assert notices(db, ctx) == 0
    clock.set(utc(at_hour))
    assert notices(db, ctx) == 1
    clock.advance(timedelta(hours=2))
    assert notices(db, ctx) == 0  # once per learner, language and day
    [(kind, data)] = sent(db)
    assert kind == "streak.at_risk"
    assert data["language"] == "es" and data["streak"] == 1
    assert data["last_practice_date"] == datetime.fromisoformat(practised_at).date().isoformat()
    assert utc(data["ends_at"]) == utc(midnight)


def test_learners_are_told_at_their_own_hour_whatever_the_instant(
    client: TestClient, key: Headers, db: Database, ctx: Context, clock: FixedClock, listening: None
) -> None:
    put_learner(client, key, "tokyo", timezone="Asia/Tokyo")
    put_learner(client, key, "lima", timezone="America/Lima")
    practised(client, key, clock, "tokyo", "2026-05-04T08:00:00+09:00")
    practised(client, key, clock, "lima", "2026-05-04T08:00:00-05:00")
    clock.set(utc("2026-05-05T19:30:00+09:00"))  # 05:30 in Lima, the day after practice
    assert notices(db, ctx) == 1
    clock.set(utc("2026-05-05T19:30:00-05:00"))  # Tokyo: already the 6th, the streak is lost
    assert notices(db, ctx) == 2
    assert sorted(kind for kind, _ in sent(db)) == [
        "streak.at_risk",
        "streak.at_risk",
        "streak.lost",
    ]


def test_practice_today_takes_the_risk_away(
    client: TestClient, key: Headers, db: Database, ctx: Context, clock: FixedClock, listening: None
) -> None:
    put_learner(client, key, "u1", timezone="Europe/Madrid")
    practised(client, key, clock, "u1", "2026-05-04T08:00:00+02:00")
    practised(client, key, clock, "u1", "2026-05-05T08:00:00+02:00")
    clock.set(utc("2026-05-05T20:00:00+02:00"))
    assert notices(db, ctx) == 0
    assert sent(db) == []


def test_a_lost_streak_is_announced_once_with_its_length(
    client: TestClient, key: Headers, db: Database, ctx: Context, clock: FixedClock, listening: None
) -> None:
    put_learner(client, key, "u1", timezone="Europe/Madrid")
    for day in ("01", "02", "03"):
        practised(client, key, clock, "u1", f"2026-05-{day}T08:00:00+02:00")
    clock.set(utc("2026-05-04T23:59:00+02:00"))
    assert notices(db, ctx) == 1  # at risk
    clock.set(utc("2026-05-05T00:00:00+02:00"))
    assert notices(db, ctx) == 1  # lost
    clock.advance(timedelta(days=1))
    assert notices(db, ctx) == 0
    assert sent(db)[-1] == (
        "streak.lost",
        {"language": "es", "streak": 3, "last_practice_date": "2026-05-03"},
    )


def test_a_day_a_freeze_kept_is_not_a_lost_streak_and_the_next_day_is_at_risk(
    client: TestClient, key: Headers, db: Database, ctx: Context, clock: FixedClock, listening: None
) -> None:
    put_learner(client, key, "u1", timezone="Europe/Madrid")
    for day in ("01", "02", "03"):
        practised(client, key, clock, "u1", f"2026-05-{day}T08:00:00+02:00")
    granted = client.post("/v1/platform/learners/u1/freezes", headers=key, json={"reason": "gift"})
    assert granted.status_code == 201, granted.text
    clock.set(utc("2026-05-04T23:59:00+02:00"))
    assert notices(db, ctx) == 1  # at risk on the 4th, freeze or not: practice keeps it best
    clock.set(utc("2026-05-05T00:00:00+02:00"))  # the 4th is over: the freeze keeps it
    assert settle_due(db, ctx) == 1
    assert notices(db, ctx) == 0  # not lost
    clock.set(utc("2026-05-05T19:00:00+02:00"))
    assert notices(db, ctx) == 1  # the 5th is at risk now, for the same 3 days
    kinds = [(kind, data["streak"]) for kind, data in sent(db)]
    assert kinds == [("streak.at_risk", 3), ("streak.at_risk", 3)]
    assert sent(db)[-1][1]["ends_at"] == "2026-05-05T22:00:00Z"
    clock.set(utc("2026-05-06T00:00:00+02:00"))  # no freeze left: the 5th ends the streak
    assert settle_due(db, ctx) == 0
    assert notices(db, ctx) == 1
    assert sent(db)[-1] == (
        "streak.lost",
        {"language": "es", "streak": 3, "last_practice_date": "2026-05-03"},
    )


def test_a_kept_day_is_announced_once_as_streak_frozen(
    client: TestClient, key: Headers, db: Database, ctx: Context, clock: FixedClock
) -> None:
    register(client, key, "http://127.0.0.1:9/hook", ["streak.frozen"])
    put_learner(client, key, "u1", timezone="Asia/Tokyo")
    for day in ("01", "02"):
        practised(client, key, clock, "u1", f"2026-05-{day}T08:00:00+09:00")
    client.post("/v1/platform/learners/u1/freezes", headers=key, json={"reason": "gift"})
    clock.set(utc("2026-05-04T00:30:00+09:00"))  # the 3rd is over in Tokyo
    assert settle_due(db, ctx) == 1
    assert settle_due(db, ctx) == 0
    practise(client, key, "u1")  # the 4th: the event settles nothing more
    frozen = [(kind, data) for kind, data in sent(db) if kind == "streak.frozen"]
    assert len(frozen) == 1
    data = {k: v for k, v in frozen[0][1].items() if k != "learner"}
    assert data == {"language": "es", "streak": 2, "day": "2026-05-03", "freezes_held": 0}


def test_the_hour_is_a_setting(
    db: Database, database_url: str, key: Headers, clock: FixedClock
) -> None:
    settings = make_settings(database_url, webhook_allow_private=True, streak_at_risk_hour=8)
    ctx = Context(settings=settings, clock=clock)
    with TestClient(create_app(settings, clock)) as client:
        register(client, key, "http://127.0.0.1:9/hook", NOTICES)
        put_learner(client, key, "u1", timezone="Europe/Madrid")
        practised(client, key, clock, "u1", "2026-05-04T08:00:00+02:00")
    clock.set(utc("2026-05-05T07:59:00+02:00"))
    assert notices(db, ctx) == 0
    clock.set(utc("2026-05-05T08:00:00+02:00"))
    assert notices(db, ctx) == 1


def test_no_notice_is_written_where_no_endpoint_hears_them(
    client: TestClient, key: Headers, db: Database, ctx: Context, clock: FixedClock
) -> None:
    register(client, key, "http://127.0.0.1:9/hook", ["badge.awarded"])
    put_learner(client, key, "u1", timezone="Europe/Madrid")
    practised(client, key, clock, "u1", "2026-05-04T08:00:00+02:00")
    clock.set(utc("2026-05-05T20:00:00+02:00"))
    assert notices(db, ctx) == 0
    assert sent(db) == []
