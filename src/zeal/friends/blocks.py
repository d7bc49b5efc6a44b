"""Blocking: a blocked pair do not exist for each other; blocking ends what they had."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.accounts.queries import find_by_username
from zeal.context import Context
from zeal.friends import errors
from zeal.friends.friendships import end
from zeal.friends.models import Block, Friendship, RequestStatus
from zeal.friends.pairs import active_friendship, lock_pair, pending_request
from zeal.friends.requests import close
from zeal.friends.visibility import visible_learner


@dataclass(frozen=True)
class Blocked:
    other: User
    block: Block
    created: bool  # False when the learner was blocked already (blocking twice is harmless)
    ended: Friendship | None  # the friendship the block ended


def block(session: Session, ctx: Context, user: User, *, username: str) -> Blocked:
    """Block a learner: ends the friendship and any pending request between the two."""
    other = visible_learner(session, user, username, even_if_blocked_by_viewer=True)
    if other.id == user.id:
        raise errors.CannotBlockSelf("You cannot block yourself.")
    lock_pair(session, user.id, other.id)
    existing = session.get(Block, (user.id, other.id))
    if existing is not None:
        return Blocked(other, existing, created=False, ended=None)
    row = Block(blocker_id=user.id, blocked_id=other.id, created_at=ctx.clock.now())
    session.add(row)
    friendship = active_friendship(session, user.id, other.id)
    if friendship is not None:
        end(session, ctx, friendship)
    pending = pending_request(session, user.id, other.id)
    if pending is not None:
        close(pending, RequestStatus.WITHDRAWN, ctx)
    session.flush()
    return Blocked(other, row, created=True, ended=friendship)


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
