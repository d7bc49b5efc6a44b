"""Friendships: starting one (with its friend streak), ending one, and listing friends."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Integer, Table, and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.clock import dates_by_zone, local_date, todays
from zeal.context import Context
from zeal.db import among
from zeal.errors import CursorInvalid
from zeal.friends import errors, friend_streaks
from zeal.friends.friend_streaks import FriendStreakView
from zeal.friends.models import Friendship, pair_key
from zeal.friends.pairs import active_friendship, lock_pair
from zeal.friends.visibility import is_blocked_either_way, visible_learner


def befriend(session: Session, ctx: Context, a: User, b: User) -> Friendship:
    """Make two learners friends (their rows are locked by the caller). The friend streak can
    count from the later of their two local dates today."""
    now = ctx.clock.now()
    low, high = sorted((a, b), key=lambda user: user.id)
    friendship = Friendship(
        user_low_id=low.id,
        user_high_id=high.id,
        active_pair=pair_key(low.id, high.id),
        created_at=now,
        first_day=max(local_date(low, now), local_date(high, now)),
        friend_streak=0,
        max_friend_streak=0,
    )
    try:
        with session.begin_nested():
            session.add(friendship)
    except IntegrityError:
        # Only possible without our pair lock (e.g. a second process on SQLite timing out):
        # the friendship exists, and that is the outcome both sides asked for.
        existing = active_friendship(session, a.id, b.id)
        if existing is None:
            raise
        return existing
    friend_streaks.start_friend_streak(session, friendship)
    return friendship


def unfriend(session: Session, ctx: Context, user: User, *, username: str) -> Friendship:
    """End the friendship with `username`; returns it, ended."""
    other = visible_learner(session, user, username)
    lock_pair(session, user.id, other.id)
    friendship = active_friendship(session, user.id, other.id)
    if friendship is None:
        raise errors.NotFriends(f"You and '{other.username}' are not friends.")
    end(session, ctx, friendship)
    return friendship


def end(session: Session, ctx: Context, friendship: Friendship) -> None:
    # Kept for history (past boards show who was friends then); a new friendship is a new row.
    friendship.ended_at = ctx.clock.now()
    friendship.active_pair = None
    session.flush()


@dataclass(frozen=True)
class FriendProfile:
    """What a list of friends shows of each (read as plain columns, not as a User)."""

    id: int
    username: str
    username_key: str
    display_name: str
    timezone: str
    avatar_image: str
    avatar_character_color: str
    avatar_background_color: str


class FriendshipRow(NamedTuple):
    """What a list of friends reads of each friendship (a tuple: hundreds are made at once)."""

    id: int
    user_low_id: int
    user_high_id: int
    created_at: datetime
    friend_streak: int
    streak_last_day: date | None
    max_friend_streak: int
    max_friend_streak_date: date | None


@dataclass(frozen=True)
class Friend:
    user: FriendProfile
    friendship: FriendshipRow
    streak: FriendStreakView


# A page of friends: enough for a screen, small enough that a learner with hundreds of friends
# costs what one with fifty does.
FRIENDS_PAGE = 50
MAX_FRIENDS_PAGE = 200


@dataclass(frozen=True)
class FriendsPage:
    friends: list[Friend]
    # Where the next page starts (the last friend's position, see `_position`), or None on
    # the last page.
    next_after: str | None


# Built once: the badges page and every friendship change ask it.
_FRIENDSHIP = cast(Table, Friendship.__table__)
_COUNT_FRIENDS = (
    select(func.count())
    .select_from(_FRIENDSHIP)
    .where(Friendship.of_learner(bindparam("user_id")), _FRIENDSHIP.c.active_pair.is_not(None))
)


def count_friends(session: Session, user_id: int) -> int:
    """How many friends the learner has now."""
    return int(session.scalar(_COUNT_FRIENDS, {"user_id": user_id}) or 0)


def list_friends(session: Session, ctx: Context, user: User) -> list[Friend]:
    """All the learner's friends with their friend streaks, in page order."""
    return _friends(session, ctx, user, _in_order(session, ctx, user))


def friends_page(
    session: Session, ctx: Context, user: User, *, after: str | None, limit: int = FRIENDS_PAGE
) -> FriendsPage:
    """One page of friends, the longest friend streak now first, then by username; `after`
    is the position of the last friend of the page before.

    The friend streak shown depends on each friend's own today, which SQL cannot tell on
    every database: every friendship's few columns are read and put in order here, and only
    the page's friends are read in full."""
    order = _in_order(session, ctx, user)
    start = _start(order, after) if after is not None else 0
    chosen = order[start : start + limit]
    more = start + limit < len(order)
    return FriendsPage(
        _friends(session, ctx, user, chosen), _position(chosen[-1]) if more else None
    )


class _Listed(NamedTuple):
    """A friendship as the order reads it (a tuple: hundreds are read at once), with the
    friend's id, time zone and username; what `friend_streak_views` needs, and no more."""

    id: int
    user_low_id: int
    user_high_id: int
    friend_streak: int
    streak_last_day: date | None
    max_friend_streak: int
    max_friend_streak_date: date | None
    friend_id: int
    timezone: str
    username_key: str


# A friendship and the friend streak it shows now.
_Placed = tuple[_Listed, FriendStreakView]


def _key(placed: _Placed) -> tuple[int, str]:
    """The longest friend streak shown now first, then the username."""
    listed, view = placed
    return -view.friend_streak, listed.username_key


def _in_order(session: Session, ctx: Context, user: User) -> list[_Placed]:
    listed = [_Listed._make(row) for row in session.execute(_ORDER_QUERY, {"me": user.id})]
    zones = dates_by_zone({user.timezone, *(f.timezone for f in listed)}, ctx.clock.now())
    days = {f.friend_id: zones[f.timezone] for f in listed}
    days[user.id] = zones[user.timezone]
    views = friend_streaks.friend_streak_views(session, listed, days)
    return sorted(((f, views[f.id]) for f in listed), key=_key)


def _position(placed: _Placed) -> str:
    listed, view = placed
    return f"{view.friend_streak}/{listed.username_key}"


def _start(order: list[_Placed], after: str) -> int:
    """The index of the first friend placed after the position `after`."""
    streak, _, username_key = after.partition("/")
    if not (streak.isascii() and streak.isdigit() and username_key):
        raise CursorInvalid("This cursor is not one Zeal gave out: start from the first page.")
    key = (-int(streak), username_key)
    return next((i for i, placed in enumerate(order) if _key(placed) > key), len(order))


def _friends(session: Session, ctx: Context, user: User, chosen: list[_Placed]) -> list[Friend]:
    """The page's friends in full: their profiles, and when each friendship began."""
    ids = [listed.id for listed, _ in chosen]
    found = session.execute(_PAGE_QUERY, {"me": user.id, "ids": ids}).all() if ids else []
    read = {row[-1]: row for row in found}  # by friendship id, the last column
    return [Friend(_profile(read[f.id]), _friendship(f, read[f.id]), view) for f, view in chosen]


def _profile(row: Any) -> FriendProfile:
    return FriendProfile(*row[: len(_PROFILE)])


def _friendship(listed: _Listed, row: Any) -> FriendshipRow:
    began = row[len(_PROFILE)]
    return FriendshipRow(
        *(
            began if name == "created_at" else getattr(listed, name)
            for name in FriendshipRow._fields
        )
    )


_USER = cast(Table, User.__table__)
_PROFILE = tuple(FriendProfile.__dataclass_fields__)
# Plain columns, built once: ORM objects for hundreds of friends cost more than the page.
_ME = bindparam("me", type_=Integer)
_ORDER_QUERY = (
    select(
        *(_FRIENDSHIP.c[name] for name in _Listed._fields[:7]),
        _USER.c.id,
        _USER.c.timezone,
        _USER.c.username_key,
    )
    .join(_USER, _USER.c.id == Friendship.other_side(_ME))
    .where(Friendship.of_learner(_ME), _FRIENDSHIP.c.active_pair.is_not(None))
)
# From the page's friendships by key to each friend by key (a join on `other_side`, a CASE,
# would read every learner).
_PAGE_QUERY = (
    select(*(_USER.c[name] for name in _PROFILE), _FRIENDSHIP.c.created_at, _FRIENDSHIP.c.id)
    .select_from(_FRIENDSHIP)
    .join(
        _USER,
        and_(
            or_(_USER.c.id == _FRIENDSHIP.c.user_low_id, _USER.c.id == _FRIENDSHIP.c.user_high_id),
            _USER.c.id != _ME,
        ),
    )
    .where(among(_FRIENDSHIP.c.id, "ids"))
)


def friend_streak_with(
    session: Session, ctx: Context, user: User, other: User
) -> tuple[Friendship, FriendStreakView] | None:
    friendship = active_friendship(session, user.id, other.id)
    if friendship is None:
        return None
    views = friend_streaks.friend_streak_views(
        session, [friendship], todays([user, other], ctx.clock.now())
    )
    return friendship, views[friendship.id]


def friends_of(
    session: Session, ctx: Context, viewer: User, *, username: str
) -> list[FriendProfile]:
    """A friend's friends (friends only), leaving out anyone the viewer blocked or is blocked by."""
    owner = visible_learner(session, viewer, username)
    if owner.id != viewer.id and active_friendship(session, viewer.id, owner.id) is None:
        raise errors.FriendsOnly(f"Only friends of '{owner.username}' can see their friends.")
    return [
        friend.user
        for friend in list_friends(session, ctx, owner)
        if friend.user.id == viewer.id
        or not is_blocked_either_way(session, viewer.id, friend.user.id)
    ]
