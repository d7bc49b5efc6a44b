"""Friends: requests, friendships, blocks, search and what one learner may see of another.

Every change to a pair of learners first locks both learners' rows, lower id first, so two
requests that cross, two accepts, or a block racing an accept happen one after the other.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.accounts.queries import find_by_username, lock_user
from zeal.badges import service as badges_service
from zeal.badges.models import Badge, Metric, UserBadge
from zeal.clock import local_date
from zeal.context import Context
from zeal.friends import errors, friend_streaks
from zeal.friends.friend_streaks import FriendStreakView
from zeal.friends.models import Block, FriendRequest, Friendship, RequestStatus, pair_key
from zeal.practice import service as practice_service
from zeal.practice.errors import UserNotFound
from zeal.practice.service import StreakView

MAX_REQUESTS_PER_PAIR_PER_DAY = 3
MAX_SEARCH_RESULTS = 50


class Relation(StrEnum):
    SELF = "self"
    NONE = "none"
    FRIEND = "friend"
    REQUEST_SENT = "request_sent"
    REQUEST_RECEIVED = "request_received"


# ---- looking learners up as a given learner may see them ------------------------------------


def is_blocked_either_way(session: Session, a: int, b: int) -> bool:
    return (
        session.scalar(
            select(Block.blocker_id).where(
                or_(
                    and_(Block.blocker_id == a, Block.blocked_id == b),
                    and_(Block.blocker_id == b, Block.blocked_id == a),
                )
            )
        )
        is not None
    )


def _blocked_by(session: Session, blocker: int, blocked: int) -> bool:
    return session.get(Block, (blocker, blocked)) is not None


def visible_learner(
    session: Session, viewer: User, username: str, *, even_if_blocked_by_viewer: bool = False
) -> User:
    """The learner `username` as `viewer` may see them: a blocked pair does not exist for each
    other (404 both ways, the same answer as an unknown name). Acting on one's own block
    (blocking again, being told to unblock first) may still see the learner one blocked."""
    user = find_by_username(session, username)
    if user is None:
        raise UserNotFound(f"No learner is called '{username}'.")
    if user.id == viewer.id:
        return user
    if even_if_blocked_by_viewer:
        hidden = _blocked_by(session, user.id, viewer.id)
    else:
        hidden = is_blocked_either_way(session, viewer.id, user.id)
    if hidden:
        raise UserNotFound(f"No learner is called '{username}'.")
    return user


def active_friendship(session: Session, a: int, b: int) -> Friendship | None:
    return session.scalar(select(Friendship).where(Friendship.active_pair == pair_key(a, b)))


def _pending_request(session: Session, a: int, b: int) -> FriendRequest | None:
    return session.scalar(select(FriendRequest).where(FriendRequest.open_pair == pair_key(a, b)))


def _lock_pair(session: Session, a: int, b: int) -> None:
    for user_id in sorted((a, b)):
        lock_user(session, user_id)


def relation(session: Session, viewer: User, other: User) -> Relation:
    return relations(session, viewer, [other])[0]


# ---- friend requests -------------------------------------------------------------------------


def send_friend_request(
    session: Session, ctx: Context, sender: User, *, username: str
) -> FriendRequest:
    """Ask `username` to be friends. A request that crosses theirs makes the two friends."""
    receiver = visible_learner(session, sender, username, even_if_blocked_by_viewer=True)
    if receiver.id == sender.id:
        raise errors.CannotBefriendSelf("You cannot send a friend request to yourself.")
    if _blocked_by(session, sender.id, receiver.id):
        raise errors.LearnerBlocked(f"You blocked '{receiver.username}'; unblock them first.")
    _lock_pair(session, sender.id, receiver.id)
    if active_friendship(session, sender.id, receiver.id) is not None:
        raise errors.AlreadyFriends(f"You and '{receiver.username}' are already friends.")
    now = ctx.clock.now()
    pending = _pending_request(session, sender.id, receiver.id)
    if pending is not None and pending.sender_id == sender.id:
        raise errors.FriendRequestExists(f"Your request to '{receiver.username}' is pending.")
    if pending is not None:
        # They asked first: answering with a request of our own is a yes.
        _close(pending, RequestStatus.ACCEPTED, ctx)
        request = FriendRequest(
            sender_id=sender.id,
            receiver_id=receiver.id,
            status=RequestStatus.ACCEPTED,
            created_at=now,
            responded_at=now,
        )
        session.add(request)
        befriend(session, ctx, sender, receiver)
        return request
    if not receiver.accepts_friend_requests:
        raise errors.FriendRequestsClosed(f"'{receiver.username}' does not take friend requests.")
    recent = session.scalar(
        select(func.count())
        .select_from(FriendRequest)
        .where(
            FriendRequest.sender_id == sender.id,
            FriendRequest.receiver_id == receiver.id,
            FriendRequest.created_at > now - timedelta(days=1),
        )
    )
    if (recent or 0) >= MAX_REQUESTS_PER_PAIR_PER_DAY:
        raise errors.FriendRequestLimit(
            f"At most {MAX_REQUESTS_PER_PAIR_PER_DAY} requests to the same learner a day."
        )
    request = FriendRequest(
        sender_id=sender.id,
        receiver_id=receiver.id,
        status=RequestStatus.PENDING,
        open_pair=pair_key(sender.id, receiver.id),
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request


def _close(request: FriendRequest, status: RequestStatus, ctx: Context) -> None:
    request.status = status
    request.open_pair = None
    request.responded_at = ctx.clock.now()


def _request_for(
    session: Session, user: User, request_id: int, *, as_receiver: bool
) -> FriendRequest:
    """The request, locked with its pair, if `user` is on the side that may act on it."""
    request = session.get(FriendRequest, request_id)
    if request is None or user.id not in (request.sender_id, request.receiver_id):
        raise errors.FriendRequestNotFound(f"You have no friend request {request_id}.")
    if (request.receiver_id == user.id) != as_receiver:
        side = "the learner who received it" if as_receiver else "the learner who sent it"
        raise errors.FriendRequestNotYours(f"Only {side} can do that.")
    _lock_pair(session, request.sender_id, request.receiver_id)
    session.refresh(request)
    if request.status != RequestStatus.PENDING:
        raise errors.FriendRequestNotPending(f"This request was already {request.status}.")
    return request


def accept_friend_request(
    session: Session, ctx: Context, user: User, request_id: int
) -> Friendship:
    request = _request_for(session, user, request_id, as_receiver=True)
    _close(request, RequestStatus.ACCEPTED, ctx)
    sender = session.get(User, request.sender_id)
    assert sender is not None
    return befriend(session, ctx, user, sender)


def reject_friend_request(session: Session, ctx: Context, user: User, request_id: int) -> None:
    _close(_request_for(session, user, request_id, as_receiver=True), RequestStatus.REJECTED, ctx)


def cancel_friend_request(session: Session, ctx: Context, user: User, request_id: int) -> None:
    _close(_request_for(session, user, request_id, as_receiver=False), RequestStatus.CANCELLED, ctx)


@dataclass(frozen=True)
class PendingRequest:
    request: FriendRequest
    other: User  # the sender of a received request, the receiver of a sent one


def pending_requests(session: Session, user: User, *, received: bool) -> list[PendingRequest]:
    mine = FriendRequest.receiver_id if received else FriendRequest.sender_id
    theirs = FriendRequest.sender_id if received else FriendRequest.receiver_id
    rows = session.execute(
        select(FriendRequest, User)
        .join(User, User.id == theirs)
        .where(mine == user.id, FriendRequest.status == RequestStatus.PENDING)
        .order_by(FriendRequest.created_at.desc(), FriendRequest.id.desc())
    ).all()
    return [PendingRequest(request, other) for request, other in rows]


def count_received_requests(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(FriendRequest)
            .where(
                FriendRequest.receiver_id == user.id, FriendRequest.status == RequestStatus.PENDING
            )
        )
        or 0
    )


# ---- friendships -----------------------------------------------------------------------------


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
    badges_service.on_friends_changed(session, ctx, [low.id, high.id])
    return friendship


def unfriend(session: Session, ctx: Context, user: User, *, username: str) -> None:
    other = visible_learner(session, user, username)
    _lock_pair(session, user.id, other.id)
    friendship = active_friendship(session, user.id, other.id)
    if friendship is None:
        raise errors.NotFriends(f"You and '{other.username}' are not friends.")
    _end(session, friendship, ctx)


def _end(session: Session, friendship: Friendship, ctx: Context) -> None:
    # Kept for history (past boards show who was friends then); a new friendship is a new row.
    friendship.ended_at = ctx.clock.now()
    friendship.active_pair = None
    session.flush()
    badges_service.on_friends_changed(
        session, ctx, [friendship.user_low_id, friendship.user_high_id]
    )


@dataclass(frozen=True)
class Friend:
    user: User
    friendship: Friendship
    streak: FriendStreakView


def todays(ctx: Context, users: list[User]) -> dict[int, date]:
    now = ctx.clock.now()
    return {user.id: local_date(user, now) for user in users}


def list_friends(session: Session, ctx: Context, user: User) -> list[Friend]:
    """The learner's friends with their friend streaks: two queries, whatever the count."""
    rows = session.execute(
        select(Friendship, User)
        .join(User, User.id == Friendship.other_side(user.id))
        .where(Friendship.of_learner(user.id), Friendship.active_pair.is_not(None))
        .order_by(User.username_key)
    ).all()
    days = todays(ctx, [user, *(friend for _, friend in rows)])
    views = friend_streaks.friend_streak_views(session, [f for f, _ in rows], days)
    return [Friend(friend, f, views[f.id]) for f, friend in rows]


def friend_streak_with(
    session: Session, ctx: Context, user: User, other: User
) -> tuple[Friendship, FriendStreakView] | None:
    friendship = active_friendship(session, user.id, other.id)
    if friendship is None:
        return None
    views = friend_streaks.friend_streak_views(session, [friendship], todays(ctx, [user, other]))
    return friendship, views[friendship.id]


def friends_of(session: Session, ctx: Context, viewer: User, *, username: str) -> list[User]:
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


# ---- blocks ----------------------------------------------------------------------------------


def block(session: Session, ctx: Context, user: User, *, username: str) -> tuple[User, Block, bool]:
    """Block a learner: ends the friendship and any pending request between the two. Returns
    the learner, the block and whether it is new (blocking twice is harmless)."""
    other = visible_learner(session, user, username, even_if_blocked_by_viewer=True)
    if other.id == user.id:
        raise errors.CannotBlockSelf("You cannot block yourself.")
    _lock_pair(session, user.id, other.id)
    existing = session.get(Block, (user.id, other.id))
    if existing is not None:
        return other, existing, False
    row = Block(blocker_id=user.id, blocked_id=other.id, created_at=ctx.clock.now())
    session.add(row)
    friendship = active_friendship(session, user.id, other.id)
    if friendship is not None:
        _end(session, friendship, ctx)
    pending = _pending_request(session, user.id, other.id)
    if pending is not None:
        _close(pending, RequestStatus.WITHDRAWN, ctx)
    session.flush()
    return other, row, True


def unblock(session: Session, user: User, *, username: str) -> None:
    other = find_by_username(session, username)
    row = session.get(Block, (user.id, other.id)) if other is not None else None
    if row is None:
        raise errors.NotBlocked(f"You have not blocked '{username}'.")
    session.delete(row)
    session.flush()


def list_blocks(session: Session, user: User) -> list[tuple[User, Block]]:
    rows = session.execute(
        select(User, Block)
        .join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == user.id)
        .order_by(Block.created_at.desc())
    ).all()
    return [(blocked, row) for blocked, row in rows]


# ---- search ----------------------------------------------------------------------------------


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def search(
    session: Session, user: User, *, query: str, limit: int = 20
) -> list[tuple[User, Relation]]:
    """Learners whose username or display name starts with `query` (any case): exact username
    first, then username prefixes, then display names; shorter names first, then A to Z. Never
    the caller, nobody blocked either way, nobody who chose not to be found; never by e-mail."""
    term = " ".join(query.split()).lower()
    if len(term) < 2:
        raise errors.SearchTooShort("Type at least 2 characters to search.")
    limit = max(1, min(limit, MAX_SEARCH_RESULTS))
    pattern = _like_prefix(term)
    blocked = exists().where(
        or_(
            and_(Block.blocker_id == user.id, Block.blocked_id == User.id),
            and_(Block.blocker_id == User.id, Block.blocked_id == user.id),
        )
    )
    rank = case(
        (User.username_key == term, 0),
        (User.username_key.like(pattern, escape="\\"), 1),
        else_=2,
    )
    found = session.scalars(
        select(User)
        .where(
            or_(
                User.username_key.like(pattern, escape="\\"),
                User.display_name_key.like(pattern, escape="\\"),
            ),
            User.id != user.id,
            User.discoverable.is_(True),
            ~blocked,
        )
        .order_by(rank, func.length(User.username_key), User.username_key)
        .limit(limit)
    ).all()
    return list(zip(found, relations(session, user, found), strict=True))


def relations(session: Session, viewer: User, others: list[User]) -> list[Relation]:
    """The viewer's relation to each learner, in two queries."""
    ids = [other.id for other in others]
    if not ids:
        return []
    keys = {pair_key(viewer.id, other_id): other_id for other_id in ids}
    friends = set(
        session.scalars(select(Friendship.active_pair).where(Friendship.active_pair.in_(keys)))
    )
    pending = {
        request.open_pair: request.sender_id
        for request in session.scalars(
            select(FriendRequest).where(FriendRequest.open_pair.in_(keys))
        )
    }
    result = []
    for other in others:
        key = pair_key(viewer.id, other.id)
        if other.id == viewer.id:
            result.append(Relation.SELF)
        elif key in friends:
            result.append(Relation.FRIEND)
        elif key in pending:
            sent = pending[key] == viewer.id
            result.append(Relation.REQUEST_SENT if sent else Relation.REQUEST_RECEIVED)
        else:
            result.append(Relation.NONE)
    return result


# ---- profiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What `viewer` may see of a learner: everyone signed in sees the public part; friends
    also see streaks and the friend streak; the learner sees everything."""

    user: User
    relation: Relation
    streaks: list[StreakView] | None
    friendship: Friendship | None
    friend_streak: FriendStreakView | None
    badges: list[tuple[UserBadge, Badge, Metric]]


def profile(session: Session, ctx: Context, viewer: User, *, username: str) -> Profile:
    user = visible_learner(session, viewer, username)
    rel = relation(session, viewer, user)
    badges = badges_service.achieved(session, user.id)
    if rel not in (Relation.SELF, Relation.FRIEND):
        return Profile(user, rel, None, None, None, badges)
    streaks = practice_service.list_streaks(session, ctx, user)
    pair = friend_streak_with(session, ctx, viewer, user) if rel is Relation.FRIEND else None
    friendship, streak = pair if pair else (None, None)
    return Profile(user, rel, streaks, friendship, streak, badges)
