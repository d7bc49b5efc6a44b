"""Looking learners up; shared by every domain that needs a learner row."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from zeal.accounts import tokens
from zeal.accounts.models import KnownDevice, User
from zeal.db import among


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def find_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username_key == username.strip().lower()))


def find_by_login(session: Session, login: str) -> User | None:
    """By e-mail when the login has an @, else by username; both ignore letter case."""
    login = login.strip()
    if "@" in login:
        return session.scalar(select(User).where(User.email == login.lower()))
    return find_by_username(session, login)


def known_device(session: Session, user_id: int, token: str | None) -> int | None:
    """The id of the learner's known device that `token` names, or None (`accounts.devices`)."""
    if not token:
        return None
    found = session.scalar(
        select(KnownDevice.id).where(
            KnownDevice.token_hash == tokens.digest(token), KnownDevice.user_id == user_id
        )
    )
    return found


def lock_user(session: Session, user_id: int) -> User | None:
    """Take the learner's row lock, so one learner's writes happen one after the other; None
    when there is no such learner.

    (SQLite has no row locks; its writing transactions start with BEGIN IMMEDIATE instead.)
    """
    return session.scalar(
        select(User)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


@dataclass(frozen=True)
class Learner:
    """What recording practice needs of a learner: who, and which calendar they live by."""

    id: int
    timezone: str
    daily_goal_xp: int | None  # the goal the learner chose (None: the platform's default)
    platform_id: int | None  # the platform that made the learner (None: signed up here)
    leagues: bool = True  # placed in weekly leagues (not opted out)


_USER = cast(Table, User.__table__)
_LEARNER_COLUMNS = (
    _USER.c.id,
    _USER.c.timezone,
    _USER.c.daily_goal_xp,
    _USER.c.platform_id,
    _USER.c.leagues,
)
# Built once, of table columns: the hot path pays neither for building the statement nor for
# the ORM's execution path.
_LOCK_LEARNER = (
    select(*_LEARNER_COLUMNS).where(_USER.c.id == bindparam("user_id")).with_for_update()
)


def lock_learner(session: Session, user_id: int) -> Learner | None:
    """`lock_user` for a path that needs only the learner's id and time zone."""
    row = session.execute(_LOCK_LEARNER, {"user_id": user_id}).first()
    if row is None:
        return None
    return Learner(row.id, row.timezone, row.daily_goal_xp, row.platform_id, row.leagues)


_LOCK_LEARNERS = (
    select(*_LEARNER_COLUMNS)
    .where(among(_USER.c.id, "user_ids"))
    .order_by(_USER.c.id)
    .with_for_update()
)


def lock_learners(session: Session, user_ids: Iterable[int]) -> list[Learner]:
    """`lock_learner` for many learners at once, those that exist; locked in id order, as
    every caller locking several does, so two such callers never wait on each other."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    rows = session.execute(_LOCK_LEARNERS, {"user_ids": ids})
    return [
        Learner(row.id, row.timezone, row.daily_goal_xp, row.platform_id, row.leagues)
        for row in rows
    ]
