"""Keeping friend streaks in step with the practice-day ledger, and reading them.

A learner's day becomes a practice day (any language) once; at that moment each active
friendship whose friend also practised that day gains a shared day. The friendship rows are
locked before the friends' days are read, so when both friends practise at the same time one of
the two transactions always sees the other's day.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    Date,
    Integer,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    case,
    exists,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from zeal.friends.models import Friendship
from zeal.practice.ledger import (
    next_day,
    practised_on,
    run_length_ending_at,
    run_length_starting_after,
    runs_ending_at,
)
from zeal.practice.models import PracticeDay
from zeal.practice.streaks import ONE_DAY, StreakState, add_streak_day


def on_new_practice_day(session: Session, user_id: int, day: date) -> None:
    """`day` just became a practice day for the learner: extend the friend streaks it joins.

    A fixed number of statements whatever the number of friends. The friendships are locked
    first, in one statement, so that what follows sees a friend's day committed while it
    waited. The everyday case (the stored streak ends before `day`) is one UPDATE whose
    arithmetic runs in SQL, for the friends who practised that day: on PostgreSQL and SQLite
    its WHERE reads their days; on MariaDB a read inside the UPDATE would take share locks on
    the friends' days and deadlock with a friend practising at the same moment, so one plain
    read comes first. The streaks `day` falls inside (a late event) are recomputed from a few
    set-based ledger reads and written back in one batch."""
    params = {"user_id": user_id, "day": day, "day_before": day - ONE_DAY}
    locked = session.execute(_LOCK_JOINABLE, params).all()
    if not locked:
        return
    ahead = [row for row in locked if _ahead_of(row, day)]
    if session.get_bind().dialect.name in ("mysql", "mariadb"):
        shared = _friend_practised(session, params)
        late_ids = {row.id for row in ahead}
        in_step = [row.id for row in locked if row.id in shared and row.id not in late_ids]
        if in_step:
            session.execute(_EXTEND_THESE, {**params, "ids": in_step})
    else:
        if len(ahead) < len(locked):
            session.execute(_EXTEND_BEHIND, params)
        shared = _friend_practised(session, params) if ahead else set()
    late = [row for row in ahead if row.id in shared]
    if late:
        _join_late(session, user_id, day, late)
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, Friendship):  # rows written in SQL: what was loaded is stale
            session.expire(loaded)


_FRIENDSHIP = cast(Table, Friendship.__table__)
_STATE = (
    _FRIENDSHIP.c.id,
    _FRIENDSHIP.c.user_low_id,
    _FRIENDSHIP.c.user_high_id,
    _FRIENDSHIP.c.first_day,
    _FRIENDSHIP.c.friend_streak,
    _FRIENDSHIP.c.streak_last_day,
    _FRIENDSHIP.c.max_friend_streak,
    _FRIENDSHIP.c.max_friend_streak_date,
)
# The statements below are built once, with the learner, the day and the day before it as
# parameters: the first event of every learner's day runs them, and building a statement
# costs as much as running a small one.
_ME = bindparam("user_id", type_=Integer)
_DAY = bindparam("day", type_=Date)
# The learner's active friendships that `day` can be a shared day of.
_JOINABLE = and_(
    Friendship.of_learner(_ME),
    _FRIENDSHIP.c.active_pair.is_not(None),
    _FRIENDSHIP.c.first_day <= _DAY,
)
# In a query of the learner's friendships: the friend practised on `day` (any language).
_LEDGER = cast(Table, PracticeDay.__table__)  # its columns: a mapped class is the ORM's path
_FRIEND_PRACTISED_ON = exists().where(
    _LEDGER.c.user_id == Friendship.other_side(_ME),
    _LEDGER.c.day == _DAY,
    _LEDGER.c.counts_for_streak.is_(True),
)
_LOCK_JOINABLE = select(*_STATE).where(_JOINABLE).order_by(_FRIENDSHIP.c.id).with_for_update()
_FRIEND_PRACTISED = select(_FRIENDSHIP.c.id).where(_JOINABLE, _FRIEND_PRACTISED_ON)


def _ahead_of(row: Any, day: date) -> bool:
    """The stored streak already reaches `day` or later: `day` is a late one for it."""
    return row.streak_last_day is not None and row.streak_last_day >= day


def _friend_practised(session: Session, params: dict[str, Any]) -> set[int]:
    """The learner's friendships whose friend practised on `day` (any language)."""
    return set(session.scalars(_FRIEND_PRACTISED, params))


def _extend_in_step(which: ColumnElement[bool]) -> Update:
    """`add_streak_day` for friendships (`which`) whose stored streak ends before `day`, in
    SQL: the streak grows by one when it ended the day before, else starts again at 1.

    The assignments are ordered so each reads only columns not yet assigned: MariaDB evaluates
    SET left to right with the new values, PostgreSQL and SQLite with the old ones."""
    f = _FRIENDSHIP.c
    day_before = bindparam("day_before", type_=Date)
    continues = and_(f.streak_last_day == day_before, f.friend_streak > 0, f.first_day < _DAY)
    grown = case((continues, f.friend_streak + 1), else_=1)
    record = grown > f.max_friend_streak
    return (
        update(_FRIENDSHIP)
        .where(which)
        .ordered_values(
            (f.max_friend_streak_date, case((record, _DAY), else_=f.max_friend_streak_date)),
            (f.max_friend_streak, case((record, grown), else_=f.max_friend_streak)),
            (f.friend_streak, grown),
            (f.streak_last_day, _DAY),
        )
    )


# PostgreSQL and SQLite: the friendships behind `day` whose friend practised on it.
_BEHIND = or_(_FRIENDSHIP.c.streak_last_day.is_(None), _FRIENDSHIP.c.streak_last_day < _DAY)
_EXTEND_BEHIND = _extend_in_step(and_(_JOINABLE, _BEHIND, _FRIEND_PRACTISED_ON))
# MariaDB: the friendships read to be in step (`ids`).
_EXTEND_THESE = _extend_in_step(_FRIENDSHIP.c.id.in_(bindparam("ids", expanding=True)))


def _join_late(session: Session, user_id: int, day: date, late: Sequence[Any]) -> None:
    """`day` lies inside or before the stored streaks of `late`: it may join two runs of shared
    days, so each gets the runs of shared days on either side of it from the ledger."""
    other = {row.id: _other(row, user_id) for row in late}
    last = max(row.streak_last_day for row in late)
    window = [day + ONE_DAY * n for n in range(1, (last - day).days + 1)]
    seen = practised_on(session, [user_id, *other.values()], window)
    before = _shared_runs_before(session, user_id, list(other.values()), day)
    changes = []
    for row in late:
        state = _state(row)
        days_before = min(before.get(other[row.id], 0), (day - row.first_day).days)
        days_after = _shared_run_after(seen, user_id, other[row.id], day, row.streak_last_day)
        new = add_streak_day(state, day, days_before, days_after)
        changes.append({"b_id": row.id, **_columns(new)})
    session.execute(update(_FRIENDSHIP).where(_FRIENDSHIP.c.id == bindparam("b_id")), changes)


def _other(row: Any, user_id: int) -> int:
    return int(row.user_high_id if row.user_low_id == user_id else row.user_low_id)


def _shared_runs_before(
    session: Session, user_id: int, friends: list[int], day: date
) -> dict[int, int]:
    """Per friend, the run of shared days ending the day before `day`: within the learner's
    own run ending then, a shared day is simply a day the friend practised."""
    mine = runs_ending_at(session, [user_id], day - ONE_DAY, date.min).get(user_id, 0)
    if not mine:
        return {}
    return runs_ending_at(session, friends, day - ONE_DAY, day - ONE_DAY * mine)


def _shared_run_after(
    seen: set[tuple[int, date]], user_id: int, friend: int, day: date, last: date
) -> int:
    count, next_day = 0, day + ONE_DAY
    while next_day <= last and (user_id, next_day) in seen and (friend, next_day) in seen:
        count, next_day = count + 1, next_day + ONE_DAY
    return count


def _state(friendship: Any) -> StreakState:
    """The stored friend streak of a friendship (a row or a loaded Friendship)."""
    return StreakState(
        friendship.friend_streak,
        friendship.streak_last_day,
        friendship.max_friend_streak,
        friendship.max_friend_streak_date,
    )


def _columns(state: StreakState) -> dict[str, Any]:
    return {
        "friend_streak": state.daily_streak,
        "streak_last_day": state.last_practice_date,
        "max_friend_streak": state.max_streak,
        "max_friend_streak_date": state.max_streak_date,
    }


def add_shared_day(session: Session, friendship: Friendship, day: date) -> None:
    before, after = _days_before(session, friendship, day), _days_after(session, friendship, day)
    new = add_streak_day(_state(friendship), day, before, after)
    for column, value in _columns(new).items():
        setattr(friendship, column, value)


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


def shown_friend_streak(
    stored: Any, me: Any, my_yesterday: Any, friend: Any, friend_yesterday: Any
) -> ColumnElement[int]:
    """In SQL, for a friendship of `me`'s read in a query (`stored` holds its `friend_streak`
    and `streak_last_day`): the friend streak it shows now, `current_friend_streak`'s rule.
    It shows what is stored until a friend's day after the last shared day is over without
    practice on it, judged by each friend's own calendar: over once that friend's yesterday
    is past the last shared day. A ledger read only for the few whose next day is over."""
    last_day = stored.streak_last_day

    def missed_next_day(learner: Any, yesterday: Any) -> ColumnElement[bool]:
        practised_next = exists().where(
            PracticeDay.user_id == learner,
            PracticeDay.counts_for_streak.is_(True),
            PracticeDay.day == next_day(last_day),
            # Redundant, but an inequality PostgreSQL cannot hash: without it, it read all of
            # the learner's days into a hash table to answer a few rows.
            PracticeDay.day > last_day,
        )
        return and_(last_day < yesterday, ~practised_next)

    return case(
        (or_(stored.friend_streak == 0, last_day.is_(None)), 0),
        (missed_next_day(me, my_yesterday), 0),
        (missed_next_day(friend, friend_yesterday), 0),
        else_=stored.friend_streak,
    )
