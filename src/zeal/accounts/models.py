"""Tables for learners, their session tokens, platforms and their API keys."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from zeal.db import Base, UTCDateTime


class Platform(Base):
    """A learning platform that plugs Zeal in: its API keys act for it, and the learners it
    created are known to it by its own ids."""

    __tablename__ = "platform"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(Base):
    """A learner's account. `username` keeps the case typed; `username_key` makes it unique
    case-insensitively on every backend (a lower-cased copy with a unique index). A learner a
    platform created has its `external_id` there, and may have no e-mail and no password."""

    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("platform_id", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platform.id"))
    external_id: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str] = mapped_column(String(30))
    username_key: Mapped[str] = mapped_column(String(30), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    # Lower-cased copy for case-insensitive prefix search.
    display_name_key: Mapped[str] = mapped_column(String(50), index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    avatar_image: Mapped[str] = mapped_column(String(30))
    avatar_character_color: Mapped[str] = mapped_column(String(7))
    avatar_background_color: Mapped[str] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Social settings: found by search, and open to friend requests.
    discoverable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    accepts_friend_requests: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    # The daily XP goal the learner chose (None: the platform's default); `daily_goal` keeps
    # the history, so every day is judged by the goal of its own.
    daily_goal_xp: Mapped[int | None] = mapped_column(Integer)
    # Placed in a weekly league when they earn XP (the learner may opt out).
    leagues: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    def set_username(self, username: str) -> None:
        self.username = username
        self.username_key = username.lower()

    def set_display_name(self, display_name: str) -> None:
        self.display_name = display_name
        self.display_name_key = display_name.lower()


class DailyGoal(Base):
    """From the learner's local day `since_day` on (until a later row), their goal was
    `goal_xp`. A change made today judges today; days before keep theirs."""

    __tablename__ = "daily_goal"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    since_day: Mapped[date] = mapped_column(Date, primary_key=True)
    goal_xp: Mapped[int] = mapped_column(Integer)


class SessionToken(Base):
    """A signed-in device. Only a SHA-256 of the bearer token is kept, so a leaked table
    cannot be replayed; revoking sets `revoked_at`."""

    __tablename__ = "session_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KnownDevice(Base):
    """A browser or app that signed in to the account with its password before. Wrong
    passwords from a known device count against that device alone, so a stranger's guessing
    never locks the learner out of the devices they use (see `zeal.limits`). Only a SHA-256
    of the device token is kept, as for sessions."""

    __tablename__ = "known_device"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiKey(Base):
    """A platform's server-to-server key (`X-API-Key`), stored hashed like session tokens."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    key_prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
