"""Leaderboards benchmark: a class of 1,000 learners and a friends board of 500, each learner with
a year of practice days; p50/p99 per metric and period, then again after doubling the history.

    python -m bench.leaderboards [--learners 1000] [--friends 500] [--requests 30]
                                 [--backends sqlite,postgresql]
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
from argon2 import PasswordHasher
from sqlalchemy import insert

from bench.common import fresh_database, percentile, server
from zeal.accounts import avatars
from zeal.accounts.models import User
from zeal.cohorts.models import Cohort, CohortMember, Role, active_key
from zeal.db import Database
from zeal.friends.models import Friendship, pair_key
from zeal.leaderboards.service import board_metrics
from zeal.practice import totals
from zeal.practice.models import PracticeDay, UserLanguage

PASSWORD = "bench-password"
PERIODS = ("week", "month", "all")


def _users(n: int, rng: random.Random) -> list[dict[str, Any]]:
    hashed = PasswordHasher().hash(PASSWORD)
    created = datetime.now(UTC) - timedelta(days=800)
    rows = []
    for i in range(1, n + 1):
        image, character, background = avatars.random_avatar(rng)
        name = f"learner{i:05d}"
        rows.append(
            {
                "id": i, "email": f"{name}@example.com", "password_hash": hashed,
                "username": name, "username_key": name, "display_name": f"Learner {i}",
                "display_name_key": f"learner {i}", "timezone": "UTC", "avatar_image": image,
                "avatar_character_color": character, "avatar_background_color": background,
                "created_at": created, "discoverable": True, "accepts_friend_requests": True,
            }
        )  # fmt: skip
    return rows


def _days(n: int, first: date, last: date, rng: random.Random) -> list[dict[str, Any]]:
    rows, day = [], first
    while day <= last:
        for user_id in range(1, n + 1):
            if rng.random() < 0.8:
                seconds = rng.randint(60, 1800)
                rows.append(
                    {
                        "user_id": user_id, "language": "es", "day": day,
                        "counts_for_streak": True, "events": 5, "exercises_done": 4,
                        "exercises_correct": rng.randint(0, 4), "exercise_seconds": seconds,
                        "reading_seconds": seconds // 2, "listening_seconds": seconds // 3,
                        "words_translated": rng.randint(0, 5), "words_learned": 1,
                        "audio_lessons_completed": 0, "articles_read": rng.randint(0, 1),
                    }
                )  # fmt: skip
        day += timedelta(days=1)
    return rows


def _insert(database: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    with database.transaction() as session:
        for start in range(0, len(rows), 20_000):
            session.execute(insert(model), rows[start : start + 20_000])
    if database.backend == "postgresql":
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def rebuild_totals(database: Database) -> None:
    """The ledger was loaded around the events: sum it into the totals boards read."""
    with database.transaction() as session:
        totals.rebuild(session)
    if database.backend == "postgresql":
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def build(url: str, learners: int, friends: int, today: date) -> int:
    """Learners 1..n in one class (learner 1 is the viewer, learner n+1 teaches); the viewer
    is friends with learners 2..friends+1. Returns the class id."""
    rng = random.Random(3)
    database = Database(url)
    now = datetime.now(UTC)
    since = now - timedelta(days=800)
    _insert(database, User, _users(learners + 1, rng))
    _insert(database, Cohort, [
        {"id": 1, "name": "Bench class", "invite_code": "BENCH234", "has_leaderboard": True,
         "leaderboard_names": "visible", "created_at": since}
    ])  # fmt: skip
    members = [
        {"cohort_id": 1, "user_id": i, "joined_at": since, "active_key": active_key(1, i),
         "role": Role.TEACHER if i == learners + 1 else Role.STUDENT}
        for i in range(1, learners + 2)
    ]  # fmt: skip
    _insert(database, CohortMember, members)
    _insert(database, Friendship, [
        {"user_low_id": 1, "user_high_id": i, "active_pair": pair_key(1, i), "created_at": since,
         "first_day": since.date(), "friend_streak": 0, "max_friend_streak": 0}
        for i in range(2, friends + 2)
    ])  # fmt: skip
    _insert(database, UserLanguage, [
        {"user_id": i, "language": "es", "daily_streak": i % 40, "last_practice_date": today,
         "max_streak": 40, "max_streak_date": today, "started_at": since}
        for i in range(1, learners + 1)
    ])  # fmt: skip
    _insert(database, PracticeDay, _days(learners, today - timedelta(days=364), today, rng))
    rebuild_totals(database)
    database.dispose()
    return 1


def double_history(url: str, learners: int, today: date) -> None:
    rng = random.Random(4)
    database = Database(url)
    older = _days(learners, today - timedelta(days=729), today - timedelta(days=365), rng)
    _insert(database, PracticeDay, older)
    rebuild_totals(database)
    database.dispose()


def measure(base: str, token: str, path: str, requests: int) -> tuple[float, float]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies = []
    with httpx2.Client(base_url=base, headers=headers, timeout=60) as http:
        http.get(path)  # warm up
        for _ in range(requests):
            started = time.perf_counter()
            response = http.get(path)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
    return percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000


def run_backend(backend: str, args: argparse.Namespace) -> list[str]:
    lines = []
    today = datetime.now(UTC).date()
    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database(backend, Path(workdir))
        started = time.perf_counter()
        cohort_id = build(url, args.learners, args.friends, today)
        lines.append(
            f"{backend}: loaded {args.learners} learners x 365 days in "
            f"{time.perf_counter() - started:.0f} s"
        )
        with server(url) as base:
            token = httpx2.post(
                f"{base}/v1/sessions", json={"login": "learner00001", "password": PASSWORD}
            ).json()["token"]
            results: dict[str, dict[tuple[str, str, str], tuple[float, float]]] = {}
            for history in ("1 year", "2 years"):
                if history == "2 years":
                    double_history(url, args.learners, today)
                results[history] = {}
                for metric in board_metrics():
                    for period in PERIODS:
                        query = f"?metric={metric.code}&period={period}"
                        for board, path in (
                            ("class", f"/v1/cohorts/{cohort_id}/leaderboard{query}"),
                            ("friends", f"/v1/leaderboards/friends{query}"),
                        ):
                            results[history][(metric.code, period, board)] = measure(
                                base, token, path, args.requests
                            )
    header = f"{'metric':<18}{'period':<7}{'board':<8}" + "".join(
        f"{h + ' p50/p99 ms':>24}" for h in results
    )
    lines.append(f"{backend}: {args.learners}-learner class, {args.friends}-friend board")
    lines.append(header)
    for key in results["1 year"]:
        cells = "".join(f"{results[h][key][0]:>12.1f}{results[h][key][1]:>12.1f}" for h in results)
        lines.append(f"{key[0]:<18}{key[1]:<7}{key[2]:<8}{cells}")
    for period in PERIODS:
        ratio = statistics.fmean(
            results["2 years"][k][0] / results["1 year"][k][0]
            for k in results["1 year"]
            if k[1] == period
        )
        lines.append(f"{backend}: p50 with 2 years / 1 year of history, period={period}: "
                     f"{ratio:.2f}x")  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000)
    parser.add_argument("--friends", type=int, default=500)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print("leaderboards benchmark: one client, one server process")
    for backend in args.backends.split(","):
        for line in run_backend(backend.strip(), args):
            print(line, flush=True)


if __name__ == "__main__":
    main()
