"""Badges benchmark: what badge evaluation adds to each practice event, and reading badges.

In one run on one fresh database per backend: practice events/s with the default catalog, then
with the catalog emptied (no metric to evaluate), then GET /v1/me/badges for a learner who holds
every badge.

    python -m bench.badges [--seconds 8] [--clients 16] [--backends sqlite,postgresql]
"""

import argparse
import asyncio
import random
import tempfile
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import delete

from bench.common import fresh_database, server, summary
from bench.ingest import build_world, hammer, practice_event
from zeal.accounts import service as accounts_service
from zeal.badges import service as badges_service
from zeal.badges.catalog import known_metrics
from zeal.badges.models import Badge, Metric, UserBadge, UserMetric
from zeal.config import Settings
from zeal.context import Context
from zeal.db import Database


def holder_of_every_badge(url: str) -> str:
    settings = Settings(
        database_url=url, password_time_cost=1, password_memory_kib=8, password_parallelism=1
    )
    ctx = Context(settings)
    database = Database(url)
    with database.transaction() as session:
        user = accounts_service.create_user(
            session, ctx, email="all@example.com", password="bench-password", username="all_badges"
        )
        badges_service.apply_changes(
            session,
            ctx,
            user.id,
            {code: badges_service.Change(set_to=100_000) for code in known_metrics()},
        )
    database.dispose()
    return "all_badges"


def empty_catalog(url: str) -> None:
    database = Database(url)
    with database.transaction() as session:
        for model in (UserBadge, UserMetric, Badge, Metric):
            session.execute(delete(model))
    database.dispose()


def run_backend(backend: str, args: argparse.Namespace) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database(backend, Path(workdir))
        secret, ids = build_world(url, 200)
        holder = holder_of_every_badge(url)
        headers = {"X-API-Key": secret}

        async def post_event(http: httpx2.AsyncClient, rng: random.Random) -> Any:
            return await http.post(
                f"/v1/users/{rng.choice(ids)}/practice-events",
                json=practice_event(rng),
                headers=headers,
            )

        with server(url) as base:
            token = httpx2.post(
                f"{base}/v1/sessions", json={"login": holder, "password": "bench-password"}
            ).json()["token"]

            async def read_badges(http: httpx2.AsyncClient, _: random.Random) -> Any:
                return await http.get("/v1/me/badges", headers={"Authorization": f"Bearer {token}"})

            run = {"clients": args.clients, "seconds": args.seconds}
            with_catalog = asyncio.run(hammer(post_event, base, ok=201, **run))
            reads = asyncio.run(hammer(read_badges, base, ok=200, **run))
            empty_catalog(url)
            without = asyncio.run(hammer(post_event, base, ok=201, **run))
        rate_with = len(with_catalog[0]) / with_catalog[2]
        rate_without = len(without[0]) / without[2]
        lines += [
            summary(f"{backend}: events, default catalog", with_catalog[0], with_catalog[2]),
            summary(f"{backend}: events, empty catalog", without[0], without[2]),
            f"{backend}: badge evaluation costs {100 * (1 - rate_with / rate_without):.0f}% "
            "of event throughput",
            summary(f"{backend}: GET /v1/me/badges (all 38)", reads[0], reads[2], reads[1]),
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"badges benchmark: {args.clients} concurrent clients, one server process")
    for backend in args.backends.split(","):
        for line in run_backend(backend.strip(), args):
            print(line, flush=True)


if __name__ == "__main__":
    main()
