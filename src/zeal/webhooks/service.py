"""A platform's webhook endpoints: registered, listed, deleted, and their deliveries' log."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from zeal.webhooks import addresses
from zeal.webhooks.errors import TooManyWebhooks, WebhookNotFound
from zeal.webhooks.models import Webhook, WebhookDelivery, WebhookEventType
from zeal.webhooks.signing import new_secret

MAX_WEBHOOKS_PER_PLATFORM = 10


@dataclass(frozen=True)
class Endpoint:
    webhook: Webhook
    events: list[str]


def register(
    session: Session,
    now: datetime,
    platform_id: int,
    url: str,
    events: Sequence[str],
    *,
    allow_private: bool,
) -> Endpoint:
    """A new endpoint hearing `events`, with a new secret; its URL is checked first."""
    addresses.resolve(url, allow_private=allow_private)
    count = session.scalar(
        select(func.count()).select_from(Webhook).where(Webhook.platform_id == platform_id)
    )
    if (count or 0) >= MAX_WEBHOOKS_PER_PLATFORM:
        raise TooManyWebhooks(
            f"A platform has at most {MAX_WEBHOOKS_PER_PLATFORM} webhooks; delete one first."
        )
    webhook = Webhook(platform_id=platform_id, url=url, secret=new_secret(), created_at=now)
    session.add(webhook)
    session.flush()
    kinds = sorted({str(kind) for kind in events})
    session.add_all(WebhookEventType(webhook_id=webhook.id, event_type=kind) for kind in kinds)
    session.flush()
    return Endpoint(webhook, kinds)


def endpoints(session: Session, platform_id: int) -> list[Endpoint]:
    webhooks = session.scalars(
        select(Webhook).where(Webhook.platform_id == platform_id).order_by(Webhook.id)
    ).all()
    heard = _events_of(session, [w.id for w in webhooks])
    return [Endpoint(w, heard.get(w.id, [])) for w in webhooks]


def endpoint(session: Session, platform_id: int, webhook_id: int) -> Endpoint:
    """The platform's endpoint; another platform's does not exist here."""
    webhook = session.get(Webhook, webhook_id)
    if webhook is None or webhook.platform_id != platform_id:
        raise WebhookNotFound(f"This platform has no webhook {webhook_id}.")
    return Endpoint(webhook, _events_of(session, [webhook_id]).get(webhook_id, []))


def remove(session: Session, platform_id: int, webhook_id: int) -> None:
    """Delete the endpoint, with its deliveries (sent or not)."""
    endpoint(session, platform_id, webhook_id)
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id))
    session.execute(delete(WebhookEventType).where(WebhookEventType.webhook_id == webhook_id))
    session.execute(delete(Webhook).where(Webhook.id == webhook_id))


def deliveries(
    session: Session, platform_id: int, webhook_id: int, *, limit: int, before: int | None
) -> list[WebhookDelivery]:
    """The endpoint's deliveries, newest first; `before` a delivery id continues a page."""
    endpoint(session, platform_id, webhook_id)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if before is not None:
        query = query.where(WebhookDelivery.id < before)
    return list(session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)))


def _events_of(session: Session, webhook_ids: list[int]) -> dict[int, list[str]]:
    heard: dict[int, list[str]] = {}
    if not webhook_ids:
        return heard
    rows = session.execute(
        select(WebhookEventType.webhook_id, WebhookEventType.event_type)
        .where(WebhookEventType.webhook_id.in_(webhook_ids))
        .order_by(WebhookEventType.event_type)
    )
    for webhook_id, kind in rows:
        heard.setdefault(webhook_id, []).append(kind)
    return heard
