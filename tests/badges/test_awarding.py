"""Awarding as learners meet it: each mechanism, several levels at once, never taken away."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.factories import make_friends, make_learner, practise
from zeal.accounts.models import User
from zeal.accounts.service import ProfileChange
from zeal.badges import service as badges_service
from zeal.badges.models import UserBadge
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.use_cases import accounts as accounts_use_case
from zeal.use_cases import friendships as friendships_use_case

DAY = timedelta(days=1)


def progress(db: Database, ctx: Context, user: User, code: str) -> badges_service.MetricProgress:
    with db.transaction(write=False) as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        return next(
            p for p in badges_service.board(session, ctx, fresh).metrics if p.metric.code == code
        )


def achieved_levels(db: Database, ctx: Context, user: User, code: str) -> list[int]:
    return [s.badge.level for s in progress(db, ctx, user, code).badges if s.achieved_at]


class TestCounters:
    def test_the_tenth_translated_word_earns_the_first_level(
        self, db: Database, ctx: Context
    ) -> None:
        user = make_learner(db, ctx)
        for _ in range(9):
            assert practise(db, ctx, user, type="word_translated").new_badges == []
        tenth = practise(db, ctx, user, type="word_translated")
        assert [(b.metric, b.level, b.name) for b in tenth.new_badges] == [
            ("translated_words", 1, "Word Curious")
        ]
        assert progress(db, ctx, user, "translated_words").value == 10

    def test_only_correct_exercises_count(self, db: Database, ctx: Context) -> None:
        user = make_learner(db, ctx)
        for outcome in ("wrong", "hint", "correct", "typo", "correct"):
            practise(db, ctx, user, outcome=outcome)
        assert progress(db, ctx, user, "correct_exercises").value == 2

    def test_each_level_arrives_with_the_event_that_reaches_it(
        self, db: Database, ctx: Context
    ) -> None:
        # Audio lessons: level 1 at 1, level 2 at 10.
        user = make_learner(db, ctx)
        first = practise(db, ctx, user, type="audio_lesson_completed", outcome=None)
        assert [b.level for b in first.new_badges] == [1]
        for _ in range(8):
            practise(db, ctx, user, type="audio_lesson_completed", outcome=None)
        tenth = practise(db, ctx, user, type="audio_lesson_completed", outcome=None)
        assert [b.level for b in tenth.new_badges] == [2]

    def test_a_jump_over_several_levels_awards_each_once(self, db: Database, ctx: Context) -> None:
        user = make_learner(db, ctx)
        with db.transaction() as session:
            awarded = badges_service.apply_changes(
                session, ctx, user.id, {"translated_words": badges_service.Change(add=600)}
            )
        assert [b.level for b in awarded] == [1, 2, 3]
        with db.transaction() as session:
            again = badges_service.apply_changes(
                session, ctx, user.id, {"translated_words": badges_service.Change(add=1)}
            )
        assert again == []


class TestGauges:
    def test_streak_days_rise_fall_and_rise_without_losing_badges(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx)
        awards = []
        for _ in range(3):
            awards += practise(db, ctx, user).new_badges
            clock.advance(DAY)
        assert [(b.metric, b.level) for b in awards if b.metric == "streak_days"] == [
            ("streak_days", 1)
        ]
        clock.advance(2 * DAY)  # the streak lapses: the gauge reads 0, the badge stays
        lapsed = progress(db, ctx, user, "streak_days")
        assert lapsed.value == 0
        assert [s.badge.level for s in lapsed.badges if s.achieved_at] == [1]
        for _ in range(3):
            assert [
                b for b in practise(db, ctx, user).new_badges if b.metric == "streak_days"
            ] == []
            clock.advance(DAY)
        assert progress(db, ctx, user, "streak_days").value == 3

    def test_the_streak_gauge_is_the_best_language(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # B8: the gauge read only the learner's current language.
        user = make_learner(db, ctx)
        for _ in range(3):
            practise(db, ctx, user, language="fr")
            clock.advance(DAY)
        practise(db, ctx, user, language="de")
        assert progress(db, ctx, user, "streak_days").value == 3

    def test_friends_count_moves_for_both_learners(self, db: Database, ctx: Context) -> None:
        # B11: the friends gauge was not updated on accept or unfriend.
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        make_friends(db, ctx, a, b)
        assert achieved_levels(db, ctx, a, "friends") == [1]
        assert achieved_levels(db, ctx, b, "friends") == [1]
        with db.transaction() as session:
            me = session.get(User, a.id)
            assert me is not None
            friendships_use_case.unfriend(session, ctx, me, username=b.username)
        assert progress(db, ctx, a, "friends").value == 0
        assert progress(db, ctx, b, "friends").value == 0
        assert achieved_levels(db, ctx, b, "friends") == [1]  # never taken away

    def test_a_gauge_rising_again_past_a_badge_it_holds_awards_nothing_twice(
        self, db: Database, ctx: Context
    ) -> None:
        a, b = make_learner(db, ctx), make_learner(db, ctx)
        for _ in range(2):
            make_friends(db, ctx, a, b)
            with db.transaction() as session:
                me = session.get(User, a.id)
                assert me is not None
                friendships_use_case.unfriend(session, ctx, me, username=b.username)
        make_friends(db, ctx, a, b)
        assert progress(db, ctx, a, "friends").value == 1
        assert achieved_levels(db, ctx, a, "friends") == [1]


class TestOneTime:
    def test_customising_the_profile(self, db: Database, ctx: Context) -> None:
        user = make_learner(db, ctx)
        with db.transaction() as session:
            fresh = session.get(User, user.id)
            assert fresh is not None
            accounts_use_case.update_profile(
                session, ctx, fresh, ProfileChange(timezone="Europe/Paris")
            )
        assert achieved_levels(db, ctx, user, "profile_customised") == []
        for _ in range(2):
            with db.transaction() as session:
                fresh = session.get(User, user.id)
                assert fresh is not None
                accounts_use_case.update_profile(
                    session, ctx, fresh, ProfileChange(display_name="Ada L.")
                )
        assert achieved_levels(db, ctx, user, "profile_customised") == [1]

    def test_a_second_language(self, db: Database, ctx: Context) -> None:
        user = make_learner(db, ctx)
        assert "multilingual" not in [b.metric for b in practise(db, ctx, user).new_badges]
        names = [b.metric for b in practise(db, ctx, user, language="pt").new_badges]
        assert "multilingual" in names

    def test_night_owl_is_hidden_until_earned_in_local_time(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx, timezone="Asia/Tokyo")  # UTC+9
        with db.transaction(write=False) as session:
            fresh = session.get(User, user.id)
            assert fresh is not None
            codes = [p.metric.code for p in badges_service.board(session, ctx, fresh).metrics]
        assert "night_owl" not in codes
        clock.set(datetime(2026, 3, 10, 14, 0, tzinfo=UTC))  # 23:00 in Tokyo
        assert "night_owl" not in [b.metric for b in practise(db, ctx, user).new_badges]
        clock.set(datetime(2026, 3, 10, 17, 30, tzinfo=UTC))  # 02:30 in Tokyo
        assert "night_owl" in [b.metric for b in practise(db, ctx, user).new_badges]
        assert achieved_levels(db, ctx, user, "night_owl") == [1]


def test_awards_are_unique_per_learner_and_badge(db: Database, ctx: Context) -> None:
    user = make_learner(db, ctx)
    for _ in range(12):
        practise(db, ctx, user, type="word_translated", outcome=None)
    with db.transaction(write=False) as session:
        counts = session.execute(
            select(UserBadge.badge_id, func.count())
            .where(UserBadge.user_id == user.id)
            .group_by(UserBadge.badge_id)
        ).all()
    assert counts and all(count == 1 for _, count in counts)
