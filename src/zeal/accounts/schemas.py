"""Request and response shapes for accounts."""

from datetime import datetime
from typing import Protocol

from pydantic import EmailStr, Field
from pydantic.config import JsonDict

from zeal.accounts.models import User
from zeal.accounts.service import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    AvatarChange,
    ProfileChange,
)
from zeal.accounts.usernames import MAX_LENGTH, MIN_LENGTH
from zeal.schemas import Flag, Schema


class AvatarRead(Schema):
    image: str
    character_color: str
    background_color: str


class AvatarUpdate(Schema):
    image: str | None = None
    character_color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    background_color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")


class AvatarImage(Schema):
    name: str
    alt: str


class AvatarCatalog(Schema):
    images: list[AvatarImage]
    character_colors: list[str]
    background_colors: list[str]


# What the service checks, declared so clients (and contract tests) know it; the service
# keeps refusing with its own codes (`username_invalid`, `password_too_weak`).
USERNAME_RULES: JsonDict = {"pattern": rf"^\s*[A-Za-z0-9_]{{{MIN_LENGTH},{MAX_LENGTH}}}\s*$"}
PASSWORD_RULES: JsonDict = {"minLength": MIN_PASSWORD_LENGTH, "maxLength": MAX_PASSWORD_LENGTH}


class UserCreate(Schema):
    email: EmailStr
    password: str = Field(max_length=1024, json_schema_extra=PASSWORD_RULES)
    display_name: str | None = Field(default=None, max_length=200)
    username: str | None = Field(default=None, max_length=100, json_schema_extra=USERNAME_RULES)
    timezone: str | None = Field(default=None, max_length=100, examples=["Europe/Copenhagen"])


class SocialSettings(Schema):
    discoverable: bool = Field(description="Whether other learners can find you by search.")
    accept_requests: bool = Field(description="Whether other learners can send you requests.")


class SocialUpdate(Schema):
    discoverable: Flag | None = None
    accept_requests: Flag | None = None


class PublicUser(Schema):
    """What any signed-in learner may see of another: never the e-mail address."""

    username: str
    display_name: str
    avatar: AvatarRead

    @classmethod
    def of(cls, user: "PublicLearner") -> "PublicUser":
        return cls(username=user.username, display_name=user.display_name, avatar=avatar_of(user))


class HasAvatar(Protocol):
    """A learner, or a row with a learner's avatar columns."""

    @property
    def avatar_image(self) -> str: ...
    @property
    def avatar_character_color(self) -> str: ...
    @property
    def avatar_background_color(self) -> str: ...


class PublicLearner(HasAvatar, Protocol):
    """A learner, or a row with what any learner may see of one."""

    @property
    def username(self) -> str: ...
    @property
    def display_name(self) -> str: ...


def avatar_of(user: HasAvatar) -> AvatarRead:
    return AvatarRead(
        image=user.avatar_image,
        character_color=user.avatar_character_color,
        background_color=user.avatar_background_color,
    )


class MeRead(Schema):
    """The learner's own account; `email` is shown to its owner only."""

    id: int
    username: str
    display_name: str
    email: str | None = Field(description="Null for a platform's learner who has none.")
    timezone: str
    avatar: AvatarRead
    social: SocialSettings
    daily_goal_xp: int | None = Field(
        description="The daily XP goal the learner chose; null: the platform's default "
        "(GET /v1/me/goal shows the goal in force)."
    )
    leagues: bool = Field(description="Placed in weekly leagues (false: opted out).")
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> "MeRead":
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            email=user.email,
            timezone=user.timezone,
            avatar=avatar_of(user),
            social=SocialSettings(
                discoverable=user.discoverable, accept_requests=user.accepts_friend_requests
            ),
            daily_goal_xp=user.daily_goal_xp,
            leagues=user.leagues,
            created_at=user.created_at,
        )


class MeUpdate(Schema):
    """Only the fields sent change; the avatar may be changed one part at a time."""

    display_name: str | None = Field(default=None, max_length=200)
    username: str | None = Field(default=None, max_length=100, json_schema_extra=USERNAME_RULES)
    timezone: str | None = Field(default=None, max_length=100)
    avatar: AvatarUpdate | None = None
    social: SocialUpdate | None = None
    daily_goal_xp: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="XP a day should reach: one of the platform's presets (GET /v1/me/goal).",
    )
    leagues: bool | None = Field(
        default=None,
        description="Take part in weekly leagues; false leaves this week's group at once.",
    )

    def changes(self) -> ProfileChange:
        """The command this request makes."""
        return ProfileChange(
            display_name=self.display_name,
            username=self.username,
            timezone=self.timezone,
            avatar=AvatarChange(**self.avatar.model_dump()) if self.avatar else None,
            discoverable=self.social.discoverable if self.social else None,
            accepts_friend_requests=self.social.accept_requests if self.social else None,
            daily_goal_xp=self.daily_goal_xp,
            leagues=self.leagues,
        )


class SessionCreate(Schema):
    login: str = Field(max_length=254, description="E-mail address or username.")
    password: str = Field(max_length=1024)
    device_token: str | None = Field(
        None,
        max_length=100,
        description="The `device_token` an earlier sign-in on this device returned.",
    )


class SessionRead(Schema):
    token: str
    token_type: str = "bearer"
    expires_at: datetime
    device_token: str = Field(
        description="Keep it on the device and send it with the next sign-in: this device "
        "stays known, so others' wrong passwords never lock it out."
    )
    user: MeRead
