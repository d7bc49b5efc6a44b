"""Streak rules as a learner lives them: through the service, with the clock moved by hand."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tests.factories import PASSWORD, make_learner, practise, sign_in_attempt
from zeal.accounts.models import User
from zeal.accounts.service import ProfileChange
from zeal.clock import FixedClock, local_date
from zeal.context import Context
from zeal.db import Database
from zeal.practice import reading
from zeal.practice.models import PracticeDay, UserLanguage
from zeal.practice.reading import StreakView
from zeal.practice.streaks import best_current_streak
from zeal.use_cases import accounts as accounts_use_case

DAY = timedelta(days=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def streak(db: Database, ctx: Context, user: User, language: str = "es") -> StreakView | None:
    with db.transaction(write=False) as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        views = reading.list_streaks(session, fresh, local_date(fresh, ctx.clock.now()))
    return next((v for v in views if v.language == language), None)


def practise_days(db: Database, ctx: Context, user: User, clock: FixedClock, n: int) -> None:
    """Practise once a day for `n` days, moving the clock a day each time."""
    for i in range(n):
        if i:
            clock.advance(DAY)
        practise(db, ctx, user)


class TestDailyStreak:
    def test_first_practice_gives_a_streak_of_one(self, db: Database, ctx: Context) -> None:
        user = make_learner(db, ctx)
        result = practise(db, ctx, user)
        assert result.streak.daily_streak == 1
        assert result.streak.practiced_today is True

    def test_more_practice_the_same_day_changes_nothing(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # B1: a wrong server zone made every ping look like a new day (3 -> 32 in one lesson).
        user = make_learner(db, ctx)
        practise(db, ctx, user)
        clock.advance(timedelta(hours=3))
        second = practise(db, ctx, user, type="reading", duration_seconds=300, outcome=None)
        assert second.streak.daily_streak == 1

    def test_consecutive_days_count_up(self, db: Database, ctx: Context, clock: FixedClock) -> None:
        user = make_learner(db, ctx)
        practise_days(db, ctx, user, clock, 5)
        view = streak(db, ctx, user)
        assert view is not None
        assert (view.daily_streak, view.max_streak) == (5, 5)

    def test_missing_a_day_restarts_at_one_and_keeps_the_best(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # B7: breaking a streak used to lose the best one.
        user = make_learner(db, ctx)
        practise_days(db, ctx, user, clock, 4)
        best_day = clock.now().date()
        clock.advance(2 * DAY)
        result = practise(db, ctx, user)
        assert result.streak.daily_streak == 1
        assert (result.streak.max_streak, result.streak.max_streak_date) == (4, best_day)

    def test_a_lapsed_streak_reads_zero_without_any_write(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # B5: the stored (stale) streak used to be shown after a lapse.
        user = make_learner(db, ctx)
        practise_days(db, ctx, user, clock, 3)
        clock.advance(DAY)
        assert streak(db, ctx, user).daily_streak == 3  # type: ignore[union-attr]
        clock.advance(DAY)
        view = streak(db, ctx, user)
        assert view is not None
        assert (view.daily_streak, view.max_streak, view.practiced_today) == (0, 3, False)

    def test_sign_in_resets_a_lapsed_streak_and_keeps_the_best(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx)
        practise_days(db, ctx, user, clock, 3)
        clock.advance(3 * DAY)
        with db.transaction() as session:
            accounts_use_case.sign_in(
                session, ctx, sign_in_attempt(db, ctx), login=user.username, password=PASSWORD
            )
        with db.transaction(write=False) as session:
            stored = session.get(UserLanguage, (user.id, "es"))
            assert stored is not None
            assert (stored.daily_streak, stored.max_streak) == (0, 3)

    def test_sign_in_and_reading_never_extend_a_streak(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # B2: opening the app used to count as practice.
        user = make_learner(db, ctx)
        practise(db, ctx, user)
        clock.advance(DAY)
        with db.transaction() as session:
            accounts_use_case.sign_in(
                session, ctx, sign_in_attempt(db, ctx), login=user.email, password=PASSWORD
            )
        view = streak(db, ctx, user)
        assert view is not None
        assert (view.daily_streak, view.practiced_today) == (1, False)
        with db.transaction(write=False) as session:
            days = session.scalars(select(PracticeDay.day)).all()
        assert days == [date(2026, 3, 10)]


class TestLanguages:
    def test_each_language_has_its_own_streak(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx)
        practise(db, ctx, user, language="es")
        clock.advance(DAY)
        practise(db, ctx, user, language="es")
        practise(db, ctx, user, language="fr")
        assert streak(db, ctx, user, "es").daily_streak == 2  # type: ignore[union-attr]
        assert streak(db, ctx, user, "fr").daily_streak == 1  # type: ignore[union-attr]

    def test_practice_is_credited_to_the_events_language(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # B4: a late report of French practice used to bump whatever language was current.
        user = make_learner(db, ctx)
        practise(db, ctx, user, language="de")
        clock.advance(timedelta(minutes=10))
        practise(db, ctx, user, language="fr", at=clock.now() - timedelta(minutes=9))
        assert streak(db, ctx, user, "fr").daily_streak == 1  # type: ignore[union-attr]
        with db.transaction(write=False) as session:
            german = session.get(PracticeDay, (user.id, "de", date(2026, 3, 10)))
            assert german is not None and german.events == 1

    def test_best_current_streak_is_the_best_live_one_across_languages(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # B8: the streak badge used only one language, then a stale stored value.
        user = make_learner(db, ctx)
        for _ in range(5):
            practise(db, ctx, user, language="es")
            clock.advance(DAY)
        clock.advance(DAY)  # Spanish lapses: 5 stored, 0 alive
        practise(db, ctx, user, language="it")
        clock.advance(DAY)
        practise(db, ctx, user, language="it")
        with db.transaction(write=False) as session:
            fresh = session.get(User, user.id)
            assert fresh is not None
            views = reading.list_streaks(session, fresh, local_date(fresh, ctx.clock.now()))
        today = clock.now().date()
        pairs = [(v.daily_streak, v.last_practice_date, None) for v in views]
        assert best_current_streak(pairs, today) == 2


class TestMinimumEffort:
    def ctx_with_minimum(self, ctx: Context, seconds: int) -> Context:
        return replace(ctx, settings=ctx.settings.model_copy(update={"min_daily_seconds": seconds}))

    def test_time_below_the_minimum_does_not_count(self, db: Database, ctx: Context) -> None:
        strict = self.ctx_with_minimum(ctx, 120)
        user = make_learner(db, strict)
        result = practise(db, strict, user, duration_seconds=119)
        assert (result.streak.daily_streak, result.streak.practiced_today) == (0, False)
        assert result.streak.practice_seconds_today == 119

    def test_the_minimum_is_seconds_summed_over_the_day(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # B3: a threshold of 120 was once compared with milliseconds. 120 means two minutes.
        strict = self.ctx_with_minimum(ctx, 120)
        user = make_learner(db, strict)
        practise(db, strict, user, duration_seconds=60)
        clock.advance(timedelta(hours=2))
        result = practise(db, strict, user, type="listening", duration_seconds=60, outcome=None)
        assert (result.streak.daily_streak, result.streak.practiced_today) == (1, True)

    def test_events_without_time_never_meet_a_minimum(self, db: Database, ctx: Context) -> None:
        strict = self.ctx_with_minimum(ctx, 120)
        user = make_learner(db, strict)
        for _ in range(3):
            result = practise(db, strict, user, type="word_translated", outcome=None)
        assert result.streak.daily_streak == 0

    def test_with_no_minimum_any_event_counts(self, db: Database, ctx: Context) -> None:
        user = make_learner(db, ctx)
        result = practise(db, ctx, user, type="word_learned", outcome=None)
        assert result.streak.daily_streak == 1


class TestLocalDays:
    def test_late_evening_practice_counts_for_the_local_day(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # B6: streaks rolled over at server midnight, so 23:00 local counted as the next day.
        user = make_learner(db, ctx, timezone="America/Los_Angeles")
        clock.set(utc(2026, 3, 10, 6, 30))  # 23:30 on the 9th in Los Angeles (UTC-7)
        first = practise(db, ctx, user)
        clock.set(utc(2026, 3, 10, 20, 0))  # 13:00 on the 10th
        second = practise(db, ctx, user)
        assert first.event.day == date(2026, 3, 9)
        assert second.streak.daily_streak == 2

    def test_copenhagen_spring_forward(self, db: Database, ctx: Context, clock: FixedClock) -> None:
        user = make_learner(db, ctx, timezone="Europe/Copenhagen")
        # 23:30 local on the 28th (UTC+1), the 29th (UTC+2) and 00:30 on the 30th (UTC+2).
        for instant in (utc(2026, 3, 28, 22, 30), utc(2026, 3, 29, 21, 30)):
            clock.set(instant)
            practise(db, ctx, user)
        clock.set(utc(2026, 3, 29, 22, 30))
        last = practise(db, ctx, user)
        assert last.event.day == date(2026, 3, 30)
        assert last.streak.daily_streak == 3

    def test_copenhagen_fall_back(self, db: Database, ctx: Context, clock: FixedClock) -> None:
        user = make_learner(db, ctx, timezone="Europe/Copenhagen")
        # 00:30 local on the 25th (UTC+2), 23:30 on the 25th (UTC+1): one day, the 25-hour one.
        clock.set(utc(2026, 10, 24, 22, 30))
        practise(db, ctx, user)
        clock.set(utc(2026, 10, 25, 22, 30))
        same_day = practise(db, ctx, user)
        assert (same_day.event.day, same_day.streak.daily_streak) == (date(2026, 10, 25), 1)
        clock.set(utc(2026, 10, 25, 23, 30))  # 00:30 on the 26th
        assert practise(db, ctx, user).streak.daily_streak == 2

    def test_both_sides_of_the_date_line_keep_their_own_calendars(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        kiritimati = make_learner(db, ctx, timezone="Pacific/Kiritimati")  # UTC+14
        pago_pago = make_learner(db, ctx, timezone="Pacific/Pago_Pago")  # UTC-11
        clock.set(utc(2026, 6, 15, 10, 30))
        east = practise(db, ctx, kiritimati)
        west = practise(db, ctx, pago_pago)
        assert (east.event.day, west.event.day) == (date(2026, 6, 16), date(2026, 6, 14))
        # 24 hours later each is one local day on: both streaks grow.
        clock.advance(DAY)
        assert practise(db, ctx, kiritimati).streak.daily_streak == 2
        assert practise(db, ctx, pago_pago).streak.daily_streak == 2
        # That was 00:30 on the 17th in Kiritimati but 23:30 on the 15th in Pago Pago. 25.5 hours
        # on, Pago Pago is at 01:00 on the 17th (the 16th was missed), Kiritimati at 02:00 on
        # the 18th (still alive).
        clock.advance(timedelta(hours=25, minutes=30))
        assert streak(db, ctx, pago_pago).daily_streak == 0  # type: ignore[union-attr]
        assert streak(db, ctx, kiritimati).daily_streak == 2  # type: ignore[union-attr]


class TestChangingZone:
    def move(self, db: Database, ctx: Context, user: User, timezone: str) -> None:
        with db.transaction() as session:
            fresh = session.get(User, user.id)
            assert fresh is not None
            accounts_use_case.update_profile(session, ctx, fresh, ProfileChange(timezone=timezone))
        user.timezone = timezone

    def test_moving_west_over_the_date_line_joins_the_days(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx, timezone="Pacific/Kiritimati")
        clock.set(utc(2026, 6, 15, 10, 30))  # the 16th in Kiritimati
        practise(db, ctx, user)
        self.move(db, ctx, user, "Pacific/Pago_Pago")
        clock.advance(timedelta(hours=20))  # the 15th, 19:30 in Pago Pago
        assert streak(db, ctx, user).daily_streak == 1  # type: ignore[union-attr]
        result = practise(db, ctx, user)
        assert result.event.day == date(2026, 6, 15)
        assert (result.streak.daily_streak, result.streak.last_practice_date) == (
            2,
            date(2026, 6, 16),
        )

    def test_past_practice_days_keep_their_dates(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx, timezone="Europe/Copenhagen")
        clock.set(utc(2026, 3, 10, 22, 30))  # 23:30 on the 10th in Copenhagen
        practise(db, ctx, user)
        self.move(db, ctx, user, "America/New_York")
        with db.transaction(write=False) as session:
            days = session.scalars(select(PracticeDay.day).where(PracticeDay.user_id == user.id))
            assert list(days) == [date(2026, 3, 10)]

    def test_moving_east_judges_the_streak_by_the_new_calendar(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx, timezone="Pacific/Pago_Pago")
        clock.set(utc(2026, 6, 15, 10, 30))  # the 14th in Pago Pago
        practise(db, ctx, user)
        self.move(db, ctx, user, "Pacific/Kiritimati")  # where it is already the 16th
        assert streak(db, ctx, user).daily_streak == 0  # type: ignore[union-attr]

    def test_a_streak_reset_at_sign_in_comes_back_after_moving_west(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # Found by the ledger property test: a sign-in in Kiritimati stored 0 for a streak
        # that is still alive by the calendar of the zone the learner then moved to.
        user = make_learner(db, ctx, timezone="Pacific/Kiritimati")
        clock.set(utc(2026, 3, 9, 12, 0))  # 02:00 on the 10th in Kiritimati
        practise(db, ctx, user)
        clock.advance(DAY)  # 02:00 on the 12th there: lapsed
        with db.transaction() as session:
            accounts_use_case.sign_in(
                session, ctx, sign_in_attempt(db, ctx), login=user.username, password=PASSWORD
            )
        self.move(db, ctx, user, "UTC")  # 12:00 on the 11th: the 10th was yesterday
        assert streak(db, ctx, user).daily_streak == 1  # type: ignore[union-attr]


class TestLateEvents:
    def test_a_late_event_fills_a_gap_and_joins_the_streak(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx)
        practise_days(db, ctx, user, clock, 2)  # the 10th and 11th
        clock.advance(2 * DAY)
        practise(db, ctx, user)  # the 13th: streak 1
        result = practise(db, ctx, user, at=clock.now() - DAY)  # offline practice on the 12th
        assert result.event.day == date(2026, 3, 12)
        assert (result.streak.daily_streak, result.streak.max_streak) == (4, 4)
        assert result.streak.max_streak_date == date(2026, 3, 13)

    def test_a_late_event_after_a_sign_in_reset_still_counts_the_ledger(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx)
        practise_days(db, ctx, user, clock, 3)  # the 10th to the 12th
        clock.advance(3 * DAY)  # the 15th: lapsed
        with db.transaction() as session:
            accounts_use_case.sign_in(
                session, ctx, sign_in_attempt(db, ctx), login=user.username, password=PASSWORD
            )
        practise(db, ctx, user, at=clock.now() - 2 * DAY)  # the 13th
        result = practise(db, ctx, user, at=clock.now() - DAY)  # the 14th: alive again
        assert (result.streak.daily_streak, result.streak.max_streak) == (5, 5)
