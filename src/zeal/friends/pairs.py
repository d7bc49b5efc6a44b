"""Two learners as a pair: their lock, their friendship, their pending request, and how one
stands to the other."""

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.accounts.queries import lock_user
from zeal.friends.models import FriendRequest, Friendship, pair_key


class Relation(StrEnum):
    SELF = "self"
    NONE = "none"
    FRIEND = "friend"
    REQUEST_SENT = "request_sent"
    REQUEST_RECEIVED = "request_received"


def lock_pair(session: Session, a: int, b: int) -> None:
    """Every change to a pair locks both learners' rows, lower id first, so two requests that
    cross, two accepts, or a block racing an accept happen one after the other."""
    for user_id in sorted((a, b)):
        lock_user(session, user_id)


def active_friendship(session: Session, a: int, b: int) -> Friendship | None:
    return session.scalar(select(Friendship).where(Friendship.active_pair == pair_key(a, b)))


def pending_request(session: Session, a: int, b: int) -> FriendRequest | None:
    return session.scalar(select(FriendRequest).where(FriendRequest.open_pair == pair_key(a, b)))


def relation(session: Session, viewer: User, other: User) -> Relation:
    return relations(session, viewer, [other])[0]


def relations(session: Session, viewer: User, others: list[User]) -> list[Relation]:
    """The viewer's relation to each learner, in two queries."""
    if not others:
        return []
    keys = {pair_key(viewer.id, other.id) for other in others}
    friends = set(
        session.scalars(select(Friendship.active_pair).where(Friendship.active_pair.in_(keys)))
    )
    pending = {
        request.open_pair: request.sender_id
        for request in session.scalars(
            select(FriendRequest).where(FriendRequest.open_pair.in_(keys))
        )
    }
    return [_relation(viewer, other, friends, pending) for other in others]


def _relation(
    viewer: User, other: User, friends: set[str | None], pending: dict[str | None, int]
) -> Relation:
    key = pair_key(viewer.id, other.id)
    if other.id == viewer.id:
        return Relation.SELF
    if key in friends:
        return Relation.FRIEND
    if key in pending:
        return Relation.REQUEST_SENT if pending[key] == viewer.id else Relation.REQUEST_RECEIVED
    return Relation.NONE
