"""Streak freezes: earned by streaks, granted by the platform, spent by themselves on a day
that ended unpractised, once, whoever settles first; given back when the day is practised late."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_learner, practise
from tests.threads import at_once
from zeal.accounts.models import User
from zeal.clock import FixedClock, local_date
from zeal.context import Context
from zeal.db import Database
from zeal.practice import freezes, reading
from zeal.practice.daily_streaks import LanguageStreak
from zeal.practice.errors import FreezeLimitReached, IdempotencyKeyReused
from zeal.practice.freezes import Grant, Held, Spend, plan
from zeal.practice.models import StreakFreeze, UserLanguage
from zeal.practice.streaks import StreakState, derive_streak
from zeal.use_cases.settling import settle_due, settle_now

DAY = timedelta(days=1)
D = date(2026, 3, 2)


def alive(language: str, days: int, through: date) -> LanguageStreak:
    return LanguageStreak(language, days, through, days, through)


class TestPlan:
    """The rule alone: which freeze keeps which day."""

    def test_a_missed_day_takes_a_freeze_held_at_its_end(self) -> None:
        spends = plan([alive("es", 5, D)], [Held(1, D - 3 * DAY)], today=D + 2 * DAY)
        assert spends == [Spend(1, "es", D + DAY)]

    def test_nothing_is_spent_while_the_day_is_not_over(self) -> None:
        assert plan([alive("es", 5, D)], [Held(1, D)], today=D + DAY) == []

    def test_a_freeze_first_held_after_the_day_cannot_keep_it(self) -> None:
        assert plan([alive("es", 5, D)], [Held(1, D + 2 * DAY)], today=D + 3 * DAY) == []

    def test_each_day_only_takes_a_freeze_held_by_its_end(self) -> None:
        held = [Held(1, D), Held(2, D + 3 * DAY)]
        # D+1 takes the first; D+2 ends before the second was held: the streak ends there.
        assert plan([alive("es", 5, D)], held, today=D + 4 * DAY) == [Spend(1, "es", D + DAY)]

    def test_two_missed_days_take_two_freezes_or_the_streak_ends_after_one(self) -> None:
        two = [Held(1, D), Held(2, D)]
        assert plan([alive("es", 5, D)], two, today=D + 3 * DAY) == [
            Spend(1, "es", D + DAY),
            Spend(2, "es", D + 2 * DAY),
        ]
        # One freeze is spent on the first day (nobody knew then that the next would be
        # missed too); the second day ends the streak.
        assert plan([alive("es", 5, D)], two[:1], today=D + 3 * DAY) == [Spend(1, "es", D + DAY)]

    def test_the_longest_streak_is_kept_first_then_by_language_code(self) -> None:
        streaks = [alive("fr", 3, D), alive("es", 9, D), alive("de", 3, D)]
        assert plan(streaks, [Held(1, D)], today=D + 2 * DAY) == [Spend(1, "es", D + DAY)]
        two = [Held(1, D), Held(2, D)]
        assert [s.language for s in plan(streaks, two, today=D + 2 * DAY)] == ["es", "de"]

    def test_the_oldest_freeze_goes_first_and_lapsed_streaks_take_none(self) -> None:
        streaks = [alive("es", 4, D), alive("it", 8, D - 10 * DAY)]
        held = [Held(7, D), Held(3, D - DAY)]
        assert plan(streaks, held, today=D + 2 * DAY) == [Spend(3, "es", D + DAY)]

    def test_a_streak_of_zero_takes_no_freeze(self) -> None:
        assert plan([alive("es", 0, D)], [Held(1, D)], today=D + 2 * DAY) == []


class TestDerive:
    def test_kept_days_join_runs_without_lengthening_them(self) -> None:
        state = derive_streak([D, D + 2 * DAY, D + 3 * DAY], [D + DAY])
        assert state == StreakState(3, D + 3 * DAY, 3, D + 3 * DAY, None)

    def test_a_run_may_end_on_kept_days(self) -> None:
        state = derive_streak([D, D + DAY], [D + 2 * DAY, D + 3 * DAY])
        assert state == StreakState(2, D + DAY, 2, D + DAY, D + 3 * DAY)


# ---- the service, on every backend -----------------------------------------------------------

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def grant(db: Database, ctx: Context, user: User, reason: str = "gift", key: str | None = None):  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return freezes.grant_to(session, ctx, user.id, Grant(reason, key))


def stored(db: Database, user: User, language: str = "es") -> UserLanguage:
    with db.transaction(write=False) as session:
        row = session.get(UserLanguage, (user.id, language))
        assert row is not None
        return row


def shown(db: Database, ctx: Context, user: User) -> dict[str, reading.StreakView]:
    with db.transaction(write=False) as session:
        today = local_date(user, ctx.clock.now())
        return {v.language: v for v in reading.list_streaks(session, user, today)}


def spent(db: Database, user: User) -> list[tuple[str | None, date | None]]:
    with db.transaction(write=False) as session:
        rows = session.execute(
            select(StreakFreeze.language, StreakFreeze.day)
            .where(StreakFreeze.user_id == user.id, StreakFreeze.day.is_not(None))
            .order_by(StreakFreeze.day)
        )
        return [(row.language, row.day) for row in rows]


def held(db: Database, user: User) -> int:
    with db.transaction(write=False) as session:
        return freezes.held_count(session, user.id)


def days_in_a_row(db: Database, ctx: Context, clock: FixedClock, user: User, n: int) -> None:
    for _ in range(n):
        practise(db, ctx, user)
        clock.advance(DAY)


def test_a_streak_earns_a_freeze_each_multiple_of_seven_up_to_the_cap(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    days_in_a_row(db, ctx, clock, user, 6)
    assert held(db, user) == 0
    days_in_a_row(db, ctx, clock, user, 1)
    assert held(db, user) == 1
    days_in_a_row(db, ctx, clock, user, 14)  # 14 and 21: the cap (2) stops the third
    assert held(db, user) == 2
    with db.transaction(write=False) as session:
        earned = session.scalars(select(StreakFreeze.earned_streak).order_by(StreakFreeze.id))
        assert list(earned) == [7, 14]


def test_a_missed_day_is_kept_once_it_is_over_and_the_streak_goes_on(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx, timezone="America/New_York")
    clock.set(NOON)
    days_in_a_row(db, ctx, clock, user, 3)  # 10-12 March, local
    grant(db, ctx, user)
    # 13 March passes without practice. At 23:30 on the 13th in New York, nothing is due.
    clock.set(datetime(2026, 3, 14, 3, 30, tzinfo=UTC))
    assert not settle_now(db, ctx, user.id)
    assert spent(db, user) == []
    # Half an hour later the day is over in New York: the freeze keeps it.
    clock.set(datetime(2026, 3, 14, 4, 30, tzinfo=UTC))
    assert settle_now(db, ctx, user.id)
    assert spent(db, user) == [("es", date(2026, 3, 13))]
    assert shown(db, ctx, user)["es"].daily_streak == 3  # alive, not grown
    assert stored(db, user).kept_through == date(2026, 3, 13)
    assert not settle_now(db, ctx, user.id)  # settled: nothing more, ever, for that day
    clock.set(datetime(2026, 3, 14, 16, 0, tzinfo=UTC))
    practise(db, ctx, user)
    assert shown(db, ctx, user)["es"].daily_streak == 4
    assert held(db, user) == 0


def test_an_event_after_the_missed_day_spends_the_freeze_first(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    days_in_a_row(db, ctx, clock, user, 3)
    grant(db, ctx, user)
    clock.advance(DAY)  # a day without practice
    recorded = practise(db, ctx, user)
    assert recorded.streak.daily_streak == 4
    assert len(spent(db, user)) == 1


def test_a_freeze_granted_after_the_missed_day_does_not_keep_it(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    days_in_a_row(db, ctx, clock, user, 3)
    clock.advance(DAY)  # the day after the last practice day ends unpractised
    grant(db, ctx, user)  # the grant comes the next morning: too late for that day
    assert practise(db, ctx, user).streak.daily_streak == 1
    assert spent(db, user) == [] and held(db, user) == 1


def test_without_a_freeze_the_streak_ends_as_before(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    days_in_a_row(db, ctx, clock, user, 3)
    clock.advance(DAY)
    assert practise(db, ctx, user).streak.daily_streak == 1


def test_freezes_keep_days_across_a_dst_change(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    """Copenhagen moves to summer time on 29 March 2026: that day has 23 hours."""
    user = make_learner(db, ctx, timezone="Europe/Copenhagen")
    clock.set(datetime(2026, 3, 26, 10, 0, tzinfo=UTC))
    days_in_a_row(db, ctx, clock, user, 3)  # 26-28 March
    grant(db, ctx, user)
    grant(db, ctx, user, "second")
    # 29 March (23 hours) and 30 March pass; 31 March, 00:30 local (22:30 UTC on the 30th).
    clock.set(datetime(2026, 3, 30, 22, 30, tzinfo=UTC))
    settle_now(db, ctx, user.id)
    assert spent(db, user) == [("es", date(2026, 3, 29)), ("es", date(2026, 3, 30))]
    assert shown(db, ctx, user)["es"].daily_streak == 3


def test_the_date_line_each_learner_by_their_own_midnight(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) practise at the same instants; the same
    missed UTC day ends for one a day before the other."""
    east = make_learner(db, ctx, timezone="Pacific/Kiritimati")
    west = make_learner(db, ctx, timezone="Pacific/Pago_Pago")
    clock.set(datetime(2026, 3, 10, 0, 0, tzinfo=UTC))  # 14:00 on the 10th / 13:00 on the 9th
    for _ in range(2):
        practise(db, ctx, east)
        practise(db, ctx, west)
        clock.advance(DAY)
    grant(db, ctx, east)
    grant(db, ctx, west)
    # 12 March 10:30 UTC: 00:30 on the 13th in Kiritimati (the 12th is over there), and
    # 23:30 on the 11th in Pago Pago (whose last practice day was the 10th: today counts).
    clock.set(datetime(2026, 3, 12, 10, 30, tzinfo=UTC))
    assert settle_due(db, ctx) == 1
    assert spent(db, east) == [("es", date(2026, 3, 12))]
    assert spent(db, west) == []
    clock.advance(timedelta(hours=1))  # 00:30 on the 12th in Pago Pago: the 11th is over
    assert settle_due(db, ctx) == 1
    assert spent(db, west) == [("es", date(2026, 3, 11))]


def test_concurrent_readers_spend_one_freeze_for_one_day(
    db: Database, ctx: Context, clock: FixedClock, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time: there is no race to lose")
    user = make_learner(db, ctx)
    days_in_a_row(db, ctx, clock, user, 3)
    grant(db, ctx, user)
    grant(db, ctx, user, "second")
    clock.advance(DAY)
    results = at_once([lambda: settle_now(db, ctx, user.id) for _ in range(4)])
    assert sorted(results) == [False, False, False, True]
    assert len(spent(db, user)) == 1
    assert held(db, user) == 1


def test_a_late_event_on_a_kept_day_makes_it_practised_and_gives_the_freeze_back(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    days_in_a_row(db, ctx, clock, user, 3)  # 10-12 March
    grant(db, ctx, user)
    clock.advance(DAY)  # the 13th is missed ...
    settle_now(db, ctx, user.id)
    assert spent(db, user) == [("es", date(2026, 3, 13))]
    # ... but the app was offline: its event for the 13th arrives on the 14th.
    recorded = practise(db, ctx, user, at=clock.now() - DAY)
    assert recorded.streak.daily_streak == 4
    assert spent(db, user) == []
    assert held(db, user) == 1
    assert stored(db, user).kept_through is None


def test_a_freeze_given_back_keeps_the_next_missed_day(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    days_in_a_row(db, ctx, clock, user, 3)  # 10-12 March
    grant(db, ctx, user)
    clock.advance(2 * DAY)  # the 13th and 14th are missed: a freeze keeps the 13th only
    settle_now(db, ctx, user.id)
    assert shown(db, ctx, user)["es"].daily_streak == 0
    practise(db, ctx, user, at=clock.now() - 2 * DAY)  # the 13th, reported late
    # The freeze came back and keeps the 14th: the streak is alive with 4 days.
    assert spent(db, user) == [("es", date(2026, 3, 14))]
    assert shown(db, ctx, user)["es"].daily_streak == 4


def test_a_freeze_given_back_at_the_cap_is_void(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    days_in_a_row(db, ctx, clock, user, 3)
    grant(db, ctx, user)
    clock.advance(DAY)
    settle_now(db, ctx, user.id)
    grant(db, ctx, user, "second")
    grant(db, ctx, user, "third")
    practise(db, ctx, user, at=clock.now() - DAY)
    assert held(db, user) == 2


def test_grants_are_idempotent_and_stop_at_the_cap(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    first, replayed, count = grant(db, ctx, user, "ticket 7", key="k1")
    assert (replayed, count) == (False, 1)
    again, replayed, count = grant(db, ctx, user, "ticket 7", key="k1")
    assert (again.id, replayed, count) == (first.id, True, 1)
    with pytest.raises(IdempotencyKeyReused):
        grant(db, ctx, user, "another reason", key="k1")
    grant(db, ctx, user, "ticket 8")
    with pytest.raises(FreezeLimitReached):
        grant(db, ctx, user, "ticket 9")
    assert held(db, user) == 2
    # The cap is a setting.
    roomy = replace(ctx, settings=ctx.settings.model_copy(update={"streak_freeze_cap": 3}))
    grant(db, roomy, user, "ticket 9")
    assert held(db, user) == 3


def test_sign_in_settles_and_the_streak_board_sees_the_kept_streak(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    days_in_a_row(db, ctx, clock, user, 5)
    grant(db, ctx, user)
    clock.advance(DAY)
    assert settle_due(db, ctx) == 1  # the worker's pass
    with db.transaction(write=False) as session:
        row = session.get(UserLanguage, (user.id, "es"))
        assert row is not None and row.daily_streak == 5
    assert shown(db, ctx, user)["es"].daily_streak == 5
    assert settle_due(db, ctx) == 0
