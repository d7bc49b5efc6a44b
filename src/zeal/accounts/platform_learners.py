"""A platform's own learners: made, changed and found by the platform's id for them.

A platform knows its learners by its own opaque ids (`external_id`, unique per platform); the
learners it makes have no Zeal password (they sign in on the platform) and may have no e-mail.
Putting a learner is an idempotent upsert, safe when the platform sends the same id twice at
once: the unique (platform, external id) key lets one insert win, and the other updates it.
"""

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zeal.accounts import usernames
from zeal.accounts.errors import EmailTaken, ExternalIdInvalid, LearnerNotFound
from zeal.accounts.models import User
from zeal.accounts.service import (
    AvatarChange,
    ExternalIdTaken,
    ProfileChange,
    check_display_name,
    check_timezone,
    ensure_email_free,
    insert_learner,
    update_profile,
)
from zeal.context import Context

MAX_EXTERNAL_ID = 128


@dataclass(frozen=True)
class LearnerFields:
    """What a platform may say about its learner; what it leaves out keeps its value."""

    display_name: str | None = None
    username: str | None = None
    timezone: str | None = None
    email: str | None = None
    avatar: AvatarChange | None = None


@dataclass(frozen=True)
class PutLearner:
    user: User
    created: bool
    moved_zone: bool  # an update changed the time zone


def check_external_id(external_id: str) -> str:
    # One path segment: a "/" could not be put in the learner's URL.
    if (
        not 1 <= len(external_id) <= MAX_EXTERNAL_ID
        or not external_id.isprintable()
        or "/" in external_id
    ):
        raise ExternalIdInvalid(
            f"An external id has 1 to {MAX_EXTERNAL_ID} printable characters, none of them '/'.",
            field="external_id",
        )
    return external_id


_USER = cast(Table, User.__table__)
_BY_EXTERNAL_ID = (_USER.c.platform_id == bindparam("platform_id")) & (
    _USER.c.external_id == bindparam("external_id")
)
_LEARNER = select(User).where(_BY_EXTERNAL_ID)
_LEARNER_ID = select(_USER.c.id).where(_BY_EXTERNAL_ID)


def find_learner(session: Session, platform_id: int, external_id: str) -> User:
    """The platform's learner; another platform's learners do not exist for it."""
    params = {"platform_id": platform_id, "external_id": external_id}
    user = session.scalar(_LEARNER, params)
    if user is None:
        raise learner_not_found(external_id)
    return user


def learner_id(session: Session, platform_id: int, external_id: str) -> int:
    """`find_learner`'s id alone (one plain row), for recording practice."""
    params = {"platform_id": platform_id, "external_id": external_id}
    found = session.scalar(_LEARNER_ID, params)
    if found is None:
        raise learner_not_found(external_id)
    return int(found)


def learner_not_found(external_id: str) -> LearnerNotFound:
    """The refusal for an id the platform gave no learner (or another platform did)."""
    return LearnerNotFound(f"This platform has no learner with external id '{external_id}'.")


def put_learner(
    session: Session, ctx: Context, platform_id: int, external_id: str, given: LearnerFields
) -> PutLearner:
    """Make the platform's learner, or change it when it exists: one learner per id."""
    external_id = check_external_id(external_id)
    params = {"platform_id": platform_id, "external_id": external_id}
    user = session.scalar(_LEARNER, params)
    if user is None:
        try:
            return PutLearner(_create(session, ctx, platform_id, external_id, given), True, False)
        except ExternalIdTaken:  # the same id put at the same moment: that insert won
            user = session.scalars(_LEARNER, params).one()
    return _update(session, ctx, user, given)


def _create(
    session: Session, ctx: Context, platform_id: int, external_id: str, given: LearnerFields
) -> User:
    email = _email(session, given.email, None)
    zone = check_timezone(given.timezone or "UTC")
    chosen = usernames.check_username(given.username) if given.username is not None else None
    name = check_display_name(given.display_name) if given.display_name is not None else None
    user = insert_learner(
        session, ctx, email, None, zone, chosen, name, known_as=(platform_id, external_id)
    )
    if given.avatar is not None:
        user = update_profile(session, ctx, user, ProfileChange(avatar=given.avatar)).user
    return user


def _update(session: Session, ctx: Context, user: User, given: LearnerFields) -> PutLearner:
    change = ProfileChange(
        display_name=given.display_name,
        username=given.username,
        timezone=given.timezone,
        avatar=given.avatar,
    )
    email = _email(session, given.email, user.id)
    changed = update_profile(session, ctx, user, change)
    if email is not None and email != changed.user.email:
        changed.user.email = email
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            raise EmailTaken("An account with this e-mail address was just registered.") from None
    return PutLearner(changed.user, False, changed.moved_zone)


def _email(session: Session, email: str | None, owner: int | None) -> str | None:
    """The e-mail normalised, when it is not someone else's."""
    if email is None:
        return None
    email = email.strip().lower()
    ensure_email_free(session, email, user_id=owner)
    return email
