"""Friends benchmark: 10,000 learners with ~100 friends each and 30 days of practice.

Bulk-loads the world (COPY on PostgreSQL, executemany on SQLite), starts `zeal serve`, and
measures GET /v1/me/friends and GET /v1/users?q= (search) from concurrent clients.

    python -m bench.friends [--learners 10000] [--friends 100] [--seconds 10]
                            [--backends sqlite,postgresql]
"""

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
from argon2 import PasswordHasher
from sqlalchemy import insert

from bench.common import fresh_database, server, summary
from bench.ingest import hammer
from bench.leaderboards import rebuild_totals
from zeal.accounts import avatars, usernames
from zeal.accounts.models import User
from zeal.db import Database
from zeal.friends.models import Friendship, pair_key
from zeal.practice.models import PracticeDay, UserLanguage

PASSWORD = "bench-password"
HISTORY_DAYS = 30


def learners(n: int, rng: random.Random) -> list[dict[str, Any]]:
    hashed = PasswordHasher().hash(PASSWORD)
    now = datetime.now(UTC)
    names: set[str] = set()
    while len(names) < n:
        names.add(usernames.generate_username(rng))
    rows = []
    for i, name in enumerate(sorted(names, key=lambda _: rng.random()), start=1):
        image, character, background = avatars.random_avatar(rng, usernames.noun_of(name))
        display = name.split("_")[0].title() + " " + usernames.noun_of(name).title()
        rows.append(
            {
                "id": i, "email": f"{name}@example.com", "password_hash": hashed,
                "username": name, "username_key": name, "display_name": display,
                "display_name_key": display.lower(), "timezone": "UTC",
                "avatar_image": image, "avatar_character_color": character,
                "avatar_background_color": background, "created_at": now,
                "discoverable": True, "accepts_friend_requests": True,
            }
        )  # fmt: skip
    return rows


def friendships(n: int, per_learner: int, today: date) -> list[dict[str, Any]]:
    """A ring where each learner befriends the next per_learner/2: ~per_learner friends each."""
    created = datetime.now(UTC) - timedelta(days=HISTORY_DAYS + 1)
    rows = []
    for low in range(1, n + 1):
        for step in range(1, per_learner // 2 + 1):
            high = (low - 1 + step) % n + 1
            a, b = sorted((low, high))
            rows.append(
                {
                    "user_low_id": a, "user_high_id": b, "active_pair": pair_key(a, b),
                    "created_at": created, "first_day": today - timedelta(days=HISTORY_DAYS),
                    "friend_streak": step % 9, "streak_last_day": today - timedelta(days=1),
                    "max_friend_streak": 9, "max_friend_streak_date": today - timedelta(days=3),
                }
            )  # fmt: skip
    return rows


def practice(n: int, today: date, rng: random.Random) -> tuple[list[dict], list[dict]]:
    days, languages = [], []
    for user_id in range(1, n + 1):
        language = rng.choice(("es", "fr", "de", "it"))
        practised = [today - timedelta(days=d) for d in range(HISTORY_DAYS) if rng.random() < 0.8]
        for day in practised:
            days.append(
                {
                    "user_id": user_id, "language": language, "day": day,
                    "counts_for_streak": True, "events": 3, "exercises_done": 2,
                    "exercises_correct": 1, "exercise_seconds": 120, "reading_seconds": 60,
                    "listening_seconds": 0, "words_translated": 1, "words_learned": 0,
                    "audio_lessons_completed": 0, "articles_read": 0,
                }
            )  # fmt: skip
        last = max(practised, default=None)
        languages.append(
            {
                "user_id": user_id, "language": language, "daily_streak": 1 if last else 0,
                "last_practice_date": last, "max_streak": 5, "max_streak_date": last,
                "started_at": datetime.now(UTC),
            }
        )  # fmt: skip
    return days, languages


def load(url: str, n: int, per_learner: int) -> list[str]:
    rng = random.Random(7)
    today = datetime.now(UTC).date()
    database = Database(url)
    people = learners(n, rng)
    days, languages = practice(n, today, rng)
    tables = [
        (User, people),
        (Friendship, friendships(n, per_learner, today)),
        (UserLanguage, languages),
        (PracticeDay, days),
    ]
    with database.transaction() as session:
        for model, rows in tables:
            for start in range(0, len(rows), 20_000):
                session.execute(insert(model), rows[start : start + 20_000])
    rebuild_totals(database)
    database.dispose()
    return [row["username"] for row in people]


def run_backend(backend: str, args: argparse.Namespace) -> list[str]:
    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database(backend, Path(workdir))
        started = time.perf_counter()
        names = load(url, args.learners, args.friends)
        loaded = time.perf_counter() - started
        rng = random.Random(11)
        with server(url) as base:
            tokens = [
                httpx2.post(
                    f"{base}/v1/sessions", json={"login": name, "password": PASSWORD}
                ).json()["token"]
                for name in rng.sample(names, 16)
            ]
            prefixes = [name[: rng.randint(2, 6)] for name in rng.sample(names, 200)]

            async def friends_list(http: httpx2.AsyncClient, r: random.Random) -> Any:
                token = r.choice(tokens)
                return await http.get(
                    "/v1/me/friends", headers={"Authorization": f"Bearer {token}"}
                )

            async def search(http: httpx2.AsyncClient, r: random.Random) -> Any:
                token = r.choice(tokens)
                return await http.get(
                    "/v1/users",
                    params={"q": r.choice(prefixes)},
                    headers={"Authorization": f"Bearer {token}"},
                )

            sample = httpx2.get(
                f"{base}/v1/me/friends", headers={"Authorization": f"Bearer {tokens[0]}"}
            ).json()["friends"]
            listed = asyncio.run(
                hammer(friends_list, base, clients=args.clients, seconds=args.seconds, ok=200)
            )
            searched = asyncio.run(
                hammer(search, base, clients=args.clients, seconds=args.seconds, ok=200)
            )
    return [
        f"{backend}: loaded {args.learners} learners, ~{args.friends} friends each, "
        f"{HISTORY_DAYS} days of practice in {loaded:.1f} s; a list holds {len(sample)} friends",
        summary(f"{backend}: GET /v1/me/friends", listed[0], listed[2], listed[1]),
        summary(f"{backend}: GET /v1/users?q= (search)", searched[0], searched[2], searched[1]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--friends", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"friends benchmark: {args.clients} concurrent clients, one server process")
    for backend in args.backends.split(","):
        for line in run_backend(backend.strip(), args):
            print(line, flush=True)


if __name__ == "__main__":
    main()
