"""Friend streaks as two friends live them: each day judged in each friend's own calendar."""

from datetime import UTC, date, datetime, timedelta

from tests.factories import make_friends, make_learner, practise
from zeal.accounts.models import User
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.friends import friendships
from zeal.friends.friend_streaks import FriendStreakView
from zeal.use_cases import friendships as friendships_use_case

DAY = timedelta(days=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def friend_streak(db: Database, ctx: Context, a: User, b: User) -> FriendStreakView:
    with db.transaction(write=False) as session:
        me, other = session.get(User, a.id), session.get(User, b.id)
        assert me is not None and other is not None
        pair = friendships.friend_streak_with(session, ctx, me, other)
    assert pair is not None
    return pair[1]


def both_practise(db: Database, ctx: Context, a: User, b: User, **fields: object) -> None:
    practise(db, ctx, a, **fields)  # type: ignore[arg-type]
    practise(db, ctx, b, **fields)  # type: ignore[arg-type]


class TestGrowing:
    def test_it_grows_the_moment_the_second_friend_practises(
        self, db: Database, ctx: Context
    ) -> None:
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        make_friends(db, ctx, a, b)
        practise(db, ctx, a)
        assert friend_streak(db, ctx, a, b).friend_streak == 0
        practise(db, ctx, b)
        assert friend_streak(db, ctx, a, b).friend_streak == 1
        assert friend_streak(db, ctx, b, a).friend_streak == 1  # B10: both sides agree

    def test_consecutive_shared_days_count_up(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        make_friends(db, ctx, a, b)
        for _ in range(4):
            both_practise(db, ctx, a, b)
            clock.advance(DAY)
        view = friend_streak(db, ctx, a, b)
        assert (view.friend_streak, view.max_friend_streak) == (4, 4)

    def test_a_second_language_the_same_day_changes_nothing(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # W1: the predecessor's fix reset the streak to 1 on a second event the same day.
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        make_friends(db, ctx, a, b)
        for _ in range(2):
            both_practise(db, ctx, a, b)
            clock.advance(DAY)
        both_practise(db, ctx, a, b)
        practise(db, ctx, a, language="fr")
        practise(db, ctx, b, language="de")
        assert friend_streak(db, ctx, a, b).friend_streak == 3


class TestStartingAndEnding:
    def test_practice_before_the_friendship_does_not_count(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        for _ in range(3):
            both_practise(db, ctx, a, b)
            clock.advance(DAY)
        make_friends(db, ctx, a, b)
        assert friend_streak(db, ctx, a, b).friend_streak == 0
        both_practise(db, ctx, a, b)
        assert friend_streak(db, ctx, a, b).friend_streak == 1

    def test_the_day_they_become_friends_counts_in_full(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # W1: a friendship made after both had practised that day started a day late.
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        both_practise(db, ctx, a, b)
        clock.advance(timedelta(hours=2))
        make_friends(db, ctx, a, b)
        assert friend_streak(db, ctx, a, b).friend_streak == 1

    def test_a_day_missed_by_either_reads_zero_and_keeps_the_best(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        make_friends(db, ctx, a, b)
        for _ in range(3):
            both_practise(db, ctx, a, b)
            clock.advance(DAY)
        practise(db, ctx, a)  # B misses this day
        clock.advance(DAY)
        view = friend_streak(db, ctx, a, b)
        assert (view.friend_streak, view.max_friend_streak) == (0, 3)
        both_practise(db, ctx, a, b)
        assert friend_streak(db, ctx, a, b).friend_streak == 1

    def test_a_streak_started_over_after_a_gap_restarts_the_same_day(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # W1: a reset written by one friend's event used to block the other's increment.
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        make_friends(db, ctx, a, b)
        both_practise(db, ctx, a, b)
        clock.advance(3 * DAY)
        practise(db, ctx, a)
        practise(db, ctx, b)
        assert friend_streak(db, ctx, a, b).friend_streak == 1

    def test_unfriended_pairs_keep_no_running_streak(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # W11: the predecessor kept updating soft-deleted friendships.
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        make_friends(db, ctx, a, b)
        both_practise(db, ctx, a, b)
        with db.transaction() as session:
            me = session.get(User, a.id)
            assert me is not None
            friendships_use_case.unfriend(session, ctx, me, username=b.username)
        clock.advance(DAY)
        both_practise(db, ctx, a, b)
        with db.transaction(write=False) as session:
            me = session.get(User, a.id)
            other = session.get(User, b.id)
            assert me is not None and other is not None
            assert friendships.friend_streak_with(session, ctx, me, other) is None


class TestTimeZones:
    def test_friends_at_utc_plus_13_and_minus_10_keep_a_streak(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        tonga = make_learner(db, ctx, timezone="Pacific/Tongatapu")  # UTC+13
        hawaii = make_learner(db, ctx, timezone="Pacific/Honolulu")  # UTC-10
        clock.set(utc(2026, 6, 1, 0, 0))  # 13:00 on the 1st in Tonga, 14:00 on May 31 in Hawaii
        make_friends(db, ctx, tonga, hawaii)
        for _ in range(3):
            practise(db, ctx, tonga)  # Tonga's 1st, 2nd, 3rd
            clock.advance(timedelta(hours=12))
            practise(db, ctx, hawaii)  # 02:00 UTC + 12 h = Hawaii's 1st, 2nd, 3rd
            clock.advance(timedelta(hours=12))
        view = friend_streak(db, ctx, tonga, hawaii)
        assert view.friend_streak == 3
        assert view.max_friend_streak_date == date(2026, 6, 3)

    def test_the_friend_behind_in_time_has_not_missed_today_yet(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        tonga = make_learner(db, ctx, timezone="Pacific/Tongatapu")
        hawaii = make_learner(db, ctx, timezone="Pacific/Honolulu")
        clock.set(utc(2026, 6, 1, 0, 0))
        make_friends(db, ctx, tonga, hawaii)
        practise(db, ctx, tonga)  # Tonga's June 1
        clock.advance(timedelta(hours=12))  # Hawaii's June 1, 02:00
        practise(db, ctx, hawaii)
        # 24 h later: Tonga is at 01:00 on June 3 and practised June 2; Hawaii is at 02:00 on
        # June 2 and has not practised yet. Hawaii's June 2 is not over: still alive.
        clock.advance(timedelta(hours=12))
        practise(db, ctx, tonga)  # Tonga's June 2
        clock.advance(timedelta(hours=12))
        assert friend_streak(db, ctx, tonga, hawaii).friend_streak == 1

    def test_across_the_copenhagen_spring_change(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        copenhagen = make_learner(db, ctx, timezone="Europe/Copenhagen")
        utc_friend = make_learner(db, ctx)
        clock.set(utc(2026, 3, 28, 12, 0))
        make_friends(db, ctx, copenhagen, utc_friend)
        # 23:30 local on the 28th (UTC+1) and on the 29th (UTC+2, after the change).
        for instant in (utc(2026, 3, 28, 22, 30), utc(2026, 3, 29, 21, 30)):
            clock.set(instant)
            both_practise(db, ctx, copenhagen, utc_friend)
        assert friend_streak(db, ctx, copenhagen, utc_friend).friend_streak == 2


class TestLateEvents:
    def test_a_late_report_fills_a_shared_gap(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        make_friends(db, ctx, a, b)
        both_practise(db, ctx, a, b)  # the 10th
        clock.advance(DAY)
        practise(db, ctx, a)  # the 11th, B offline
        clock.advance(DAY)
        both_practise(db, ctx, a, b)  # the 12th
        assert friend_streak(db, ctx, a, b).friend_streak == 1
        practise(db, ctx, b, at=clock.now() - DAY)  # B's offline practice on the 11th arrives
        view = friend_streak(db, ctx, a, b)
        assert (view.friend_streak, view.max_friend_streak) == (3, 3)
