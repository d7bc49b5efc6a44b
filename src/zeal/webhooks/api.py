"""A platform's webhooks (`X-API-Key`): register an endpoint, list, delete, read its log."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from zeal.deps import ContextDep, PlatformKey, SessionDep
from zeal.errors import CursorInvalid
from zeal.problems import refusals
from zeal.routing import Route
from zeal.schemas import CursorQuery, IdPath, answer, decode_cursor
from zeal.webhooks import service
from zeal.webhooks.schemas import (
    DeliveryPage,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookRead,
)

router = APIRouter(route_class=Route, prefix="/v1/platform/webhooks", tags=["webhooks"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    responses=refusals(409),
)
def create_webhook(
    body: WebhookCreate, key: PlatformKey, session: SessionDep, ctx: ContextDep
) -> Response:
    """Register an endpoint for the platform's learners' events. Every delivery is a POST
    signed as Standard Webhooks specifies (`webhook-id`, `webhook-timestamp`,
    `webhook-signature`) with the secret answered here, once. Deliveries are retried with
    growing waits (6 attempts over about an hour) until a 2xx; `410 Gone` disables the
    endpoint."""
    endpoint = service.register(
        session,
        ctx.clock.now(),
        key.platform_id,
        body.url,
        body.events,
        allow_private=ctx.settings.webhook_allow_private,
    )
    return answer(WebhookCreated.made(endpoint), status.HTTP_201_CREATED)


@router.get("", response_model=WebhookList)
def list_webhooks(key: PlatformKey, session: SessionDep) -> Response:
    """The platform's endpoints (without their secrets)."""
    endpoints = service.endpoints(session, key.platform_id)
    return answer(WebhookList(webhooks=[WebhookRead.of(e) for e in endpoints]))


@router.get("/{webhook_id}", response_model=WebhookRead, responses=refusals(404))
def get_webhook(webhook_id: IdPath, key: PlatformKey, session: SessionDep) -> Response:
    return answer(WebhookRead.of(service.endpoint(session, key.platform_id, webhook_id)))


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, responses=refusals(404))
def delete_webhook(webhook_id: IdPath, key: PlatformKey, session: SessionDep) -> Response:
    """Stop sending to the endpoint and forget its deliveries."""
    service.remove(session, key.platform_id, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPage, responses=refusals(404))
def list_deliveries(
    webhook_id: IdPath,
    key: PlatformKey,
    session: SessionDep,
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """The endpoint's deliveries, newest first: each event, its attempts, the last status
    and when the next attempt is due."""
    before = _delivery_id(decode_cursor(cursor))
    rows = service.deliveries(session, key.platform_id, webhook_id, limit=limit + 1, before=before)
    return answer(DeliveryPage.of(rows, limit))


def _delivery_id(position: str | None) -> int | None:
    if position is None:
        return None
    if not position.isdigit():
        raise CursorInvalid("This cursor is not one Zeal gave out: start from the first page.")
    return int(position)
