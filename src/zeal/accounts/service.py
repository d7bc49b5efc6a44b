"""Accounts: sign-up, sign-in, sessions, profile changes and platform API keys."""

import contextlib
import random
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import cast

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zeal.accounts import avatars, tokens, usernames
from zeal.accounts.errors import (
    AvatarInvalid,
    DisplayNameInvalid,
    EmailTaken,
    InvalidApiKey,
    InvalidCredentials,
    InvalidToken,
    PasswordTooWeak,
    TimezoneInvalid,
    UsernameTaken,
)
from zeal.accounts.models import ApiKey, SessionToken, User
from zeal.accounts.queries import find_by_login, find_by_username, lock_user
from zeal.clock import is_timezone
from zeal.context import Context

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MAX_DISPLAY_NAME = 50
_GENERATION_ATTEMPTS = 20
_rng = random.SystemRandom()


@dataclass(frozen=True)
class AvatarChange:
    image: str | None = None
    character_color: str | None = None
    background_color: str | None = None


# ---- checks shared by sign-up and profile edits ----------------------------------------------


def check_timezone(name: str) -> str:
    if not is_timezone(name):
        raise TimezoneInvalid(f"'{name}' is not an IANA time zone such as 'Europe/Copenhagen'.")
    return name


def check_display_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= MAX_DISPLAY_NAME:
        raise DisplayNameInvalid(f"A display name has 1 to {MAX_DISPLAY_NAME} characters.")
    if any(not ch.isprintable() for ch in cleaned):
        raise DisplayNameInvalid("A display name may not contain control characters.")
    return cleaned


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooWeak(f"A password has at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordTooWeak(f"A password has at most {MAX_PASSWORD_LENGTH} characters.")


def _ensure_username_free(session: Session, username: str, *, user_id: int | None = None) -> None:
    owner = find_by_username(session, username)
    if owner is not None and owner.id != user_id:
        raise UsernameTaken(f"'{username}' is already taken; usernames ignore letter case.")


# ---- sign-up ---------------------------------------------------------------------------------


def create_user(
    session: Session,
    ctx: Context,
    *,
    email: str,
    password: str,
    display_name: str | None = None,
    username: str | None = None,
    timezone: str | None = None,
) -> User:
    """Register a learner; a username and an avatar are made up when none is given."""
    email = email.strip().lower()
    check_password(password)
    zone = check_timezone("UTC" if timezone is None else timezone)
    chosen = usernames.check_username(username) if username is not None else None
    name = check_display_name(display_name) if display_name is not None else None
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken("An account with this e-mail address already exists.")
    if chosen is not None:
        _ensure_username_free(session, chosen)
    return _insert_learner(session, ctx, email, ctx.passwords.hash(password), zone, chosen, name)


def _insert_learner(
    session: Session,
    ctx: Context,
    email: str,
    password_hash: str,
    zone: str,
    chosen: str | None,
    name: str | None,
) -> User:
    """Insert the learner, making up a free username when none was chosen."""
    for _ in range(_GENERATION_ATTEMPTS):
        handle = chosen or usernames.generate_username(_rng)
        if chosen is None and (
            find_by_username(session, handle) or handle.lower() in usernames.RESERVED
        ):
            continue
        image, character, background = avatars.random_avatar(_rng, usernames.noun_of(handle))
        user = User(
            email=email,
            password_hash=password_hash,
            timezone=zone,
            avatar_image=image,
            avatar_character_color=character,
            avatar_background_color=background,
            created_at=ctx.clock.now(),
        )
        user.set_username(handle)
        user.set_display_name(name or handle)
        try:
            with session.begin_nested():
                session.add(user)
        except IntegrityError:
            # Someone registered the same e-mail or name between our check and our insert.
            if session.scalar(select(User.id).where(User.email == email)) is not None:
                raise EmailTaken("An account with this e-mail address already exists.") from None
            if chosen is not None:
                raise UsernameTaken(f"'{chosen}' is already taken.") from None
            continue
        return user
    raise RuntimeError("could not generate a free username")


# ---- sign-in and sessions --------------------------------------------------------------------

# Verified against when the login is unknown, so both failures take the same time
# (one hash per hasher, made once: hashing on each attempt would itself be the tell).
_DUMMY_HASHES: dict[int, str] = {}


def authenticate(session: Session, ctx: Context, *, login: str, password: str) -> User:
    user = find_by_login(session, login)
    hasher = ctx.passwords
    if user is None:
        dummy = _DUMMY_HASHES.get(id(hasher))
        if dummy is None:
            dummy = _DUMMY_HASHES[id(hasher)] = hasher.hash("not the password")
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy, password)
        raise InvalidCredentials("The login or the password is wrong.")
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise InvalidCredentials("The login or the password is wrong.") from None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def open_session(session: Session, ctx: Context, user: User) -> tuple[str, SessionToken]:
    """A new bearer token for `user`; the token itself is returned once and never stored."""
    token = tokens.new_secret(tokens.SESSION_PREFIX)
    now = ctx.clock.now()
    row = SessionToken(
        user_id=user.id,
        token_hash=tokens.digest(token),
        created_at=now,
        expires_at=now + timedelta(days=ctx.settings.session_days),
    )
    session.add(row)
    session.flush()
    return token, row


@dataclass(frozen=True)
class SignedInSession:
    """The session token a request signed in with: its id, to sign out."""

    id: int


_TOKEN = cast(Table, SessionToken.__table__)
# Built once: every signed-in request runs it, and building a statement costs as much as
# running a small one. The token as columns: an entity more costs every request its loading.
_SIGNED_IN = (
    select(User, _TOKEN.c.id, _TOKEN.c.revoked_at, _TOKEN.c.expires_at)
    .join(_TOKEN, _TOKEN.c.user_id == User.id)
    .where(_TOKEN.c.token_hash == bindparam("token_hash"))
)


def user_for_token(session: Session, ctx: Context, token: str) -> tuple[User, SignedInSession]:
    """The learner a session token signs in, and the token: one query on every request."""
    found = session.execute(_SIGNED_IN, {"token_hash": tokens.digest(token)}).first()
    if found is None:
        raise InvalidToken("Sign in again: this session token is unknown, expired or revoked.")
    user, token_id, revoked_at, expires_at = found
    if revoked_at is not None or expires_at <= ctx.clock.now():
        raise InvalidToken("Sign in again: this session token is unknown, expired or revoked.")
    return user, SignedInSession(token_id)


def revoke_session(session: Session, ctx: Context, token: SignedInSession) -> None:
    session.execute(
        update(SessionToken)
        .where(SessionToken.id == token.id, SessionToken.revoked_at.is_(None))
        .values(revoked_at=ctx.clock.now())
    )


# ---- profile ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileChange:
    """Only what was given changes: a field left out keeps its value (the avatar too)."""

    display_name: str | None = None
    username: str | None = None
    timezone: str | None = None
    avatar: AvatarChange | None = None
    discoverable: bool | None = None
    accepts_friend_requests: bool | None = None

    @property
    def customises(self) -> bool:
        """A new display name or avatar is the learner making the profile theirs."""
        return self.display_name is not None or self.avatar is not None


@dataclass(frozen=True)
class ProfileChanged:
    user: User
    moved_zone: bool  # the time zone changed: streaks reset by the old calendar may revive


def update_profile(
    session: Session, ctx: Context, user: User, change: ProfileChange
) -> ProfileChanged:
    change = _checked(session, user, change)
    locked = lock_user(session, user.id)
    assert locked is not None, "the signed-in learner exists"
    user = locked
    moved = change.timezone is not None and change.timezone != user.timezone
    _apply(user, change)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise UsernameTaken(f"'{change.username}' was just taken by someone else.") from None
    return ProfileChanged(user, moved)


def _checked(session: Session, user: User, change: ProfileChange) -> ProfileChange:
    username = change.username
    if username is not None:
        username = usernames.check_username(username)
        _ensure_username_free(session, username, user_id=user.id)
    if change.timezone is not None:
        check_timezone(change.timezone)
    display_name = change.display_name
    if display_name is not None:
        display_name = check_display_name(display_name)
    if change.avatar is not None:
        _check_avatar(change.avatar)
    return replace(change, username=username, display_name=display_name)


def _apply(user: User, change: ProfileChange) -> None:
    if change.username is not None:
        user.set_username(change.username)
    if change.timezone is not None:
        # Past practice days keep the dates they were recorded with; only new days use the zone.
        user.timezone = change.timezone
    if change.display_name is not None:
        user.set_display_name(change.display_name)
    if change.discoverable is not None:
        user.discoverable = change.discoverable
    if change.accepts_friend_requests is not None:
        user.accepts_friend_requests = change.accepts_friend_requests
    avatar = change.avatar
    if avatar is not None:
        user.avatar_image = avatar.image or user.avatar_image
        user.avatar_character_color = _colour(avatar.character_color) or user.avatar_character_color
        user.avatar_background_color = (
            _colour(avatar.background_color) or user.avatar_background_color
        )


def _colour(value: str | None) -> str | None:
    return value.upper() if value else None


def _check_avatar(avatar: AvatarChange) -> None:
    if avatar.image is not None and avatar.image not in avatars.IMAGES:
        raise AvatarInvalid(f"'{avatar.image}' is not in the avatar catalog (GET /v1/avatars).")
    for field, value, allowed in (
        ("character_color", avatar.character_color, avatars.CHARACTER_COLORS),
        ("background_color", avatar.background_color, avatars.BACKGROUND_COLORS),
    ):
        if value is not None and value.upper() not in allowed:
            raise AvatarInvalid(
                f"{field} must be one of the catalog's colours (GET /v1/avatars), not '{value}'.",
                field=field,
            )


# ---- platform API keys -----------------------------------------------------------------------


def create_api_key(session: Session, ctx: Context, *, name: str) -> tuple[str, ApiKey]:
    secret = tokens.new_secret(tokens.API_KEY_PREFIX)
    row = ApiKey(
        name=name,
        key_prefix=secret[:12],
        key_hash=tokens.digest(secret),
        created_at=ctx.clock.now(),
    )
    session.add(row)
    session.flush()
    return secret, row


_API_KEY = select(ApiKey).where(ApiKey.key_hash == bindparam("key_hash"))


def api_key_for(session: Session, secret: str) -> ApiKey:
    row = session.scalar(_API_KEY, {"key_hash": tokens.digest(secret)})
    if row is None or row.revoked_at is not None:
        raise InvalidApiKey("The X-API-Key header holds no active platform key.")
    return row


def list_api_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def revoke_api_key(session: Session, ctx: Context, key_id: int) -> bool:
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=ctx.clock.now())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
