"""Counter stores: simultaneous hits are neither lost nor doubled; a dead Redis blocks no one."""

import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from tests.factories import auth, sign_up
from tests.limits.test_limits import REDIS_URL
from tests.threads import at_once
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.db import Database
from zeal.limits.counters import Counters, counters_for, window_start

WINDOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["database", "redis"])
def counters(request: pytest.FixtureRequest, db: Database, database_url: str) -> Iterator[Counters]:
    prefix = f"zeal-test-{uuid.uuid4().hex}:"
    extra = {"redis_url": REDIS_URL, "redis_prefix": prefix} if request.param == "redis" else {}
    yield counters_for(db, make_settings(database_url, **extra))
    if request.param == "redis":
        store = redis.Redis.from_url(REDIS_URL)
        for name in store.scan_iter(f"{prefix}*"):
            store.delete(name)


@pytest.mark.parametrize("learner", range(1, 6))  # a race for a new window: several rounds
def test_simultaneous_hits_are_all_counted_once(
    counters: Counters, db: Database, learner: int
) -> None:
    key = f"search:user:{learner}"
    results = at_once([lambda: counters.hit(None, key, WINDOW, 60)] * 8)
    assert sorted(results) == list(range(1, 9))
    with db.transaction(write=False) as session:
        assert counters.count(session, key, WINDOW) == 8


def test_a_new_window_starts_from_zero_and_keys_are_separate(
    counters: Counters, db: Database
) -> None:
    counters.hit(None, "search:user:1", WINDOW, 60)
    counters.hit(None, "search:user:1", WINDOW, 60)
    later = window_start(datetime(2026, 3, 10, 12, 1, 30, tzinfo=UTC), 60)
    assert later == datetime(2026, 3, 10, 12, 1, tzinfo=UTC)
    assert counters.hit(None, "search:user:1", later, 60) == 1
    assert counters.hit(None, "search:user:2", later, 60) == 1


def test_an_unreachable_redis_lets_learners_through(
    db: Database, database_url: str, clock: FixedClock, free_tcp_port: int
) -> None:
    redis_url = f"redis://127.0.0.1:{free_tcp_port}/0"
    settings = make_settings(database_url, redis_url=redis_url, searches_per_minute=1)
    with TestClient(create_app(settings, clock)) as client:
        sign_up(client, username="anna")
        headers = auth(client, "anna")
        for _ in range(3):
            assert client.get("/v1/users?q=an", headers=headers).status_code == 200


@pytest.fixture
def free_tcp_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
