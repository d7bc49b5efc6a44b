"""Delivering the outbox: claim what is due, send it signed, record what the endpoint said.

A claim takes an endpoint's due deliveries (`FOR UPDATE SKIP LOCKED` on PostgreSQL and
MariaDB, so two workers never take the same ones) and leases them: their next attempt moves
past the time sending them can take. A worker that dies mid-delivery leaves them due again
when the lease ends, so a committed event is delivered even then (at least once; the
`webhook-id` lets the endpoint drop a repeat). A 2xx ends a delivery, `410 Gone` disables the
endpoint, anything else is tried again after `BACKOFF`, then given up.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.db import among
from zeal.webhooks.models import Webhook, WebhookDelivery

# Waits after the 1st, 2nd, ... failed attempt: 6 attempts over about an hour.
BACKOFF = (
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=40),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
_ERROR_LENGTH = 200

_DELIVERY = cast(Table, WebhookDelivery.__table__)
_WEBHOOK = cast(Table, Webhook.__table__)
_USER = cast(Table, User.__table__)


@dataclass(frozen=True)
class Parcel:
    """A claimed delivery, ready to send."""

    id: int
    webhook_id: int
    url: str
    secret: str
    message_id: str
    body: bytes
    attempts: int  # before this one


@dataclass(frozen=True)
class Outcome:
    """What one attempt met: an HTTP status, or an error before any."""

    status: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status == 410


def _due(now: datetime) -> list[Any]:
    return [
        _DELIVERY.c.state == "pending",
        _DELIVERY.c.next_attempt_at <= now,
    ]


def due_endpoints(session: Session, now: datetime, *, busy: set[int], limit: int) -> list[int]:
    """Endpoints with deliveries due, leaving out those still busy with earlier ones."""
    query = (
        select(_DELIVERY.c.webhook_id)
        .where(*_due(now))
        .group_by(_DELIVERY.c.webhook_id)
        .order_by(_DELIVERY.c.webhook_id)
        .limit(limit + len(busy))
    )
    return [w for w in session.scalars(query) if w not in busy][:limit]


def claim(
    session: Session, now: datetime, webhook_id: int, *, count: int, lease: timedelta
) -> list[Parcel]:
    """Lease up to `count` of the endpoint's due deliveries (oldest first)."""
    ids = list(
        session.scalars(
            select(_DELIVERY.c.id)
            .where(_DELIVERY.c.webhook_id == webhook_id, *_due(now))
            .order_by(_DELIVERY.c.next_attempt_at, _DELIVERY.c.id)
            .limit(count)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return []
    session.execute(
        update(_DELIVERY).where(_DELIVERY.c.id.in_(ids)).values(next_attempt_at=now + lease)
    )
    return _parcels(session, webhook_id, ids)


def _parcels(session: Session, webhook_id: int, ids: list[int]) -> list[Parcel]:
    """The leased deliveries, ready to send; the body of one never sent is made now (the
    event with the learner named as they are now) and kept, so retries send the same bytes."""
    rows = session.execute(
        select(
            _DELIVERY,
            _WEBHOOK.c.url,
            _WEBHOOK.c.secret,
            _WEBHOOK.c.disabled_at,
            _USER.c.username,
            _USER.c.external_id,
        )
        .join(_WEBHOOK, _WEBHOOK.c.id == _DELIVERY.c.webhook_id)
        .join(_USER, _USER.c.id == _DELIVERY.c.learner_id)
        .where(_DELIVERY.c.id.in_(ids), _WEBHOOK.c.disabled_at.is_(None))
        .order_by(_DELIVERY.c.next_attempt_at, _DELIVERY.c.id)
    ).all()
    made = [{"row_id": row.id, "new_body": _body(row)} for row in rows if row.body is None]
    if made:
        session.execute(
            update(_DELIVERY)
            .where(_DELIVERY.c.id == bindparam("row_id"))
            .values(body=bindparam("new_body")),
            made,
        )
    bodies = {m["row_id"]: m["new_body"] for m in made}
    return [
        Parcel(
            row.id,
            webhook_id,
            row.url,
            row.secret,
            row.message_id,
            (row.body or bodies[row.id]).encode(),
            row.attempts,
        )
        for row in rows
    ]


def _body(row: Any) -> str:
    """Standard Webhooks' shape: {type, timestamp, data}; the data name the learner by the
    platform's id and by username."""
    learner = {"external_id": row.external_id, "username": row.username}
    data = {"learner": learner, **json.loads(row.data)}
    timestamp = row.created_at.isoformat().replace("+00:00", "Z")
    event = {"type": row.event_type, "timestamp": timestamp, "data": data}
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


# Every outcome sets the same columns, so one executemany books a claim's outcomes.
_OUTCOME = ("attempts", "last_attempt_at", "last_status", "last_error", "state", "next_attempt_at")
_RECORD = (
    update(_DELIVERY)
    .where(_DELIVERY.c.id == bindparam("row_id"))
    .values({name: bindparam(f"new_{name}") for name in _OUTCOME})
)


def record(session: Session, now: datetime, sent: list[tuple[Parcel, Outcome]]) -> None:
    """Book each attempt's outcome on its delivery (and on its endpoint, when gone)."""
    if not sent:
        return
    params = [
        {"row_id": parcel.id, **_after(now, parcel.attempts + 1, outcome)}
        for parcel, outcome in sent
    ]
    session.execute(_RECORD, params)
    for parcel, outcome in sent:
        if outcome.gone:
            disable(session, now, parcel.webhook_id, "The endpoint answered 410 Gone.")


def _after(now: datetime, attempts: int, outcome: Outcome) -> dict[str, Any]:
    """The `_OUTCOME` columns after an attempt, as `_RECORD`'s parameters."""
    state, next_attempt = "pending", None
    if outcome.delivered:
        state = "delivered"
    elif outcome.gone:
        state = "abandoned"
    elif attempts >= MAX_ATTEMPTS:
        state = "failed"
    else:
        next_attempt = now + BACKOFF[attempts - 1]
    error = outcome.error[:_ERROR_LENGTH] if outcome.error else None
    values = (attempts, now, outcome.status, error, state, next_attempt)
    return {f"new_{name}": value for name, value in zip(_OUTCOME, values, strict=True)}


def disable(session: Session, now: datetime, webhook_id: int, reason: str) -> None:
    """Stop delivering to the endpoint: what is still pending is abandoned."""
    session.execute(
        update(_WEBHOOK)
        .where(_WEBHOOK.c.id == webhook_id, _WEBHOOK.c.disabled_at.is_(None))
        .values(disabled_at=now, disabled_reason=reason)
    )
    session.execute(
        update(_DELIVERY)
        .where(_DELIVERY.c.webhook_id == webhook_id, _DELIVERY.c.state == "pending")
        .values(state="abandoned", next_attempt_at=None)
    )


SETTLED = ("delivered", "failed", "abandoned")
PRUNE_AT_ONCE = 1_000


def prune_log(session: Session, now: datetime, days: int) -> int:
    """Forget up to `PRUNE_AT_ONCE` settled deliveries made more than `days` ago (the log
    would otherwise grow with every event forever); how many. Pending ones stay, however old:
    they are still to be tried. A plain read of ids, then a delete by them: MariaDB takes no
    LIMIT in a subquery."""
    ids = list(
        session.scalars(
            _OLD_SETTLED, {"before": now - timedelta(days=days), "limit": PRUNE_AT_ONCE}
        )
    )
    if ids:
        session.execute(delete(_DELIVERY).where(among(_DELIVERY.c.id, "ids")), {"ids": ids})
    return len(ids)


_OLD_SETTLED = (
    select(_DELIVERY.c.id)
    .where(_DELIVERY.c.state.in_(SETTLED), _DELIVERY.c.created_at < bindparam("before"))
    .limit(bindparam("limit"))
)


def lease_for(count: int, timeout_seconds: float) -> timedelta:
    """Long enough to send `count` deliveries one after another, each up to the timeout."""
    return timedelta(seconds=count * timeout_seconds + 5)
