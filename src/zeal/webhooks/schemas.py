"""Request and response shapes of a platform's webhook routes."""

import json
from datetime import datetime
from typing import Literal

from pydantic import Field

from zeal.schemas import Schema, encode_cursor
from zeal.webhooks.addresses import MAX_URL_LENGTH
from zeal.webhooks.models import WebhookDelivery
from zeal.webhooks.outbox import EventType
from zeal.webhooks.service import Endpoint


class WebhookCreate(Schema):
    url: str = Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        description="Where deliveries are POSTed: an http(s) URL that resolves to public "
        "addresses.",
        examples=["https://platform.example.com/hooks/zeal"],
    )
    events: list[EventType] = Field(
        min_length=1, max_length=20, description="The event types this endpoint hears."
    )


class WebhookRead(Schema):
    id: int
    url: str
    events: list[str]
    created_at: datetime
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None

    @classmethod
    def of(cls, endpoint: Endpoint) -> "WebhookRead":
        webhook = endpoint.webhook
        return cls(
            id=webhook.id,
            url=webhook.url,
            events=endpoint.events,
            created_at=webhook.created_at,
            enabled=webhook.disabled_at is None,
            disabled_at=webhook.disabled_at,
            disabled_reason=webhook.disabled_reason,
        )


class WebhookCreated(WebhookRead):
    secret: str = Field(
        description="Signs every delivery (Standard Webhooks, `whsec_...`). Shown only now: "
        "keep it where the endpoint can verify with it."
    )

    @classmethod
    def made(cls, endpoint: Endpoint) -> "WebhookCreated":
        read = WebhookRead.of(endpoint)
        return cls(**read.model_dump(), secret=endpoint.webhook.secret)


class WebhookList(Schema):
    webhooks: list[WebhookRead]


class DeliveryRead(Schema):
    id: int
    message_id: str = Field(description="The `webhook-id` header: the same on every attempt.")
    event_type: str
    created_at: datetime
    state: Literal["pending", "delivered", "failed", "abandoned"]
    attempts: int
    last_attempt_at: datetime | None
    last_status: int | None = Field(description="The endpoint's HTTP status, last attempt.")
    last_error: str | None = Field(description="What went wrong before any status came back.")
    next_attempt_at: datetime | None
    payload: dict[str, object] | None = Field(
        description="The body as sent (null until the first attempt)."
    )

    @classmethod
    def of(cls, row: WebhookDelivery) -> "DeliveryRead":
        return cls(
            id=row.id,
            message_id=row.message_id,
            event_type=row.event_type,
            created_at=row.created_at,
            state=row.state,
            attempts=row.attempts,
            last_attempt_at=row.last_attempt_at,
            last_status=row.last_status,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at,
            payload=json.loads(row.body) if row.body else None,
        )


class DeliveryPage(Schema):
    deliveries: list[DeliveryRead]
    next_cursor: str | None

    @classmethod
    def of(cls, rows: list[WebhookDelivery], limit: int) -> "DeliveryPage":
        more = len(rows) > limit
        shown = rows[:limit]
        cursor = encode_cursor(str(shown[-1].id)) if more and shown else None
        return cls(deliveries=[DeliveryRead.of(r) for r in shown], next_cursor=cursor)
