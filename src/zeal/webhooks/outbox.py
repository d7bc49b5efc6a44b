"""Writing events for a platform's webhooks in the transaction of the change that caused them.

`emit` inserts one delivery per endpoint of the learner's platform that hears the event type,
in one INSERT .. SELECT: a rolled-back change emits nothing, a committed one is kept until
delivered. Learners who signed up on Zeal's own pages belong to no platform, and no webhook
hears about them.
"""

import hashlib
import json
import uuid
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Table, and_, bindparam, exists, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from zeal.accounts.models import User
from zeal.db import insert_new
from zeal.webhooks.models import Webhook, WebhookDelivery, WebhookEventType


class EventType(StrEnum):
    """The event types a webhook may hear: the one list, for the emitters and the API."""

    BADGE_AWARDED = "badge.awarded"  # the learner earned a badge
    STREAK_EXTENDED = "streak.extended"  # today began to count for a language's streak
    STREAK_AT_RISK = "streak.at_risk"  # a streak ends at local midnight without practice today
    STREAK_LOST = "streak.lost"  # a whole local day passed without practice
    STREAK_FROZEN = "streak.frozen"  # a streak freeze kept a day that passed without practice
    FRIEND_REQUEST_RECEIVED = "friend_request.received"  # another learner asked
    FRIENDSHIP_CREATED = "friendship.created"  # the learner and another became friends


_USER = cast(Table, User.__table__)
_WEBHOOK = cast(Table, Webhook.__table__)
_HEARS = cast(Table, WebhookEventType.__table__)
_DELIVERY = cast(Table, WebhookDelivery.__table__)


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def message_id_for(*parts: object) -> str:
    """The same id for the same event however often it is written (notices the scanner finds
    again): the unique (webhook, message) key lets only the first through."""
    return "msg_" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:32]


def emit(
    session: Session,
    now: datetime,
    *,
    learner_id: int,
    event_type: EventType,
    data: dict[str, Any],
    message_id: str | None = None,
) -> None:
    """Write the event for every enabled endpoint of the learner's platform that hears it."""
    params = _event(now, learner_id, event_type, data, message_id)
    session.execute(_emit(session.get_bind().dialect.name), params)


def emit_many(
    session: Session, now: datetime, events: list[tuple[int, EventType, dict[str, Any]]]
) -> None:
    """`emit` for many events (learner, type, data) at once: one executemany."""
    if events:
        rows = [_event(now, *event) for event in events]
        session.execute(_emit(session.get_bind().dialect.name), rows)


def _event(
    now: datetime,
    learner_id: int,
    event_type: EventType,
    data: dict[str, Any],
    message_id: str | None = None,
) -> dict[str, Any]:
    """An event's parameters for `_emit`."""
    return {
        "learner_id": learner_id,
        "event_type": event_type.value,
        "message_id": message_id or new_message_id(),
        "data": json.dumps(data, separators=(",", ":"), default=str),
        "now": now,
    }


_COLUMNS = ("webhook_id", "learner_id", "message_id", "event_type", "data", "created_at")
_STATE = ("state", "attempts", "next_attempt_at")


@cache
def _emit(backend: str) -> Insert:
    webhook, hears, user = _WEBHOOK.c, _HEARS.c, _USER.c
    rows = (
        select(
            webhook.id,
            bindparam("learner_id"),
            bindparam("message_id"),
            bindparam("event_type"),
            bindparam("data"),
            bindparam("now"),
            literal("pending"),
            literal(0),
            bindparam("now"),
        )
        .select_from(_USER)
        .join(_WEBHOOK, webhook.platform_id == user.platform_id)
        .join(
            _HEARS,
            and_(hears.webhook_id == webhook.id, hears.event_type == bindparam("event_type")),
        )
        .where(user.id == bindparam("learner_id"), webhook.disabled_at.is_(None))
    )
    return insert_new(backend, _DELIVERY, ([*_COLUMNS, *_STATE], rows))


def listened(platform_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether any enabled endpoint listens to the platform (the learner's): a hot path asks
    this inside a statement it runs anyway, and emits nothing (not even a statement) when
    not."""
    return exists().where(_WEBHOOK.c.platform_id == platform_id, _WEBHOOK.c.disabled_at.is_(None))
