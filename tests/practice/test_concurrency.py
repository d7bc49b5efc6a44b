"""Events for one learner that arrive at once give the state of sending them one by one."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import make_learner, signed_up
from tests.threads import at_once
from zeal.context import Context
from zeal.db import Database
from zeal.practice.activities import Outcome, PracticeType
from zeal.practice.models import PracticeDay, PracticeEvent, UserLanguage
from zeal.practice.recording import Practice
from zeal.use_cases.record_practice import record_practice


def twenty_events(ctx: Context) -> list[Practice]:
    now = ctx.clock.now()
    kinds = ["exercise", "reading", "listening", "word_translated", "article_completed"]
    return [
        Practice(
            PracticeType(kinds[i % 5]),
            ("es", "fr")[i // 10],
            occurred_at=now - timedelta(days=i % 3, minutes=i),
            duration_seconds=10 + i,
            outcome=Outcome.CORRECT if i % 5 == 0 else None,
        )
        for i in range(20)
    ]


def state_of(db: Database, user_id: int) -> tuple[list[tuple], list[tuple], int]:
    with db.transaction(write=False) as session:
        days = session.execute(
            select(
                PracticeDay.language,
                PracticeDay.day,
                PracticeDay.counts_for_streak,
                PracticeDay.events,
                PracticeDay.exercises_done,
                PracticeDay.exercises_correct,
                PracticeDay.exercise_seconds,
                PracticeDay.reading_seconds,
                PracticeDay.listening_seconds,
                PracticeDay.words_translated,
                PracticeDay.articles_read,
            )
            .where(PracticeDay.user_id == user_id)
            .order_by(PracticeDay.language, PracticeDay.day)
        ).all()
        streaks = session.execute(
            select(
                UserLanguage.language,
                UserLanguage.daily_streak,
                UserLanguage.last_practice_date,
                UserLanguage.max_streak,
                UserLanguage.max_streak_date,
            )
            .where(UserLanguage.user_id == user_id)
            .order_by(UserLanguage.language)
        ).all()
        events = session.scalar(
            select(func.count()).select_from(PracticeEvent).where(PracticeEvent.user_id == user_id)
        )
    return [tuple(d) for d in days], [tuple(s) for s in streaks], events or 0


def record(db: Database, ctx: Context, user_id: int, practice: Practice) -> Any:
    with db.transaction() as session:
        return record_practice(session, ctx, user_id=user_id, practice=practice)


def test_twenty_events_at_once_equal_twenty_one_by_one(db: Database, ctx: Context) -> None:
    together = make_learner(db, ctx)
    one_by_one = make_learner(db, ctx)
    events = twenty_events(ctx)

    at_once([lambda p=p: record(db, ctx, together.id, p) for p in events])
    for practice in events:
        record(db, ctx, one_by_one.id, practice)

    days, streaks, count = state_of(db, together.id)
    assert count == 20
    assert (days, streaks, count) == state_of(db, one_by_one.id)
    assert [(lang, streak) for lang, streak, *_ in streaks] == [("es", 3), ("fr", 3)]


def test_one_idempotency_key_sent_ten_times_at_once_counts_once(db: Database, ctx: Context) -> None:
    user = make_learner(db, ctx)
    practice = Practice(
        PracticeType.EXERCISE, "es", outcome=Outcome.CORRECT, idempotency_key="retry-storm"
    )
    results = at_once([lambda: record(db, ctx, user.id, practice) for _ in range(10)])
    assert sorted(r.replayed for r in results) == [False] + [True] * 9
    assert len({r.event.id for r in results}) == 1
    days, _, count = state_of(db, user.id)
    assert count == 1
    assert [d[3] for d in days] == [1]  # one event on the day


def test_concurrent_requests_through_the_api(client: TestClient, db: Database) -> None:
    user, headers = signed_up(client)

    def post(i: int) -> int:
        response = client.post(
            "/v1/me/practice-events",
            headers=headers,
            json={
                "type": "exercise",
                "language": "es",
                "outcome": "correct",
                "duration_seconds": i,
            },
        )
        return response.status_code

    statuses = at_once([lambda i=i: post(i) for i in range(20)])
    assert statuses == [201] * 20
    days, streaks, count = state_of(db, user["id"])
    assert count == 20
    assert days[0][3:6] == (20, 20, 20)  # events, exercises done, exercises correct
    assert days[0][6] == sum(range(20))
    assert [s[1] for s in streaks] == [1]
