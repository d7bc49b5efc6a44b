"""Friendships: starting one (with its friend streak), ending one, and listing friends."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Integer, Select, Table, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.clock import local_date, todays
from zeal.context import Context
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


@dataclass(frozen=True)
class FriendshipRow:
    """What a list of friends reads of each friendship."""

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
    # Where the next page starts (the last friend's sort key), or None on the last page.
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
    """All the learner's friends with their friend streaks: two queries, whatever the count."""
    return _friends(session, ctx, user, after=None, limit=None)


def friends_page(
    session: Session, ctx: Context, user: User, *, after: str | None, limit: int = FRIENDS_PAGE
) -> FriendsPage:
    """One page of friends in name order, starting after the sort key `after`."""
    friends = _friends(session, ctx, user, after=after, limit=limit + 1)
    more = len(friends) > limit
    friends = friends[:limit]
    return FriendsPage(friends, friends[-1].user.username_key if more else None)


def _friends(
    session: Session, ctx: Context, user: User, *, after: str | None, limit: int | None
) -> list[Friend]:
    params = {"me": user.id, "after": after, "limit": limit}
    rows = session.execute(_friends_query(after is not None, limit is not None), params).all()
    pairs = [(_profile(row), _friendship(row)) for row in rows]
    days = todays([user, *(friend for friend, _ in pairs)], ctx.clock.now())
    views = friend_streaks.friend_streak_views(session, [f for _, f in pairs], days)
    return [Friend(friend, f, views[f.id]) for friend, f in pairs]


def _profile(row: Any) -> FriendProfile:
    return FriendProfile(*row[: len(_PROFILE)])  # the query's columns, in this order


def _friendship(row: Any) -> FriendshipRow:
    return FriendshipRow(*row[len(_PROFILE) :])


_USER = cast(Table, User.__table__)
_PROFILE = tuple(FriendProfile.__dataclass_fields__)
_FRIENDSHIP_ROW = tuple(FriendshipRow.__dataclass_fields__)


@cache
def _friends_query(after: bool, paged: bool) -> Select[Any]:
    """Built once per shape (building it cost as much as running it); plain columns, since
    ORM objects for a page of friends cost more than the rest of the page."""
    me = bindparam("me", type_=Integer)
    query = (
        select(
            *(_USER.c[name] for name in _PROFILE),
            *(_FRIENDSHIP.c[name] for name in _FRIENDSHIP_ROW),
        )
        .join(_USER, _USER.c.id == Friendship.other_side(me))
        .where(Friendship.of_learner(me), _FRIENDSHIP.c.active_pair.is_not(None))
        .order_by(_USER.c.username_key)
    )
    if after:
        query = query.where(_USER.c.username_key > bindparam("after"))
    return query.limit(bindparam("limit", type_=Integer)) if paged else query


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
