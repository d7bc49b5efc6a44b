"""Friend requests: send, accept, reject, withdraw, and list them.

A request that crosses one from the other side is a yes. Sent requests a day are limited
(`Limits.friend_requests`), counted here so every caller is held to the same limit.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.context import Context
from zeal.friends import errors
from zeal.friends.friendships import befriend
from zeal.friends.models import FriendRequest, Friendship, RequestStatus, pair_key
from zeal.friends.pairs import active_friendship, lock_pair, pending_request
from zeal.friends.visibility import blocked_by, visible_learner
from zeal.limits.service import Limits

MAX_REQUESTS_PER_PAIR_PER_DAY = 3


@dataclass(frozen=True)
class Sent:
    request: FriendRequest
    friendship: Friendship | None  # when the request crossed theirs: the two are friends now


def send(session: Session, ctx: Context, limits: Limits, sender: User, *, username: str) -> Sent:
    """Ask `username` to be friends. A request that crosses theirs makes the two friends."""
    with limits.counted(session, limits.friend_requests, f"user:{sender.id}"):
        return _send(session, ctx, sender, username)


def _send(session: Session, ctx: Context, sender: User, username: str) -> Sent:
    receiver = visible_learner(session, sender, username, even_if_blocked_by_viewer=True)
    if receiver.id == sender.id:
        raise errors.CannotBefriendSelf("You cannot send a friend request to yourself.")
    if blocked_by(session, sender.id, receiver.id):
        raise errors.LearnerBlocked(f"You blocked '{receiver.username}'; unblock them first.")
    lock_pair(session, sender.id, receiver.id)
    if active_friendship(session, sender.id, receiver.id) is not None:
        raise errors.AlreadyFriends(f"You and '{receiver.username}' are already friends.")
    pending = pending_request(session, sender.id, receiver.id)
    if pending is not None and pending.sender_id == sender.id:
        raise errors.FriendRequestExists(f"Your request to '{receiver.username}' is pending.")
    if pending is not None:
        return _answer_with_yes(session, ctx, pending, sender, receiver)
    if not receiver.accepts_friend_requests:
        raise errors.FriendRequestsClosed(f"'{receiver.username}' does not take friend requests.")
    _check_pair_limit(session, ctx, sender, receiver)
    request = FriendRequest(
        sender_id=sender.id,
        receiver_id=receiver.id,
        status=RequestStatus.PENDING,
        open_pair=pair_key(sender.id, receiver.id),
        created_at=ctx.clock.now(),
    )
    session.add(request)
    session.flush()
    return Sent(request, None)


def _answer_with_yes(
    session: Session, ctx: Context, theirs: FriendRequest, sender: User, receiver: User
) -> Sent:
    """They asked first: answering with a request of our own is a yes."""
    close(theirs, RequestStatus.ACCEPTED, ctx)
    now = ctx.clock.now()
    request = FriendRequest(
        sender_id=sender.id,
        receiver_id=receiver.id,
        status=RequestStatus.ACCEPTED,
        created_at=now,
        responded_at=now,
    )
    session.add(request)
    return Sent(request, befriend(session, ctx, sender, receiver))


def _check_pair_limit(session: Session, ctx: Context, sender: User, receiver: User) -> None:
    recent = session.scalar(
        select(func.count())
        .select_from(FriendRequest)
        .where(
            FriendRequest.sender_id == sender.id,
            FriendRequest.receiver_id == receiver.id,
            FriendRequest.created_at > ctx.clock.now() - timedelta(days=1),
        )
    )
    if (recent or 0) >= MAX_REQUESTS_PER_PAIR_PER_DAY:
        raise errors.FriendRequestLimit(
            f"At most {MAX_REQUESTS_PER_PAIR_PER_DAY} requests to the same learner a day."
        )


def close(request: FriendRequest, status: RequestStatus, ctx: Context) -> None:
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
    lock_pair(session, request.sender_id, request.receiver_id)
    session.refresh(request)
    if request.status != RequestStatus.PENDING:
        raise errors.FriendRequestNotPending(f"This request was already {request.status}.")
    return request


def accept(session: Session, ctx: Context, user: User, request_id: int) -> Friendship:
    request = _request_for(session, user, request_id, as_receiver=True)
    close(request, RequestStatus.ACCEPTED, ctx)
    sender = session.get(User, request.sender_id)
    assert sender is not None
    return befriend(session, ctx, user, sender)


def reject(session: Session, ctx: Context, user: User, request_id: int) -> None:
    close(_request_for(session, user, request_id, as_receiver=True), RequestStatus.REJECTED, ctx)


def cancel(session: Session, ctx: Context, user: User, request_id: int) -> None:
    close(_request_for(session, user, request_id, as_receiver=False), RequestStatus.CANCELLED, ctx)


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


def count_received(session: Session, user: User) -> int:
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
