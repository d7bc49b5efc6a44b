"""Every hot path beside the bare stack, in one run: req/s, p50, p99 and the ratio to a bare
FastAPI + uvicorn hello served the same way (`bench.hello`), all measured with wrk.

    python -m bench.compare [--learners 1000] [--friends 500] [--seconds 10] [--connections 16]
                            [--paths health,event,...] [--days 365]

The world (PostgreSQL, a database of its own): `--learners` learners in one class with a year of
practice days, learner 1 with `--friends` friends (`bench.leaderboards.build`). Each path runs
for `--seconds` with 1 wrk thread and `--connections` connections against one `zeal serve`
process; the bare hello runs before the first path and after the last, and ratios divide by the
mean of the two (the machine is shared: a ratio means something, a req/s alone does not).
Practice events go to random learners of the class with fresh idempotency keys.

After the wrk table, two single-client figures for learner 1 (500 friends): the first event
of a day, which updates the friend streaks, beside an event on a day already practised.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from bench import common, leaderboards
from zeal.accounts import service as accounts_service
from zeal.config import Settings
from zeal.context import Context
from zeal.db import Database
from zeal.friends.models import Friendship
from zeal.friends.streaks import derive_friend_streak
from zeal.practice.models import PracticeDay, PracticeEvent, UserLanguage
from zeal.practice.streaks import derive_streak

DATABASE = "zeal_bench_compare"
RESULT_PREFIX = "ZEAL-RESULT"

# wrk's Lua: headers from the environment, one summary line for this script to read.
LUA_COMMON = """
wrk.headers["Content-Type"] = "application/json"
if os.getenv("ZEAL_AUTH") ~= "" then wrk.headers["Authorization"] = os.getenv("ZEAL_AUTH") end
if os.getenv("ZEAL_KEY") ~= "" then wrk.headers["X-API-Key"] = os.getenv("ZEAL_KEY") end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("%s %d %d %d %d %d %d\\n", "ZEAL-RESULT", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""
LUA_EVENTS = """
math.randomseed(os.time())
local learners = tonumber(os.getenv("ZEAL_LEARNERS"))
local run = os.getenv("ZEAL_RUN")
local n = 0
request = function()
  n = n + 1
  local id = math.random(1, learners)
  local body = string.format('{"type":"exercise","language":"es","outcome":"correct",' ..
    '"duration_seconds":30,"idempotency_key":"%s-%d"}', run, n)
  return wrk.format("POST", "/v1/users/" .. id .. "/practice-events", nil, body)
end
"""


@dataclass(frozen=True)
class Figure:
    name: str
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing Debian's wrk", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    install = [*sudo, "apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    if subprocess.run(install, capture_output=True).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update"], check=True, capture_output=True)
        subprocess.run(install, check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


def run_wrk(wrk: str, name: str, url: str, args: argparse.Namespace, **env: str) -> Figure:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA_COMMON + (LUA_EVENTS if env.pop("events", "") else ""))
    environment = {**os.environ, "ZEAL_AUTH": "", "ZEAL_KEY": "", **env}
    command = [wrk, "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "-s", script.name, url]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
    os.unlink(script.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith(RESULT_PREFIX))
    requests, micros, p50, p99, bad_status, socket_errors = map(int, line.split()[1:])
    return Figure(
        name, requests / (micros / 1e6), p50 / 1000, p99 / 1000, bad_status + socket_errors
    )


@contextmanager
def hello_server(workers: int = 1) -> Iterator[str]:
    port = common.free_port()
    command = [sys.executable, "-m", "bench.hello", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx2.get(base, timeout=1)
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def build_world(args: argparse.Namespace, workdir: Path) -> tuple[str, str]:
    """The database URL and a platform key."""
    url = common.fresh_database("postgresql", workdir, name=DATABASE)
    started = time.perf_counter()
    today = datetime.now(UTC).date()
    leaderboards.build(url, args.learners, args.friends, today)
    if args.days > 365:
        leaderboards.double_history(url, args.learners, today)
    database = Database(url)
    with database.transaction() as session:
        secret, _ = accounts_service.create_api_key(session, Context(Settings()), name="bench")
    database.dispose()
    print(
        f"world: {args.learners} learners x {args.days} days, learner 1 with {args.friends} "
        f"friends, in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return url, secret


def paths(cohort_id: int) -> dict[str, str]:
    board = "/v1/leaderboards/friends?metric=correct_exercises&period="
    cohort = f"/v1/cohorts/{cohort_id}/leaderboard?metric=correct_exercises&period="
    return {
        "health": "/v1/health",
        "event": "/v1/users/{id}/practice-events",
        "streaks": "/v1/me/streaks",
        "badges": "/v1/me/badges",
        "unseen": "/v1/me/badges/unseen-count",
        "friends-board-week": board + "week",
        "friends-board-month": board + "month",
        "friends-board-all": board + "all",
        "class-board-week": cohort + "week",
        "class-board-month": cohort + "month",
        "class-board-all": cohort + "all",
        "friends-list": "/v1/me/friends",
        "league": "/v1/me/leagues",
    }


def sign_in(base: str) -> str:
    response = httpx2.post(
        f"{base}/v1/sessions", json={"login": "learner00001", "password": leaderboards.PASSWORD}
    )
    response.raise_for_status()
    return f"Bearer {response.json()['token']}"


def measure_paths(wrk: str, base: str, secret: str, args: argparse.Namespace) -> list[Figure]:
    auth = sign_in(base)
    figures = []
    for name, path in paths(1).items():
        if args.paths and name not in args.paths:
            continue
        if name == "event":
            figure = run_wrk(
                wrk,
                name,
                base,
                args,
                events="1",
                ZEAL_KEY=secret,
                ZEAL_LEARNERS=str(args.learners),
                ZEAL_RUN=uuid.uuid4().hex,
            )
        else:
            if name == "league":
                fill_a_league_group(base, secret, args.learners)
            answer = httpx2.get(base + path, headers={"Authorization": auth}, timeout=60)
            assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
            figure = run_wrk(wrk, name, base + path, args, ZEAL_AUTH=auth)
        print(line(figure, None), flush=True)
        figures.append(figure)
    return figures


def fill_a_league_group(base: str, secret: str, learners: int) -> None:
    """Learner 1 and 29 others earn XP this week: learner 1's league board is a full group."""
    with httpx2.Client(base_url=base, headers={"X-API-Key": secret}, timeout=60) as http:
        for user_id in range(1, min(30, learners) + 1):
            body = {"type": "article_completed", "language": "es"}
            answer = http.post(f"/v1/users/{user_id}/practice-events", json=body)
            assert answer.status_code == 201, answer.text


def first_events_of_a_day(url: str, base: str, secret: str, samples: int) -> list[str]:
    """Learner 1's first event of today (500 friend streaks may move), a second event today,
    and a late event three days back that joins two runs. Before each sample the scene is put
    back: learner 1 practised yesterday and the day before but not today nor 3 days ago, and
    the stored streaks are what that ledger implies."""
    database = Database(url)
    today = datetime.now(UTC).date()
    snapshot = _scene(database, today)
    timings: dict[str, list[float]] = {"first of today": [], "again today": [], "late, gap": []}
    with httpx2.Client(base_url=base, headers={"X-API-Key": secret}, timeout=60) as http:
        for _ in range(samples):
            _restore(database, snapshot, today)
            for label, day in (
                ("first of today", today),
                ("again today", today),
                ("late, gap", today - timedelta(days=3)),
            ):
                at = min(datetime.combine(day, dt_time(12), UTC), datetime.now(UTC))
                body = {
                    "type": "exercise",
                    "language": "es",
                    "outcome": "correct",
                    "duration_seconds": 30,
                    "occurred_at": at.isoformat(),
                    "idempotency_key": uuid.uuid4().hex,
                }
                started = time.perf_counter()
                response = http.post("/v1/users/1/practice-events", json=body)
                timings[label].append(time.perf_counter() - started)
                assert response.status_code == 201, response.text
    database.dispose()
    common_p50 = common.percentile(timings["again today"], 0.5)
    lines = []
    for label, values in timings.items():
        p50 = common.percentile(values, 0.5)
        lines.append(
            f"learner 1 (500 friends), {label:<15} p50 {p50 * 1000:6.1f} ms   "
            f"p99 {common.percentile(values, 0.99) * 1000:6.1f} ms   "
            f"{p50 / common_p50:4.1f}x an event on a day already practised"
        )
    return lines


def _scene(database: Database, today: date) -> list[dict[str, Any]]:
    """Learner 1's ledger as the samples need it, and the friend streaks it implies."""
    yesterday = today - timedelta(days=1)
    with database.transaction() as session:
        _reset_learner_1(session, today)
        for day in (yesterday, yesterday - timedelta(days=1)):
            row = {
                "user_id": 1,
                "language": "es",
                "day": day,
                "counts_for_streak": True,
                "events": 1,
                "exercises_done": 1,
                "exercises_correct": 1,
                "exercise_seconds": 60,
            }
            session.execute(pg_insert(PracticeDay).values(row).on_conflict_do_nothing())
        mine = set(_streak_days(session, 1))
        state = derive_streak(mine)
        session.execute(
            update(UserLanguage)
            .where(UserLanguage.user_id == 1)
            .values(
                daily_streak=state.daily_streak,
                last_practice_date=state.last_practice_date,
                max_streak=state.max_streak,
                max_streak_date=state.max_streak_date,
            )
        )
        friendships = session.scalars(select(Friendship).where(Friendship.user_low_id == 1)).all()
        snapshot = []
        for friendship in friendships:
            shared = derive_friend_streak(
                mine, _streak_days(session, friendship.user_high_id), friendship.first_day
            )
            snapshot.append(
                {
                    "b_id": friendship.id,
                    "friend_streak": shared.daily_streak,
                    "streak_last_day": shared.last_practice_date,
                    "max_friend_streak": shared.max_streak,
                    "max_friend_streak_date": shared.max_streak_date,
                }
            )
        snapshot.append(
            {
                "user_language": [
                    state.daily_streak,
                    state.last_practice_date,
                    state.max_streak,
                    state.max_streak_date,
                ]
            }
        )
    _restore(database, snapshot, today)
    return snapshot


def _streak_days(session: Session, user_id: int) -> list[date]:
    query = select(PracticeDay.day).where(
        PracticeDay.user_id == user_id, PracticeDay.counts_for_streak.is_(True)
    )
    return list(session.scalars(query))


def _reset_learner_1(session: Session, today: date) -> None:
    since = datetime.combine(today - timedelta(days=7), dt_time(0), UTC)
    session.execute(
        delete(PracticeEvent).where(PracticeEvent.user_id == 1, PracticeEvent.received_at >= since)
    )
    session.execute(
        delete(PracticeDay).where(
            PracticeDay.user_id == 1, PracticeDay.day.in_([today, today - timedelta(days=3)])
        )
    )


def _restore(database: Database, snapshot: list[dict[str, Any]], today: date) -> None:
    *friendships, learner = snapshot
    streak, last, best, best_date = learner["user_language"]
    with database.transaction() as session:
        _reset_learner_1(session, today)
        session.execute(
            update(UserLanguage)
            .where(UserLanguage.user_id == 1)
            .values(
                daily_streak=streak,
                last_practice_date=last,
                max_streak=best,
                max_streak_date=best_date,
            )
        )
        session.execute(
            update(Friendship.__table__).where(Friendship.__table__.c.id == bindparam("b_id")),
            friendships,
        )


def line(figure: Figure, reference: float | None) -> str:
    ratio = f"   ratio {figure.rate / reference:5.3f}" if reference else ""
    errors = f"   errors {figure.errors}" if figure.errors else ""
    return (
        f"{figure.name:<22}{figure.rate:9.1f} req/s   p50 {figure.p50_ms:7.1f} ms   "
        f"p99 {figure.p99_ms:7.1f} ms{ratio}{errors}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000)
    parser.add_argument("--friends", type=int, default=500)
    parser.add_argument("--days", type=int, default=365, choices=(365, 730))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--paths", type=lambda v: set(v.split(",")), default=set())
    parser.add_argument(
        "--server-src", help="serve zeal from this checkout's src/ (e.g. a git worktree of main)"
    )
    args = parser.parse_args()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as workdir:
        url, secret = build_world(args, Path(workdir))
        with hello_server() as hello, common.server(url, source=args.server_src) as base:
            before = run_wrk(wrk, "bare hello (before)", hello, args)
            print(line(before, None), flush=True)
            figures = measure_paths(wrk, base, secret, args)
            after = run_wrk(wrk, "bare hello (after)", hello, args)
            print(line(after, None), flush=True)
            extra = first_events_of_a_day(url, base, secret, args.samples)
    reference = (before.rate + after.rate) / 2
    print(
        f"\n{args.connections} connections, {args.seconds} s each, one server process, "
        f"PostgreSQL; ratio = req/s / bare hello's {reference:.0f} req/s"
    )
    for figure in [before, *figures, after]:
        print(line(figure, reference))
    for text_line in extra:
        print(text_line)


if __name__ == "__main__":
    main()
