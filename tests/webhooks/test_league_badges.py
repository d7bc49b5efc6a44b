"""A league week's close announces the badges it awards, like any other award."""

import json
from datetime import timedelta

from fastapi.testclient import TestClient

from tests.webhooks.conftest import Headers, deliveries, practise, put_learner, register
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.leagues.closing import close_weeks


def test_a_promotion_is_announced_to_the_platforms_webhook(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock, key: Headers
) -> None:
    put_learner(client, key, "u-1")
    put_learner(client, key, "u-2")
    practise(client, key, "u-1")
    practise(client, key, "u-2")
    register(client, key, "http://127.0.0.1:9/hook", ["badge.awarded"])
    clock.advance(timedelta(days=7))
    close_weeks(db, ctx)
    names = {(row.learner_id, json.loads(row.data)["badge"]["name"]) for row in deliveries(db)}
    assert {name for _, name in names} == {"Moving Up", "On the Podium"}
    assert len(names) == 4  # both learners, each badge once
    close_weeks(db, ctx)
    assert len(deliveries(db)) == 4  # a second run announces nothing again
