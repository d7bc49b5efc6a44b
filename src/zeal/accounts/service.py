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
    DailyGoalInvalid,
    DisplayNameInvalid,
    EmailTaken,
    InvalidApiKey,
    InvalidCredentials,
    InvalidToken,
    PasswordTooWeak,
    PlatformNameInvalid,
    PlatformTaken,
    TimezoneInvalid,
    UsernameTaken,
)
from zeal.accounts.models import ApiKey, DailyGoal, Platform, SessionToken, User
from zeal.accounts.queries import find_by_login, find_by_username, lock_user
from zeal.clock import is_timezone, local_date
from zeal.context import Context
from zeal.db import upsert

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MAX_DISPLAY_NAME = 50
_GENERATION_ATTEMPTS = 20
# The platform of keys made without naming one (and of every key made before platforms).
DEFAULT_PLATFORM = "default"
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


def ensure_email_free(session: Session, email: str, *, user_id: int | None = None) -> None:
    """`email` (normalised) belongs to nobody, or to the learner `user_id`."""
    owner = session.scalar(select(User.id).where(User.email == email))
    if owner is not None and owner != user_id:
        raise EmailTaken("An account with this e-mail address already exists.")


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
    ensure_email_free(session, email)
    if chosen is not None:
        _ensure_username_free(session, chosen)
    return insert_learner(session, ctx, email, ctx.passwords.hash(password), zone, chosen, name)


class ExternalIdTaken(Exception):
    """The platform's id was given to a learner between our check and our insert."""


def insert_learner(
    session: Session,
    ctx: Context,
    email: str | None,
    password_hash: str | None,
    zone: str,
    chosen: str | None,
    name: str | None,
    known_as: tuple[int, str] | None = None,
) -> User:
    """Insert the learner, making up a free username when none was chosen; `known_as`: the
    platform that makes the learner, and its id for them."""
    platform_id, external_id = known_as or (None, None)
    for _ in range(_GENERATION_ATTEMPTS):
        handle = chosen or _made_up_username(session)
        if handle is None:
            continue
        image, character, background = avatars.random_avatar(_rng, usernames.noun_of(handle))
        user = User(
            email=email,
            password_hash=password_hash,
            platform_id=platform_id,
            external_id=external_id,
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
            _refused_insert(session, email, chosen, platform_id, external_id)
            continue
        return user
    raise RuntimeError("could not generate a free username")


def _made_up_username(session: Session) -> str | None:
    """A generated username, or None when it is taken or reserved (try another)."""
    handle = usernames.generate_username(_rng)
    if find_by_username(session, handle) or handle.lower() in usernames.RESERVED:
        return None
    return handle


def _refused_insert(
    session: Session,
    email: str | None,
    chosen: str | None,
    platform_id: int | None,
    external_id: str | None,
) -> None:
    """Someone took the platform's id, the e-mail or the name between our check and our
    insert: say which; returns when only a made-up username collided (try another)."""
    if external_id is not None and session.scalar(
        select(User.id).where(User.platform_id == platform_id, User.external_id == external_id)
    ):
        raise ExternalIdTaken(external_id)
    if email is not None and session.scalar(select(User.id).where(User.email == email)):
        raise EmailTaken("An account with this e-mail address already exists.")
    if chosen is not None:
        raise UsernameTaken(f"'{chosen}' is already taken.")


# ---- sign-in and sessions --------------------------------------------------------------------

# Verified against when the login is unknown, so both failures take the same time
# (one hash per hasher, made once: hashing on each attempt would itself be the tell).
_DUMMY_HASHES: dict[int, str] = {}


def authenticate(session: Session, ctx: Context, *, login: str, password: str) -> User:
    user = find_by_login(session, login)
    hasher = ctx.passwords
    if user is None or user.password_hash is None:  # a platform's learner signs in there
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


def open_session(
    session: Session, ctx: Context, user: User, lifetime: timedelta | None = None
) -> tuple[str, SessionToken]:
    """A new bearer token for `user`, good for `lifetime` (by default the settings' session
    days); the token itself is returned once and never stored."""
    token = tokens.new_secret(tokens.SESSION_PREFIX)
    now = ctx.clock.now()
    row = SessionToken(
        user_id=user.id,
        token_hash=tokens.digest(token),
        created_at=now,
        expires_at=now + (lifetime or timedelta(days=ctx.settings.session_days)),
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


def revoke_sessions(session: Session, ctx: Context, user_id: int) -> int:
    """Sign the learner out everywhere: every open session token is revoked."""
    result = session.execute(
        update(SessionToken)
        .where(SessionToken.user_id == user_id, SessionToken.revoked_at.is_(None))
        .values(revoked_at=ctx.clock.now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


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
    daily_goal_xp: int | None = None
    leagues: bool | None = None

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
    _check_goal(ctx, change.daily_goal_xp)
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
    if change.daily_goal_xp is not None:
        _keep_goal(session, ctx, user, change.daily_goal_xp)
    return ProfileChanged(user, moved)


def _check_goal(ctx: Context, goal: int | None) -> None:
    presets = ctx.settings.daily_goal_preset_list
    if goal is not None and goal not in presets:
        offered = ", ".join(map(str, presets))
        raise DailyGoalInvalid(f"A daily goal is one of {offered} XP.", presets=presets)


def _keep_goal(session: Session, ctx: Context, user: User, goal: int) -> None:
    """The goal from the learner's today on: a second change today replaces the first."""
    user.daily_goal_xp = goal
    row = {"user_id": user.id, "since_day": local_date(user, ctx.clock.now()), "goal_xp": goal}
    backend = session.get_bind().dialect.name
    table = cast(Table, DailyGoal.__table__)
    session.execute(
        upsert(
            backend, table, row, ["user_id", "since_day"], lambda new: {"goal_xp": new["goal_xp"]}
        )
    )


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
    if change.leagues is not None:
        user.leagues = change.leagues
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


def create_platform(session: Session, ctx: Context, name: str) -> Platform:
    name = _platform_name(name)
    if session.scalar(select(Platform.id).where(Platform.name == name)) is not None:
        raise PlatformTaken(f"A platform named '{name}' already exists.")
    platform = Platform(name=name, created_at=ctx.clock.now())
    try:
        with session.begin_nested():
            session.add(platform)
    except IntegrityError:
        raise PlatformTaken(f"A platform named '{name}' already exists.") from None
    return platform


def platform_named(session: Session, ctx: Context, name: str) -> Platform:
    """The platform of that name, made when there is none yet."""
    named = select(Platform).where(Platform.name == _platform_name(name))
    found = session.scalar(named)
    if found is not None:
        return found
    try:
        return create_platform(session, ctx, name)
    except PlatformTaken:  # made a moment ago by someone else
        return session.scalars(named).one()


def _platform_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise PlatformNameInvalid("A platform's name has 1 to 100 characters.")
    return name


def list_platforms(session: Session) -> list[Platform]:
    return list(session.scalars(select(Platform).order_by(Platform.id)))


def create_api_key(
    session: Session, ctx: Context, *, name: str, platform: str = DEFAULT_PLATFORM
) -> tuple[str, ApiKey]:
    """A new key for `platform` (made when missing); the secret is returned once."""
    secret = tokens.new_secret(tokens.API_KEY_PREFIX)
    row = ApiKey(
        platform_id=platform_named(session, ctx, platform).id,
        name=name,
        key_prefix=secret[:12],
        key_hash=tokens.digest(secret),
        created_at=ctx.clock.now(),
    )
    session.add(row)
    session.flush()
    return secret, row


@dataclass(frozen=True)
class ActiveKey:
    """A platform key that may be used now: which one, and for which platform."""

    id: int
    platform_id: int


# Every event a platform sends looks its key up: a plain row, not an ORM object.
_API_KEY = select(ApiKey.id, ApiKey.platform_id, ApiKey.revoked_at).where(
    ApiKey.key_hash == bindparam("key_hash")
)


def api_key_for(session: Session, secret: str) -> ActiveKey:
    row = session.execute(_API_KEY, {"key_hash": tokens.digest(secret)}).first()
    if row is None or row.revoked_at is not None:
        raise InvalidApiKey("The X-API-Key header holds no active platform key.")
    return ActiveKey(row.id, row.platform_id)


def list_api_keys(session: Session) -> list[tuple[ApiKey, str]]:
    """Every key with its platform's name."""
    rows = session.execute(
        select(ApiKey, Platform.name)
        .join(Platform, Platform.id == ApiKey.platform_id)
        .order_by(ApiKey.id)
    )
    return [(key, name) for key, name in rows]


def revoke_api_key(session: Session, ctx: Context, key_id: int) -> bool:
    result = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=ctx.clock.now())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
