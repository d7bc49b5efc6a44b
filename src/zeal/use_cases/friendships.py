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


def _friends_changed(session: Session, ctx: Context, friendship: Friendship | None) -> None:
    if friendship is not None:
        ids = [friendship.user_low_id, friendship.user_high_id]
        badges_service.on_friends_changed(session, ctx, ids)


def send_friend_request(
    session: Session, ctx: Context, limits: Limits, sender: User, *, username: str
) -> FriendRequest:
    """Ask a learner; when they had asked first, the two are friends at once."""
    sent = requests.send(session, ctx, limits, sender, username=username)
    _friends_changed(session, ctx, sent.friendship)
    return sent.request


def accept_friend_request(
    session: Session, ctx: Context, user: User, request_id: int
) -> Friendship:
    friendship = requests.accept(session, ctx, user, request_id)
    _friends_changed(session, ctx, friendship)
    return friendship


def unfriend(session: Session, ctx: Context, user: User, *, username: str) -> None:
    _friends_changed(session, ctx, friendships.unfriend(session, ctx, user, username=username))


def block(session: Session, ctx: Context, user: User, *, username: str) -> Blocked:
    blocked = blocks.block(session, ctx, user, username=username)
    _friends_changed(session, ctx, blocked.ended)
    return blocked
