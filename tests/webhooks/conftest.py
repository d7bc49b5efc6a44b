"""A platform with a key, an app that lets webhooks reach 127.0.0.1, and a courier."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import make_settings
from zeal.accounts import service as accounts_service
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.config import Settings
from zeal.context import Context
from zeal.db import Database
from zeal.webhooks.courier import Courier
from zeal.webhooks.models import WebhookDelivery

Headers = dict[str, str]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The tests' endpoints listen on 127.0.0.1, which only this setting lets through."""
    return make_settings(database_url, webhook_allow_private=True, webhook_timeout_seconds=5)


@pytest.fixture
def client(db: Database, settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock)) as test_client:
        yield test_client


@pytest.fixture
def key(db: Database, ctx: Context) -> Headers:
    with db.transaction() as session:
        secret, _ = accounts_service.create_api_key(
            session, ctx, name="server", platform="Lingo Land"
        )
    return {"X-API-Key": secret}


@pytest.fixture
def courier(db: Database, ctx: Context) -> Iterator[Courier]:
    running = Courier(db, ctx)
    yield running
    running.close()


def register(client: TestClient, key: Headers, url: str, events: list[str]) -> dict[str, Any]:
    made = client.post("/v1/platform/webhooks", headers=key, json={"url": url, "events": events})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def put_learner(client: TestClient, key: Headers, external_id: str, **fields: Any) -> Any:
    answer = client.put(f"/v1/platform/learners/{external_id}", headers=key, json=fields)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def practise(client: TestClient, key: Headers, external_id: str, **event: Any) -> Any:
    body = {"type": "exercise", "language": "es", "outcome": "correct", **event}
    answer = client.post(
        f"/v1/platform/learners/{external_id}/practice-events", headers=key, json=body
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def deliveries(db: Database) -> list[WebhookDelivery]:
    with db.transaction(write=False) as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def events_of(bodies: list[bytes]) -> list[dict[str, Any]]:
    return [json.loads(body) for body in bodies]
