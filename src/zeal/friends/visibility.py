"""Looking learners up as another learner may see them: a blocked pair do not exist for each
other, and every domain that names a learner by username asks here."""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from zeal.accounts.errors import UserNotFound
from zeal.accounts.models import User
from zeal.accounts.queries import find_by_username
from zeal.friends.models import Block


def is_blocked_either_way(session: Session, a: int, b: int) -> bool:
    return bool(session.scalar(select(exists().where(Block.either_way(a, b)))))


def blocked_by(session: Session, blocker: int, blocked: int) -> bool:
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
        hidden = blocked_by(session, user.id, viewer.id)
    else:
        hidden = is_blocked_either_way(session, viewer.id, user.id)
    if hidden:
        raise UserNotFound(f"No learner is called '{username}'.")
    return user
