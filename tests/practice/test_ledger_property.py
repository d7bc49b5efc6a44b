"""Property: whatever learners do, in whatever order events arrive, with streak freezes granted
and spent, the streak Zeal stores and shows equals the streak the ledger implies (practised
days and the days freezes kept), the ledger equals the events, and the totals boards read
equal the ledger."""

import contextlib
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import START
from tests.factories import PASSWORD, make_learner, sign_in_attempt
from tests.practice.totals_oracle import stored_totals, totals_from_ledger
from zeal.accounts.models import User
from zeal.accounts.service import ProfileChange
from zeal.clock import FixedClock, local_date
from zeal.context import Context
from zeal.db import Database
from zeal.practice import freezes, reading, repairs
from zeal.practice.activities import Outcome, PracticeType
from zeal.practice.errors import FreezeLimitReached, StreakNotRepairable
from zeal.practice.models import (
    PracticeDay,
    PracticeEvent,
    StreakFreeze,
    StreakRepair,
    UserLanguage,
)
from zeal.practice.recording import Practice
from zeal.practice.streaks import current_streak, derive_streak
from zeal.use_cases import accounts as accounts_use_case
from zeal.use_cases.record_practice import record_practice
from zeal.use_cases.settling import settle_now
from zeal.use_cases.streak_repairs import repair_streak

ZONES = ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Copenhagen", "Asia/Kolkata")

advance = st.tuples(st.just("advance"), st.sampled_from((6, 24, 24, 30, 48)))
practise = st.tuples(
    st.just("practise"),
    st.sampled_from(("es", "fr")),
    # Minutes before now: mostly now, often whole days back (late reports fill gaps).
    st.one_of(
        st.just(0),
        st.integers(min_value=1, max_value=6).map(lambda days: days * 24 * 60),
        st.integers(min_value=0, max_value=7 * 24 * 60 - 1),
    ),
    st.sampled_from((None, 30, 90, 150)),  # duration_seconds
    st.sampled_from(("exercise", "reading", "word_translated")),
)
sign_in = st.tuples(st.just("sign_in"))
move = st.tuples(st.just("move"), st.sampled_from(ZONES))
grant = st.tuples(st.just("grant"))  # the platform gives a freeze (refused at the cap)
look = st.tuples(st.just("look"))  # the learner opens their streaks: freezes due are spent
repair = st.tuples(st.just("repair"), st.sampled_from(("es", "fr")))  # refused if none broke
actions = st.lists(
    st.one_of(
        advance, advance, practise, practise, practise, sign_in, move, grant, grant, look, repair
    ),
    max_size=35,
)


def check_agreement(db: Database, ctx: Context, user_id: int, minimum: int) -> None:
    with db.transaction(write=False) as session:
        user = session.get(User, user_id)
        assert user is not None
        today = local_date(user, ctx.clock.now())
        shown = {
            v.language: v
            for v in reading.list_streaks(session, user, local_date(user, ctx.clock.now()))
        }
        stored = {
            ul.language: ul
            for ul in session.scalars(select(UserLanguage).where(UserLanguage.user_id == user_id))
        }
        ledger = session.scalars(select(PracticeDay).where(PracticeDay.user_id == user_id)).all()
        events = session.scalars(select(PracticeEvent).where(PracticeEvent.user_id == user_id))

        # The ledger is the sum of the events, booked on the days they were recorded with.
        expected: dict[tuple[str, object], list[int]] = defaultdict(lambda: [0, 0])
        for event in events:
            expected[(event.language, event.day)][0] += 1
            expected[(event.language, event.day)][1] += event.duration_seconds or 0
        assert {(d.language, d.day): [d.events, d.practice_seconds] for d in ledger} == expected
        for day in ledger:
            assert day.counts_for_streak == (day.practice_seconds >= minimum)
        # The totals boards read are the ledger summed by week, month and all time.
        assert stored_totals(session, user_id) == totals_from_ledger(ledger)

        kept = session.execute(
            select(StreakFreeze.language, StreakFreeze.day).where(
                StreakFreeze.user_id == user_id, StreakFreeze.day.is_not(None)
            )
        ).all()
        repaired = session.execute(
            select(StreakRepair.language, StreakRepair.day).where(StreakRepair.user_id == user_id)
        ).all()
        held = freezes.held_count(session, user_id)
        assert held <= ctx.settings.streak_freeze_cap
        practised = {(d.language, d.day) for d in ledger if d.counts_for_streak}
        assert not practised & {(row.language, row.day) for row in kept}  # never both
        for language, ul in stored.items():
            derived = derive_streak(
                (day for code, day in practised if code == language),
                (row.day for row in [*kept, *repaired] if row.language == language),
            )
            assert (ul.last_practice_date, ul.max_streak, ul.max_streak_date) == (
                derived.last_practice_date,
                derived.max_streak,
                derived.max_streak_date,
            )
            assert ul.kept_through == derived.kept_through
            # 0 is stored only once the streak was found lapsed; never a wrong length.
            assert ul.daily_streak in (0, derived.daily_streak)
            alive = current_streak(
                derived.daily_streak, derived.last_practice_date, today, derived.kept_through
            )
            assert shown[language].daily_streak == alive


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions, minimum=st.sampled_from((0, 120)), zone=st.sampled_from(ZONES))
# Always tried: a streak broken and repaired, then joined by a new run; a freeze kept a
# missed day, which a late event then practised (the freeze back, to keep the next one).
@example(
    steps=[
        ("practise", "es", 0, None, "exercise"),
        ("advance", 24),
        ("practise", "es", 0, None, "exercise"),
        ("advance", 48),
        ("practise", "es", 0, None, "exercise"),
        ("repair", "es"),
        ("advance", 24),
        ("practise", "es", 0, None, "exercise"),
    ],
    minimum=0,
    zone="Pacific/Kiritimati",
)
@example(
    steps=[
        ("practise", "es", 0, None, "exercise"),
        ("grant",),
        ("advance", 48),
        ("look",),
        ("practise", "es", 24 * 60, None, "reading"),
        ("advance", 24),
        ("look",),
        ("practise", "es", 0, None, "exercise"),
    ],
    minimum=0,
    zone="Europe/Copenhagen",
)
def test_stored_streaks_always_equal_the_ledger(
    db: Database, ctx: Context, steps: list[tuple], minimum: int, zone: str
) -> None:
    clock = FixedClock(START)
    ctx = replace(
        ctx,
        clock=clock,
        settings=ctx.settings.model_copy(update={"min_daily_seconds": minimum}),
    )
    user = make_learner(db, ctx, timezone=zone)
    for step in steps:
        if step[0] == "look":  # settling opens a transaction of its own, as a read does
            settle_now(db, ctx, user.id)
            check_agreement(db, ctx, user.id, minimum)
            continue
        with db.transaction() as session:
            if step[0] == "advance":
                clock.advance(timedelta(hours=step[1]))
            elif step[0] == "practise":
                _, language, minutes_ago, seconds, kind = step
                at = max(clock.now() - timedelta(minutes=minutes_ago), START - timedelta(days=1))
                record_practice(
                    session,
                    ctx,
                    user_id=user.id,
                    practice=Practice(
                        PracticeType(kind),
                        language,
                        occurred_at=at,
                        duration_seconds=seconds,
                        outcome=Outcome.CORRECT if kind == "exercise" else None,
                    ),
                )
            elif step[0] == "grant":
                with contextlib.suppress(FreezeLimitReached):
                    freezes.grant_to(session, ctx, user.id, freezes.Grant("property"))
            elif step[0] == "repair":
                with contextlib.suppress(StreakNotRepairable):
                    repair_streak(session, ctx, user.id, step[1], by=repairs.PLATFORM)
            elif step[0] == "sign_in":
                accounts_use_case.sign_in(
                    session, ctx, sign_in_attempt(db, ctx), login=user.username, password=PASSWORD
                )
            else:
                fresh = session.get(User, user.id)
                assert fresh is not None
                accounts_use_case.update_profile(
                    session, ctx, fresh, ProfileChange(timezone=step[1])
                )
        check_agreement(db, ctx, user.id, minimum)
