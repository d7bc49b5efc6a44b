"""The delivery log keeps settled deliveries for `ZEAL_WEBHOOK_LOG_DAYS`, then forgets them."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.webhooks.conftest import Headers, deliveries, put_learner, register
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.webhooks import delivery
from zeal.webhooks.models import WebhookDelivery
from zeal.worker import Worker


@pytest.fixture
def worker(db: Database, ctx: Context) -> Iterator[Worker]:
    running = Worker(db, ctx)
    yield running
    running.courier.close()


def logged(
    db: Database, clock: FixedClock, webhook_id: int, learner_id: int, rows: list[tuple[str, int]]
) -> None:
    """Deliveries in these states, made these many days ago."""
    with db.transaction() as session:
        for n, (state, days_ago) in enumerate(rows):
            made = clock.now() - timedelta(days=days_ago)
            session.add(
                WebhookDelivery(
                    webhook_id=webhook_id, learner_id=learner_id, message_id=f"msg_{n}",
                    event_type="streak.extended", data="{}", body="{}", state=state,
                    attempts=1, created_at=made, last_attempt_at=made,
                )
            )  # fmt: skip


def an_endpoint(client: TestClient, key: Headers) -> tuple[int, int]:
    made = register(client, key, "http://127.0.0.1:9/hook", ["streak.extended"])
    return made["id"], put_learner(client, key, "u1")["id"]


def test_settled_deliveries_are_forgotten_after_thirty_days_and_pending_ones_never(
    client: TestClient, key: Headers, db: Database, clock: FixedClock, worker: Worker
) -> None:
    webhook_id, learner_id = an_endpoint(client, key)
    logged(db, clock, webhook_id, learner_id, [
        ("delivered", 31), ("failed", 31), ("abandoned", 31),  # forgotten
        ("pending", 31),  # still to be tried
        ("delivered", 29), ("failed", 29),  # within the log's days
    ])  # fmt: skip
    assert worker.prune_log() == 3
    assert [(row.message_id, row.state) for row in deliveries(db)] == [
        ("msg_3", "pending"), ("msg_4", "delivered"), ("msg_5", "failed"),
    ]  # fmt: skip
    log = client.get(f"/v1/platform/webhooks/{webhook_id}/deliveries", headers=key).json()
    assert sorted(entry["message_id"] for entry in log["deliveries"]) == ["msg_3", "msg_4", "msg_5"]
    clock.advance(timedelta(days=2))
    assert worker.prune_log() == 2  # the two settled ones have aged out too
    assert [row.message_id for row in deliveries(db)] == ["msg_3"]
    assert worker.prune_log() == 0


def test_the_days_are_a_setting_and_a_long_log_goes_a_slice_at_a_time(
    client: TestClient,
    key: Headers,
    db: Database,
    ctx: Context,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    webhook_id, learner_id = an_endpoint(client, key)
    logged(db, clock, webhook_id, learner_id, [("delivered", 8)] * 5 + [("delivered", 6)])
    monkeypatch.setattr(delivery, "PRUNE_AT_ONCE", 2)
    week = Context(ctx.settings.model_copy(update={"webhook_log_days": 7}), clock)
    pruner = Worker(db, week)
    try:
        assert pruner.prune_log() == 5  # in three transactions of at most two
    finally:
        pruner.courier.close()
    assert [row.message_id for row in deliveries(db)] == ["msg_5"]
