"""Ingest benchmark: practice events per second from concurrent clients, against a real server.

For each backend (SQLite, PostgreSQL) it builds a fresh database, starts `zeal serve` in its own
process, posts practice events as a platform (X-API-Key) from concurrent clients for ~10 s,
then the same kind of events in batches of 100 and of 1,000
(`POST /v1/platform/practice-events/batch`, events/s and p50/p99 per batch, and the ratio to
the single events' rate), then measures GET /v1/health the same way, all in one run.

    python -m bench.ingest [--seconds 10] [--clients 16] [--learners 200]
                           [--backends sqlite,postgresql]
"""

import argparse
import asyncio
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2

from bench.common import fresh_database, server, summary
from zeal.accounts import service as accounts_service
from zeal.config import Settings
from zeal.context import Context
from zeal.db import Database

LANGUAGES = ("es", "fr", "de")


def build_world(url: str, learners: int) -> tuple[str, list[int]]:
    settings = Settings(
        database_url=url, password_time_cost=1, password_memory_kib=8, password_parallelism=1
    )
    ctx = Context(settings)
    database = Database(url)
    with database.transaction() as session:
        secret, key = accounts_service.create_api_key(session, ctx, name="bench")
        users = [
            accounts_service.create_user(
                session, ctx, email=f"bench{i}@example.com", password="bench-password"
            )
            for i in range(learners)
        ]
        session.flush()
        for user in users:  # known to the key's platform too, for the batches
            user.platform_id, user.external_id = key.platform_id, f"bench-{user.id}"
        ids = [user.id for user in users]
    database.dispose()
    return secret, ids


def practice_event(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(("exercise", "exercise", "reading", "listening", "word_translated"))
    event: dict[str, Any] = {
        "type": kind,
        "language": rng.choice(LANGUAGES),
        "idempotency_key": uuid.uuid4().hex,
    }
    if kind == "exercise":
        event["outcome"] = rng.choice(("correct", "correct", "wrong"))
    if kind in ("exercise", "reading", "listening"):
        event["duration_seconds"] = rng.randint(5, 300)
    return event


async def hammer(
    send: Callable[[httpx2.AsyncClient, random.Random], Any],
    base: str,
    *,
    clients: int,
    seconds: float,
    ok: int,
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        start = time.perf_counter()
        stop = start + seconds

        async def worker(seed: int) -> None:
            nonlocal errors
            rng = random.Random(seed)
            while time.perf_counter() < stop:
                sent = time.perf_counter()
                response = await send(http, rng)
                if response.status_code == ok:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - start
    return latencies, errors, elapsed


def run_backend(backend: str, args: argparse.Namespace) -> list[str]:
    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database(backend, Path(workdir))
        secret, ids = build_world(url, args.learners)
        headers = {"X-API-Key": secret}

        async def post_event(http: httpx2.AsyncClient, rng: random.Random) -> Any:
            user_id = rng.choice(ids)
            return await http.post(
                f"/v1/users/{user_id}/practice-events", json=practice_event(rng), headers=headers
            )

        async def get_health(http: httpx2.AsyncClient, _: random.Random) -> Any:
            return await http.get("/v1/health")

        with server(url, workers=args.workers) as base:
            events = asyncio.run(
                hammer(post_event, base, clients=args.clients, seconds=args.seconds, ok=201)
            )
            batches = [
                run_batches(base, headers, ids, size, args.seconds, clients)
                for size, clients in ((100, 4), (1_000, 2))
            ]
            health = asyncio.run(
                hammer(get_health, base, clients=args.clients, seconds=args.seconds / 2, ok=200)
            )
    single_rate = len(events[0]) / events[2]
    lines = [summary(f"{backend}: POST practice-events", events[0], events[2], events[1])]
    for size, (latencies, errors, elapsed) in zip((100, 1_000), batches, strict=True):
        rate = len(latencies) * size / elapsed
        lines.append(
            summary(f"{backend}: batches of {size:,}", latencies, elapsed, errors)
            + f"   {rate:.0f} events/s, {rate / single_rate:.1f}x single events"
        )
    lines.append(summary(f"{backend}: GET /v1/health", health[0], health[2], health[1]))
    return lines


def run_batches(
    base: str, headers: dict[str, str], ids: list[int], size: int, seconds: float, clients: int
) -> tuple[list[float], int, float]:
    """Batches of `size` events for random learners, fresh keys, from `clients` clients: the
    latencies are per batch (a batch counts when every item in it was recorded)."""

    async def post_batch(http: httpx2.AsyncClient, rng: random.Random) -> Any:
        # A catch-up: the last hour's events, so no learner passes the per-minute cap.
        now = datetime.now(UTC)
        items = [
            {
                **practice_event(rng),
                "external_id": f"bench-{rng.choice(ids)}",
                "occurred_at": (now - timedelta(seconds=rng.uniform(60, 3_600))).isoformat(),
            }
            for _ in range(size)
        ]
        response = await http.post(
            "/v1/platform/practice-events/batch", json={"events": items}, headers=headers
        )
        if response.status_code == 200 and response.json()["recorded"] != size:
            return httpx2.Response(500)  # counted as an error: not every item was recorded
        return response

    return asyncio.run(hammer(post_batch, base, clients=clients, seconds=seconds, ok=200))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    args = parser.parse_args()
    print(
        f"ingest benchmark: {args.clients} concurrent clients, {args.seconds:.0f} s of events, "
        f"{args.learners} learners, {args.workers} server process(es)"
    )
    for backend in args.backends.split(","):
        for line in run_backend(backend.strip(), args):
            print(line, flush=True)


if __name__ == "__main__":
    main()
