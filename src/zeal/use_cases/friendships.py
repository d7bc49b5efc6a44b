"""Friendships starting and ending: the friends domain changes, then the learners' friend
counts (the `friends` badge gauge) follow, in the same transaction."""

from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.badges import service as badges_service
from zeal.context import Context
from zeal.friends import blocks, friendships, requests
from zeal.friends.blocks import Blocked
from zeal.friends.models import FriendRequest, Friendship
from zeal.limits.service import Limits
from zeal.webhooks import outbox


def _friends_changed(session: Session, ctx: Context, friendship: Friendship | None) -> None:
    if friendship is not None:
        ids = [friendship.user_low_id, friendship.user_high_id]
        badges_service.on_friends_changed(session, ctx, ids)


def _befriended(session: Session, ctx: Context, friendship: Friendship | None) -> None:
    """A new friendship: it moves both friend counts, and each learner's platform hears of it."""
    _friends_changed(session, ctx, friendship)
    if friendship is None:
        return
    pair = [friendship.user_low_id, friendship.user_high_id]
    for me, friend in (pair, pair[::-1]):
        other = session.get(User, friend)
        assert other is not None
        data = {"friend": _someone(other)}
        outbox.emit(
            session,
            ctx.clock.now(),
            learner_id=me,
            event_type=outbox.EventType.FRIENDSHIP_CREATED,
            data=data,
        )


def _someone(user: User) -> dict[str, str | None]:
    """Another learner as an event names them (their platform's ids are not another's)."""
    return {"username": user.username, "display_name": user.display_name}


def send_friend_request(
    session: Session, ctx: Context, limits: Limits, sender: User, *, username: str
) -> FriendRequest:
    """Ask a learner; when they had asked first, the two are friends at once."""
    sent = requests.send(session, ctx, limits, sender, username=username)
    if sent.friendship is None:
        data = {"from": _someone(sender), "request_id": sent.request.id}
        now = ctx.clock.now()
        receiver = sent.request.receiver_id
        outbox.emit(
            session,
            now,
            learner_id=receiver,
            event_type=outbox.EventType.FRIEND_REQUEST_RECEIVED,
            data=data,
        )
    _befriended(session, ctx, sent.friendship)
    return sent.request


def accept_friend_request(
    session: Session, ctx: Context, user: User, request_id: int
) -> Friendship:
    friendship = requests.accept(session, ctx, user, request_id)
    _befriended(session, ctx, friendship)
    return friendship


def unfriend(session: Session, ctx: Context, user: User, *, username: str) -> None:
    _friends_changed(session, ctx, friendships.unfriend(session, ctx, user, username=username))


def block(session: Session, ctx: Context, user: User, *, username: str) -> Blocked:
    blocked = blocks.block(session, ctx, user, username=username)
    _friends_changed(session, ctx, blocked.ended)
    return blocked
