"""Friendships: starting one (with its friend streak), ending one, and listing friends."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Date,
    Integer,
    String,
    Subquery,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.clock import local_date
from zeal.context import Context
from zeal.db import binary_order
from zeal.errors import CursorInvalid
from zeal.friends import errors, friend_streaks
from zeal.friends.friend_streaks import FriendStreakView, shown_friend_streak
from zeal.friends.models import Friendship, pair_key
from zeal.friends.pairs import active_friendship, lock_pair
from zeal.friends.visibility import is_blocked_either_way, visible_learner
from zeal.practice.ledger import yesterday_in_zone, yesterdays_by_zone
from zeal.practice.streaks import ONE_DAY


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
# How many friends the learner `user_id` has now (one row, one column); pages that show the
# count beside other values of the learner read it as a subquery of their own statement.
COUNT_FRIENDS = (
    select(func.count().label("friends"))
    .select_from(_FRIENDSHIP)
    .where(Friendship.of_learner(bindparam("user_id")), _FRIENDSHIP.c.active_pair.is_not(None))
)


def count_friends(session: Session, user_id: int) -> int:
    """How many friends the learner has now."""
    return int(session.scalar(COUNT_FRIENDS, {"user_id": user_id}) or 0)


def list_friends(session: Session, ctx: Context, user: User) -> list[Friend]:
    """All the learner's friends with their friend streaks, in page order."""
    return _listed(session, ctx, user, _Listing())


def friends_page(
    session: Session, ctx: Context, user: User, *, after: str | None, limit: int = FRIENDS_PAGE
) -> FriendsPage:
    """One page of friends, the longest friend streak now first, then by username; `after`
    is the position of the last friend of the page before.

    The friend streak shown depends on each friend's own today: SQL works it out for every
    friendship (`shown_friend_streak`), puts them in order and returns only the page's, so
    a learner with 500 friends costs a page of 50 what one with 50 does."""
    listing = _Listing(after=_parse_position(after) if after is not None else None, limit=limit)
    found = _listed(session, ctx, user, listing)
    friends, more = found[:limit], len(found) > limit
    return FriendsPage(friends, _position(friends[-1]) if more else None)


def friend_streak_with(
    session: Session, ctx: Context, user: User, other: User
) -> tuple[Friendship, FriendStreakView] | None:
    friendship = active_friendship(session, user.id, other.id)
    if friendship is None:
        return None
    found = _listed(session, ctx, user, _Listing(friend=other.id), zones=[other.timezone])
    # Empty only if the friendship ended between the two statements: as if it had not been.
    return (friendship, found[0].streak) if found else None


@dataclass(frozen=True)
class _Listing:
    """Which of the learner's friends a listing returns: those placed after `after` (a
    friend streak and a username key), at most `limit` and one more (to tell whether another
    page follows), or only `friend`."""

    after: tuple[int, str] | None = None
    limit: int | None = None
    friend: int | None = None


def _listed(
    session: Session,
    ctx: Context,
    user: User,
    listing: _Listing,
    zones: list[str] | None = None,
) -> list[Friend]:
    now = ctx.clock.now()
    if zones is None:
        zones = list(session.scalars(_FRIEND_ZONES, {"me": user.id}))
    params: dict[str, Any] = {"me": user.id, "my_yesterday": local_date(user, now) - ONE_DAY}
    params.update(yesterdays_by_zone(zones, now))
    if listing.after is not None:
        params["after_streak"], params["after_key"] = listing.after
    if listing.limit is not None:
        params["limit"] = listing.limit + 1
    if listing.friend is not None:
        params["friend"] = listing.friend
    backend = session.get_bind().dialect.name
    statement = _listing_query(
        backend, listing.after is not None, listing.limit is not None, listing.friend is not None
    )
    return [_friend(row) for row in session.execute(statement, params)]


def _friend(row: Any) -> Friend:
    """A row of the listing: the friendship's columns, the friend's, the streak shown."""
    friendship = FriendshipRow._make(row[:_PROFILE_AT])
    profile = FriendProfile(*row[_PROFILE_AT:_SHOWN_AT])
    view = FriendStreakView(
        row[_SHOWN_AT], friendship.max_friend_streak, friendship.max_friend_streak_date
    )
    return Friend(profile, friendship, view)


def _position(friend: Friend) -> str:
    return f"{friend.streak.friend_streak}/{friend.user.username_key}"


def _parse_position(after: str) -> tuple[int, str]:
    streak, _, username_key = after.partition("/")
    if not (streak.isascii() and streak.isdigit() and username_key):
        raise CursorInvalid("This cursor is not one Zeal gave out: start from the first page.")
    return int(streak), username_key


_USER = cast(Table, User.__table__)
_PROFILE = tuple(FriendProfile.__dataclass_fields__)
_FRIENDSHIP_COLUMNS = FriendshipRow._fields
_ME = bindparam("me", type_=Integer)
_PROFILE_AT = len(_FRIENDSHIP_COLUMNS)
_SHOWN_AT = _PROFILE_AT + len(_PROFILE)


def _friendship_column(name: str) -> Any:
    column = _FRIENDSHIP.c[name]
    return column.label("friendship_id") if name == "id" else column


def _sides() -> Subquery:
    """The learner's active friendships with each friend's profile: the side the learner is
    on, then the other, each joined by key (a join on `other_side`, a CASE, would read every
    learner)."""
    f = _FRIENDSHIP.c
    halves = [
        select(
            *(_friendship_column(name) for name in _FRIENDSHIP_COLUMNS),
            *(_USER.c[name] for name in _PROFILE),
        )
        .join_from(_FRIENDSHIP, _USER, _USER.c.id == f[theirs])
        .where(f[mine] == _ME, f.active_pair.is_not(None))
        for mine, theirs in (("user_low_id", "user_high_id"), ("user_high_id", "user_low_id"))
    ]
    return union_all(*halves).subquery("sides")


_FRIEND_ZONES = select(_sides().c.timezone).distinct()


@cache
def _listing_query(backend: str, after: bool, limited: bool, one_friend: bool) -> Any:
    """The listing's statement, built once per shape: the friend streak each friendship
    shows now, and the friends in page order (with the page's bounds, when it has them)."""
    sides = _sides()
    friend_yesterday = yesterday_in_zone(sides.c.timezone)
    my_yesterday = bindparam("my_yesterday", type_=Date)
    shown = shown_friend_streak(sides.c, _ME, my_yesterday, sides.c.id, friend_yesterday)
    placed = select(sides, shown.label("shown"))
    if one_friend:
        placed = placed.where(sides.c.id == bindparam("friend", type_=Integer))
    ranked = placed.subquery("placed")
    name = binary_order(backend, ranked.c.username_key)
    query = select(ranked).order_by(ranked.c.shown.desc(), name)
    if after:
        streak = bindparam("after_streak", type_=Integer)
        past = name > binary_order(backend, bindparam("after_key", type_=String))
        query = query.where(or_(ranked.c.shown < streak, and_(ranked.c.shown == streak, past)))
    if limited:
        query = query.limit(bindparam("limit", type_=Integer))
    return query


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
