"""Property: whatever two friends do, the stored friend streak equals the one their two
practice-day ledgers imply, and the shown one is judged by both calendars."""

from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import START
from tests.factories import make_friends, make_learner
from zeal.accounts.models import User
from zeal.accounts.service import ProfileChange
from zeal.clock import FixedClock, local_date
from zeal.context import Context
from zeal.db import Database
from zeal.friends import friendships
from zeal.friends.models import Friendship
from zeal.friends.streaks import current_friend_streak, derive_friend_streak
from zeal.practice.activities import PracticeType
from zeal.practice.models import PracticeDay
from zeal.practice.recording import Practice
from zeal.practice.streaks import ONE_DAY
from zeal.use_cases import accounts as accounts_use_case
from zeal.use_cases.record_practice import record_practice

ZONES = ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Copenhagen")

steps = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.sampled_from((5, 12, 24, 24, 30))),
        st.tuples(
            st.just("practise"),
            st.sampled_from((0, 1)),  # which friend
            st.sampled_from(("es", "fr")),
            st.sampled_from((0, 0, 0, 60, 24 * 60, 2 * 24 * 60, 3 * 24 * 60)),  # minutes ago
        ),
        st.tuples(st.just("move"), st.sampled_from((0, 1)), st.sampled_from(ZONES)),
    ),
    max_size=30,
)


def streak_days(db: Database, user_id: int) -> set:
    with db.transaction(write=False) as session:
        return set(
            session.scalars(
                select(PracticeDay.day).where(
                    PracticeDay.user_id == user_id, PracticeDay.counts_for_streak.is_(True)
                )
            )
        )


def check(db: Database, ctx: Context, a: User, b: User) -> None:
    with db.transaction(write=False) as session:
        friendship = session.scalar(
            select(Friendship).where(Friendship.active_pair.is_not(None))
            .where(Friendship.user_low_id == min(a.id, b.id))
        )  # fmt: skip
        if friendship is None:
            return
        low = session.get(User, friendship.user_low_id)
        high = session.get(User, friendship.user_high_id)
        assert low is not None and high is not None
        shown = friendships.friend_streak_with(session, ctx, low, high)
        # The same friend streak from either side, on the profile and in the list of friends.
        from_high = friendships.friend_streak_with(session, ctx, high, low)
        listed = [friendships.list_friends(session, ctx, me) for me in (low, high)]
    assert shown is not None and from_high is not None
    low_days, high_days = streak_days(db, low.id), streak_days(db, high.id)
    derived = derive_friend_streak(low_days, high_days, friendship.first_day)
    stored = (
        friendship.friend_streak,
        friendship.streak_last_day,
        friendship.max_friend_streak,
        friendship.max_friend_streak_date,
    )
    assert stored == (
        derived.daily_streak,
        derived.last_practice_date,
        derived.max_streak,
        derived.max_streak_date,
    )
    following = derived.last_practice_date + ONE_DAY if derived.last_practice_date else None
    expected = current_friend_streak(
        derived.daily_streak,
        derived.last_practice_date,
        a_today=local_date(low, ctx.clock.now()),
        b_today=local_date(high, ctx.clock.now()),
        a_practised_next=following in low_days,
        b_practised_next=following in high_days,
    )
    assert shown[1].friend_streak == expected
    assert from_high[1].friend_streak == expected
    assert [[f.streak.friend_streak for f in friends] for friends in listed] == [[expected]] * 2


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actions=steps,
    befriend_at=st.integers(min_value=0, max_value=30),
    zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
)
def test_stored_friend_streaks_always_equal_the_ledgers(
    db: Database, ctx: Context, actions: list[tuple], befriend_at: int, zones: tuple[str, str]
) -> None:
    clock = FixedClock(START)
    ctx = replace(ctx, clock=clock)
    pair = [make_learner(db, ctx, timezone=zones[0]), make_learner(db, ctx, timezone=zones[1])]
    actions.insert(min(befriend_at, len(actions)), ("befriend",))
    for action in actions:
        if action[0] == "advance":
            clock.advance(timedelta(hours=action[1]))
        elif action[0] == "practise":
            _, who, language, minutes_ago = action
            at = max(clock.now() - timedelta(minutes=minutes_ago), START - timedelta(days=2))
            with db.transaction() as session:
                record_practice(
                    session,
                    ctx,
                    user_id=pair[who].id,
                    practice=Practice(PracticeType.READING, language, at),
                )
        elif action[0] == "move":
            with db.transaction() as session:
                user = session.get(User, pair[action[1]].id)
                assert user is not None
                accounts_use_case.update_profile(
                    session, ctx, user, ProfileChange(timezone=action[2])
                )
            pair[action[1]].timezone = action[2]
        else:
            make_friends(db, ctx, pair[0], pair[1])
        check(db, ctx, pair[0], pair[1])
