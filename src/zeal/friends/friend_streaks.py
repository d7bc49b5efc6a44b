"""Keeping friend streaks in step with the practice-day ledger, and reading them.

A learner's day becomes a practice day (any language) once; at that moment each active
friendship whose friend also practised that day gains a shared day. The friendship rows are
locked before the friends' days are read, so when both friends practise at the same time one of
the two transactions always sees the other's day.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session, aliased

from zeal.friends.models import Friendship
from zeal.friends.streaks import current_friend_streak
from zeal.practice.ledger import practised_on, run_length_ending_at, run_length_starting_after
from zeal.practice.models import PracticeDay
from zeal.practice.streaks import ONE_DAY, StreakState, add_streak_day


def on_new_practice_day(session: Session, user_id: int, day: date) -> None:
    """`day` just became a practice day for the learner: extend the friend streaks it joins."""
    friendships = session.scalars(
        select(Friendship)
        .where(
            Friendship.of_learner(user_id),
            Friendship.active_pair.is_not(None),
            Friendship.first_day <= day,
        )
        .order_by(Friendship.id)
        .with_for_update()
    ).all()
    if not friendships:
        return
    friends = {f.other(user_id) for f in friendships}
    practised = {uid for uid, _ in practised_on(session, friends, [day])}
    for friendship in friendships:
        if friendship.other(user_id) in practised:
            add_shared_day(session, friendship, day)


def add_shared_day(session: Session, friendship: Friendship, day: date) -> None:
    state = StreakState(
        friendship.friend_streak,
        friendship.streak_last_day,
        friendship.max_friend_streak,
        friendship.max_friend_streak_date,
    )
    new = add_streak_day(
        state, day, _days_before(session, friendship, day), _days_after(session, friendship, day)
    )
    friendship.friend_streak = new.daily_streak
    friendship.streak_last_day = new.last_practice_date
    friendship.max_friend_streak = new.max_streak
    friendship.max_friend_streak_date = new.max_streak_date


def _days_before(session: Session, friendship: Friendship, day: date) -> int:
    last = friendship.streak_last_day
    if last is None or last < day - ONE_DAY or day - ONE_DAY < friendship.first_day:
        return 0
    if last == day - ONE_DAY and friendship.friend_streak > 0:
        return friendship.friend_streak
    return run_length_ending_at(session, _shared_days(friendship), day - ONE_DAY)


def _days_after(session: Session, friendship: Friendship, day: date) -> int:
    last = friendship.streak_last_day
    if last is None or last <= day:
        return 0
    return run_length_starting_after(session, _shared_days(friendship), day, last)


def _shared_days(friendship: Friendship) -> Select[date]:
    """Days on or after the friendship's first day on which both friends practised."""
    other = aliased(PracticeDay)
    return (
        select(PracticeDay.day)
        .join(
            other,
            and_(
                other.day == PracticeDay.day,
                other.user_id == friendship.user_high_id,
                other.counts_for_streak.is_(True),
            ),
        )
        .where(
            PracticeDay.user_id == friendship.user_low_id,
            PracticeDay.counts_for_streak.is_(True),
            PracticeDay.day >= friendship.first_day,
        )
        .distinct()
    )


def start_friend_streak(session: Session, friendship: Friendship) -> None:
    """A new friendship: count the shared days it already has (both may have practised on its
    first day before they became friends, and that day counts in full)."""
    for day in session.scalars(_shared_days(friendship).order_by(PracticeDay.day)).all():
        add_shared_day(session, friendship, day)


@dataclass(frozen=True)
class FriendStreakView:
    friend_streak: int
    max_friend_streak: int
    max_friend_streak_date: date | None


def friend_streak_views(
    session: Session, friendships: list[Friendship], todays: dict[int, date]
) -> dict[int, FriendStreakView]:
    """The friend streak each friendship shows now (by friendship id), in one query."""
    following = {f.streak_last_day + ONE_DAY for f in friendships if f.streak_last_day}
    members = {uid for f in friendships for uid in (f.user_low_id, f.user_high_id)}
    practised = practised_on(session, members, following)
    views = {}
    for f in friendships:
        after = f.streak_last_day + ONE_DAY if f.streak_last_day else None
        current = current_friend_streak(
            f.friend_streak,
            f.streak_last_day,
            a_today=todays[f.user_low_id],
            b_today=todays[f.user_high_id],
            a_practised_next=(f.user_low_id, after) in practised,
            b_practised_next=(f.user_high_id, after) in practised,
        )
        views[f.id] = FriendStreakView(current, f.max_friend_streak, f.max_friend_streak_date)
    return views
