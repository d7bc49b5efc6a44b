"""Property: a batch leaves exactly the state its events leave sent one by one, and answers
each of them as a single request would; the everyday ones cost a few statements together."""

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, select

from tests.conftest import START
from tests.factories import make_learner
from tests.statements import counted_on
from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.badges.models import UserBadge, UserMetric
from zeal.celebrations.models import Celebration
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.errors import ZealError
from zeal.platform import batch
from zeal.practice.activities import Outcome, PracticeType
from zeal.practice.models import PracticeDay, PracticeEvent, PracticeTotal, UserLanguage
from zeal.practice.recording import Practice
from zeal.use_cases.record_practice import record_practice

ZONES = ("UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kolkata")

new_event = st.tuples(
    st.just("event"),
    st.sampled_from(("es", "es", "es", "fr")),
    # Minutes before now: several in one minute (the per-minute cap), today, and days back.
    st.sampled_from((0, 0, 1, 2, 30, 90, 600, 1_440, 2_900, 4_400)),
    st.sampled_from(("exercise", "exercise", "reading", "word_translated")),
    st.sampled_from(("correct", "correct", "wrong")),
    st.sampled_from((None, 20, 90, 400)),  # duration_seconds
    st.one_of(st.none(), st.integers(min_value=0, max_value=30)),  # key
)
again = st.tuples(st.just("again"), st.integers(min_value=0, max_value=60))
items_of = st.lists(st.one_of(new_event, new_event, new_event, again), min_size=1, max_size=40)


def practice_of(ctx: Context, item: tuple[Any, ...]) -> Practice:
    _, language, minutes_ago, kind, outcome, seconds, key = item
    return Practice(
        type=PracticeType(kind),
        language=language,
        occurred_at=ctx.clock.now() - timedelta(minutes=minutes_ago),
        duration_seconds=seconds if kind != "word_translated" else None,
        outcome=Outcome(outcome) if kind == "exercise" else None,
        idempotency_key=None if key is None else f"key-{key}",
    )


def practices(ctx: Context, items: list[tuple[Any, ...]]) -> list[Practice]:
    made: list[Practice] = []
    for item in items:
        if item[0] == "again":
            if made:
                made.append(made[item[1] % len(made)])
        else:
            made.append(practice_of(ctx, item))
    return made


def one_by_one(db: Database, ctx: Context, user_id: int, events: list[Practice]) -> list[Any]:
    answers: list[Any] = []
    for practice in events:
        try:
            with db.transaction() as session:
                done = record_practice(session, ctx, user_id=user_id, practice=practice)
                answers.append((200 if done.replayed else 201, None, done.event.id))
        except ZealError as refused:
            answers.append((refused.status, refused.code, None))
    return answers


def state_of(db: Database, user_id: int, event_ids: list[int | None]) -> dict[str, Any]:
    """Everything Zeal keeps about the learner that an event can change."""

    def rows(table: Any, *leave_out: str) -> list[tuple[Any, ...]]:
        columns = [c for c in cast(Table, table.__table__).c if c.name not in leave_out]
        statement = select(*columns).where(cast(Table, table.__table__).c.user_id == user_id)
        return sorted(tuple(row) for row in session.execute(statement))

    with db.transaction(write=False) as session:
        answers = {
            event.id: event.result_json
            for event in session.scalars(
                select(PracticeEvent).where(PracticeEvent.user_id == user_id)
            )
        }
        return {
            "days": rows(PracticeDay, "user_id"),
            "totals": rows(PracticeTotal, "user_id"),
            "streaks": rows(UserLanguage, "user_id"),
            # `previous_value` is the value before the last write, however many events it held.
            "metrics": rows(UserMetric, "user_id", "previous_value"),
            "badges": rows(UserBadge, "user_id", "id"),
            "celebrations": rows(Celebration, "user_id", "id"),
            "events": len(answers),
            "answers": [answers.get(event_id) if event_id else None for event_id in event_ids],
        }


def twins(db: Database, ctx: Context, zone: str, goal: int | None) -> tuple[int, int, int, int]:
    """A platform's learner for the batch and a twin for single events, with the same past:
    practice in Spanish the day before and earlier today, so most new events are everyday."""
    with db.transaction() as session:
        _, key = accounts_service.create_api_key(session, ctx, name="server", platform="Lingo")
    ids = []
    for _ in range(2):
        user = make_learner(db, ctx, timezone=zone)
        with db.transaction() as session:
            learner = session.get(User, user.id)
            assert learner is not None
            learner.platform_id, learner.external_id = key.platform_id, f"twin-{user.id}"
            learner.daily_goal_xp = goal
        past = [Practice(PracticeType.EXERCISE, "es", ctx.clock.now() - timedelta(hours=h),
                         60, Outcome.CORRECT) for h in (26, 3)]  # fmt: skip
        one_by_one(db, ctx, user.id, past)
        ids.append(user.id)
    return ids[0], ids[1], key.platform_id, key.id


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    items=items_of,
    zone=st.sampled_from(ZONES),
    minimum=st.sampled_from((0, 120)),
    goal=st.sampled_from((None, 10, 50)),
)
def test_a_batch_leaves_what_its_events_leave_one_by_one(
    db: Database, ctx: Context, items: list[tuple[Any, ...]], zone: str, minimum: int, goal: int
) -> None:
    limits = {"min_daily_seconds": minimum, "practice_events_per_minute": 3}
    ctx = replace(ctx, clock=FixedClock(START), settings=ctx.settings.model_copy(update=limits))
    in_batch, single, platform_id, api_key_id = twins(db, ctx, zone, goal)
    events = practices(ctx, items)

    answers = one_by_one(db, ctx, single, events)
    external_id = f"twin-{in_batch}"
    results = batch.record_batch(
        db,
        ctx,
        platform_id=platform_id,
        api_key_id=api_key_id,
        items=[batch.BatchItem(external_id, practice) for practice in events],
    )

    assert [(r.status, r.code) for r in results] == [(s, c) for s, c, _ in answers]
    kept_by_batch = state_of(db, in_batch, [r.event_id for r in results])
    kept_one_by_one = state_of(db, single, [event_id for _, _, event_id in answers])
    assert kept_by_batch == kept_one_by_one


def test_everyday_events_cost_the_same_few_statements_however_many(
    db: Database, ctx: Context
) -> None:
    """Events on days that already count: a batch's statements do not grow with its events,
    but for one lookup per 100 of them."""
    counts = []
    for size in (20, 300):
        in_batch, _, platform_id, api_key_id = twins(db, ctx, "UTC", 1_000)
        items = [batch.BatchItem(f"twin-{in_batch}", Practice(
            PracticeType.READING, "es", ctx.clock.now() - timedelta(minutes=n // 3), 30
        )) for n in range(size)]  # fmt: skip
        run = partial(
            batch.record_batch, db, ctx, platform_id=platform_id, api_key_id=api_key_id,
            items=items,
        )  # fmt: skip
        counts.append(statements_of(db, run))
    assert counts[0] <= 15
    assert counts[1] == counts[0] + 2


def statements_of(db: Database, run: Callable[[], list[batch.ItemResult]]) -> int:
    with counted_on(db.engine) as seen:
        results = run()
    assert {r.status for r in results} == {201}
    return len(seen)
