"""Fixed-window counters shared by every server process: rows in the database, or Redis keys.

A window is `window_seconds` long and starts at a multiple of it (UTC), so every process agrees
on it without talking to the others.
"""

import logging
from datetime import UTC, datetime
from typing import Protocol, cast

import redis
from sqlalchemy import Executable, Table, delete, select
from sqlalchemy.orm import Session

from zeal.config import Settings
from zeal.db import Database, upsert, writes
from zeal.limits.models import LimitCounter

log = logging.getLogger("zeal")


def window_start(now: datetime, window_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_seconds, UTC)


class Counters(Protocol):
    def count(self, session: Session, key: str, window: datetime) -> int:
        """How many hits `key` has had in the window starting at `window`."""

    def hit(self, session: Session | None, key: str, window: datetime, window_seconds: int) -> int:
        """Add one hit and return the new count (without a session: committed at once)."""


class DatabaseCounters:
    """Counters as `limit_counter` rows.

    A hit made while the request writes joins the request's transaction, so a request refused
    later leaves no count behind (and SQLite, one writer at a time, is not asked for a second
    write lock). A hit during a reading request, or after the request's transaction (a failed
    sign-in), is committed in a short transaction of its own.
    """

    def __init__(self, database: Database) -> None:
        self.database = database

    def count(self, session: Session, key: str, window: datetime) -> int:
        hits = session.scalar(
            select(LimitCounter.hits).where(
                LimitCounter.name == key, LimitCounter.window_start == window
            )
        )
        return hits or 0

    def hit(self, session: Session | None, key: str, window: datetime, window_seconds: int) -> int:
        if session is not None and writes(session):
            return _hit(session, key, window)
        with self.database.transaction(write=True) as own:
            return _hit(own, key, window)


def _hit(session: Session, key: str, window: datetime) -> int:
    # One atomic upsert: an UPDATE-then-INSERT would race when two processes open a window
    # together (on MariaDB the loser's retry even deadlocks on the duplicate key's lock).
    session.execute(_upsert(session.get_bind().dialect.name, key, window))
    row = (LimitCounter.name == key) & (LimitCounter.window_start == window)
    hits = session.scalar(select(LimitCounter.hits).where(row)) or 0
    if hits == 1:  # this hit opened the window: earlier ones are of no more use
        session.execute(
            delete(LimitCounter).where(LimitCounter.name == key, LimitCounter.window_start < window)
        )
    return hits


def _upsert(backend: str, key: str, window: datetime) -> Executable:
    values = {"name": key, "window_start": window, "hits": 1}
    table = cast(Table, LimitCounter.__table__)
    return upsert(
        backend, table, values, ["name", "window_start"], lambda _: {"hits": table.c.hits + 1}
    )


class RedisCounters:
    """Counters as Redis keys that expire with their window.

    If Redis cannot be reached, the limits let requests through (and say so in the log):
    learners keep practising while the guard is down, rather than everything failing with it.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix

    def _name(self, key: str, window: datetime) -> str:
        return f"{self.prefix}{key}:{int(window.timestamp())}"

    def count(self, session: Session, key: str, window: datetime) -> int:
        try:
            value = self.redis.get(self._name(key, window))
        except redis.RedisError as exc:
            log.warning("limit counters unavailable, not limiting: %s", exc)
            return 0
        return int(value) if value is not None else 0

    def hit(self, session: Session | None, key: str, window: datetime, window_seconds: int) -> int:
        name = self._name(key, window)
        pipe = self.redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window_seconds + 60)
        try:
            hits, _ = pipe.execute()
        except redis.RedisError as exc:
            log.warning("limit counters unavailable, not counting: %s", exc)
            return 0
        return int(hits)


def counters_for(database: Database, settings: Settings) -> Counters:
    if settings.redis_url:
        return RedisCounters(settings.redis_url, f"{settings.redis_prefix}limit:")
    return DatabaseCounters(database)
