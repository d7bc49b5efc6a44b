"""Request and response shapes of the platform's routes."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import EmailStr, Field

from zeal.accounts.models import User
from zeal.accounts.platform_learners import MAX_EXTERNAL_ID, LearnerFields
from zeal.accounts.schemas import USERNAME_RULES, AvatarRead, AvatarUpdate, avatar_of
from zeal.accounts.service import AvatarChange
from zeal.platform.batch import MAX_BATCH, ItemResult
from zeal.platform.service import MAX_TOKEN_LIFETIME, TOKEN_LIFETIME
from zeal.practice.schemas import PracticeEventCreate
from zeal.schemas import Schema

ExternalIdPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_EXTERNAL_ID,
        description="The platform's own id for the learner (one path segment, no '/').",
        examples=["user-8812"],
    ),
]


class PlatformLearnerPut(Schema):
    """What the platform knows of its learner; a field left out keeps its value (on a new
    learner: a made-up username and avatar, UTC, no e-mail)."""

    display_name: str | None = Field(default=None, max_length=200)
    username: str | None = Field(default=None, max_length=100, json_schema_extra=USERNAME_RULES)
    timezone: str | None = Field(default=None, max_length=100, examples=["Europe/Copenhagen"])
    email: EmailStr | None = None
    avatar: AvatarUpdate | None = None

    def fields(self) -> LearnerFields:
        return LearnerFields(
            display_name=self.display_name,
            username=self.username,
            timezone=self.timezone,
            email=self.email,
            avatar=AvatarChange(**self.avatar.model_dump()) if self.avatar else None,
        )


class PlatformLearnerRead(Schema):
    external_id: str
    id: int = Field(description="Zeal's id, as in /v1/users/{user_id}/practice-events.")
    username: str
    display_name: str
    email: str | None
    timezone: str
    avatar: AvatarRead
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> "PlatformLearnerRead":
        assert user.external_id is not None
        return cls(
            external_id=user.external_id,
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            email=user.email,
            timezone=user.timezone,
            avatar=avatar_of(user),
            created_at=user.created_at,
        )


class LearnerTokenCreate(Schema):
    ttl_seconds: int = Field(
        default=int(TOKEN_LIFETIME.total_seconds()),
        ge=60,
        le=int(MAX_TOKEN_LIFETIME.total_seconds()),
        description="How long the session lasts: 1 hour unless given, at most 24 hours.",
    )


class LearnerToken(Schema):
    token: str = Field(
        description="A learner session (`Authorization: Bearer`), for every learner route and "
        "for the pages (`/sign-in/token?token=`); never for platform routes."
    )
    expires_at: datetime


class PracticeBatchItem(PracticeEventCreate):
    external_id: str = Field(min_length=1, max_length=MAX_EXTERNAL_ID)


class PracticeBatch(Schema):
    events: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Up to 1,000 items, each a practice event as `POST /v1/platform/learners/"
        "{external_id}/practice-events` takes it plus the learner's `external_id`. Each item "
        "is checked on its own: a bad one is refused in its result, the others are recorded.",
    )


class BatchItemResult(Schema):
    status: int = Field(description="201 recorded, 200 replayed (key seen before), else 4xx.")
    event_id: int | None = None
    code: str | None = Field(default=None, description="Why it was refused, as a problem's.")
    detail: str | None = None
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="For 422 validation_error: what was wrong with the item."
    )

    @classmethod
    def of(cls, result: ItemResult) -> "BatchItemResult":
        return cls(
            status=result.status,
            event_id=result.event_id,
            code=result.code,
            detail=result.detail,
            errors=result.errors or None,
        )


class BatchResults(Schema):
    recorded: int
    replayed: int
    refused: int
    results: list[BatchItemResult] = Field(description="One per item, in the order sent.")

    @classmethod
    def of(cls, results: list[ItemResult]) -> "BatchResults":
        statuses = [result.status for result in results]
        return cls(
            recorded=statuses.count(201),
            replayed=statuses.count(200),
            refused=sum(1 for status in statuses if status >= 400),
            results=[BatchItemResult.of(result) for result in results],
        )
