"""Finding learners by the start of their username or display name."""

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.friends import errors
from zeal.friends.models import Block
from zeal.friends.pairs import Relation, relations
from zeal.limits.service import Limits

MAX_SEARCH_RESULTS = 50


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def search(
    session: Session, limits: Limits, user: User, *, query: str, limit: int = 20
) -> list[tuple[User, Relation]]:
    """Learners whose username or display name starts with `query` (any case): exact username
    first, then username prefixes, then display names; shorter names first, then A to Z. Never
    the caller, nobody blocked either way, nobody who chose not to be found; never by e-mail.
    Searches a minute are limited (`Limits.search`) for every caller alike."""
    with limits.counted(session, limits.search, f"user:{user.id}"):
        return _search(session, user, query, limit)


def _search(session: Session, user: User, query: str, limit: int) -> list[tuple[User, Relation]]:
    term = " ".join(query.split()).lower()
    if len(term) < 2:
        raise errors.SearchTooShort("Type at least 2 characters to search.")
    pattern = _like_prefix(term)
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
            ~exists().where(Block.either_way(user.id, User.id)),
        )
        .order_by(rank, func.length(User.username_key), User.username_key)
        .limit(max(1, min(limit, MAX_SEARCH_RESULTS)))
    ).all()
    return list(zip(found, relations(session, user, list(found)), strict=True))
