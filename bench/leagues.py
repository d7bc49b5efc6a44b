"""Leagues benchmark: the week's rollover for 100,000 learners in 3,400 groups, and the board.

For each backend, on a fresh database of its own: 100,000 learners bulk-loaded (not through the
services) with last week's groups (3,400 of 29-30 learners, spread evenly over the 10 tiers,
random XP with ties) and this week's (the same learners regrouped, XP so far). Then:

1. `close_weeks` as the worker runs it: groups and learners closed, promoted / stayed /
   demoted, seconds; the counts are checked against the rules worked out here from the
   loaded XP.
2. `close_weeks` again: it must close 0 groups and change no row (a digest of the entries'
   (id, rank, outcome), the groups' `closed_at`, the `league_promotions` and
   `league_top_three` counters and the badges, taken before and after).
3. `league()`, the read behind GET /v1/me/leagues, for random learners of this week, each in
   a session of its own with the learner already loaded (as the route has it): p50/p99.

    python -m bench.leagues [--learners 100000] [--groups 3400] [--reads 2000]
                            [--backends sqlite,postgresql]
"""

import argparse
import hashlib
import random
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from bench.common import fresh_database, summary
from zeal.accounts import avatars
from zeal.accounts.models import User
from zeal.badges.models import Metric, UserBadge, UserMetric
from zeal.clock import FixedClock
from zeal.config import Settings
from zeal.context import Context
from zeal.db import Database
from zeal.leagues import service
from zeal.leagues.closing import close_weeks
from zeal.leagues.rules import Outcome, outcome_of, standings, week_bounds, week_of
from zeal.leagues.standings import ENTRY, GROUP, zones_of

LEAGUE_METRICS = ("league_promotions", "league_top_three")
CHUNK = 20_000


def _users(n: int, rng: random.Random, created: datetime) -> list[dict[str, Any]]:
    rows = []
    for i in range(1, n + 1):
        image, character, background = avatars.random_avatar(rng)
        name = f"learner{i:06d}"
        rows.append(
            {
                "id": i, "username": name, "username_key": name,
                "display_name": f"Learner {i}", "display_name_key": f"learner {i}",
                "timezone": "UTC", "avatar_image": image, "avatar_character_color": character,
                "avatar_background_color": background, "created_at": created,
            }
        )  # fmt: skip
    return rows


def _week(
    week: date, until: datetime, first_id: int, args: argparse.Namespace, rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A week's groups (ids from `first_id`; tiers in turn, so ~`groups / tiers` a tier) and
    their entries: every learner, shuffled, XP in steps of 5 (ties in most groups), joined
    between the week's start and `until`."""
    learners = list(range(1, args.learners + 1))
    rng.shuffle(learners)
    start = week_bounds(week)[0]
    seconds = int((until - start).total_seconds())
    groups, entries, taken = [], [], 0
    for g in range(args.groups):
        size = args.learners // args.groups + (g < args.learners % args.groups)
        group_id, tier = first_id + g, g % args.tiers
        groups.append(
            {"id": group_id, "week_start": week, "tier": tier,
             "members": size, "created_at": start, "closed_at": None}
        )  # fmt: skip
        for user_id in learners[taken : taken + size]:
            entries.append(
                {"user_id": user_id, "week_start": week, "group_id": group_id, "tier": tier,
                 "xp": 5 * rng.randint(1, 120), "rank": None, "outcome": None,
                 "joined_at": start + timedelta(seconds=rng.randint(0, seconds))}
            )  # fmt: skip
        taken += size
    return groups, entries


def _insert(database: Database, table: Any, rows: list[dict[str, Any]]) -> None:
    with database.transaction() as session:
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(table), rows[start : start + CHUNK])


def _expected(
    settings: Settings, groups: list[dict[str, Any]], entries: list[dict[str, Any]]
) -> Counter[Outcome]:
    """The outcomes the rules give the loaded week, worked out here from its XP."""
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in sorted(entries, key=lambda entry: entry["joined_at"]):
        members[entry["group_id"]].append(entry)
    zones, outcomes = zones_of(settings), Counter[Outcome]()
    for group in groups:
        entered = [(entry["user_id"], entry["xp"]) for entry in members[group["id"]]]
        for standing in standings(entered, zones, group["tier"]):
            outcomes[outcome_of(standing.zone)] += 1
    return outcomes


def build(url: str, ctx: Context, args: argparse.Namespace) -> Counter[Outcome]:
    """Learners, last week's groups and this week's; the outcomes last week should close with."""
    rng = random.Random(7)
    now = ctx.clock.now()
    this_week = week_of(now)
    last_week = this_week - timedelta(days=7)
    database = Database(url)
    _insert(database, User, _users(args.learners, rng, now - timedelta(days=60)))
    groups, entries = _week(last_week, week_bounds(last_week)[1], 1, args, rng)
    expected = _expected(ctx.settings, groups, entries)
    _insert(database, GROUP, groups)
    _insert(database, ENTRY, entries)
    groups, entries = _week(this_week, now, args.groups + 1, args, rng)
    _insert(database, GROUP, groups)
    _insert(database, ENTRY, entries)
    if database.backend == "postgresql":
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    database.dispose()
    return expected


def _digest(session: Session, statement: Any) -> str:
    digest = hashlib.sha256()
    for row in session.execute(statement):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()[:12]


_METRIC = cast(Table, UserMetric.__table__)
_COUNTERS = (
    select(_METRIC.c.user_id, Metric.code, _METRIC.c.value)
    .join(Metric, Metric.id == _METRIC.c.metric_id)
    .where(Metric.code.in_(LEAGUE_METRICS))
    .order_by(_METRIC.c.user_id, Metric.code)
)
_PROMOTIONS = (
    select(func.coalesce(func.sum(_METRIC.c.value), 0))
    .join(Metric, Metric.id == _METRIC.c.metric_id)
    .where(Metric.code == "league_promotions")
)


def fingerprint(database: Database, week: date) -> tuple[dict[str, str], int, int]:
    """What a close writes, as digests: the week's entries (id, rank, outcome), its groups'
    `closed_at`, the league counters, the badges; and the promotions and badges counted."""
    group, entry = GROUP.c, ENTRY.c
    statements = {
        "entries": select(entry.id, entry.rank, entry.outcome)
        .where(entry.week_start == week)
        .order_by(entry.id),
        "groups": select(group.id, group.closed_at)
        .where(group.week_start == week)
        .order_by(group.id),
        "counters": _COUNTERS,
        "badges": select(UserBadge.user_id, UserBadge.badge_id).order_by(
            UserBadge.user_id, UserBadge.badge_id
        ),
    }
    with database.transaction() as session:
        digests = {name: _digest(session, statement) for name, statement in statements.items()}
        promotions = int(session.execute(_PROMOTIONS).scalar_one())
        badges = int(session.execute(select(func.count()).select_from(UserBadge)).scalar_one())
    return digests, promotions, badges


def close_twice(url: str, ctx: Context, expected: Counter[Outcome], backend: str) -> list[str]:
    """The rollover, checked against the rules; then again, which must change nothing."""
    database = Database(url)
    last_week = week_of(ctx.clock.now()) - timedelta(days=7)
    started = time.perf_counter()
    closed = close_weeks(database, ctx)
    seconds = time.perf_counter() - started
    outcomes = {outcome: closed.outcomes[outcome] for outcome in Outcome}
    before, promotions, badges = fingerprint(database, last_week)
    started = time.perf_counter()
    again = close_weeks(database, ctx)
    again_ms = (time.perf_counter() - started) * 1000
    after, _, _ = fingerprint(database, last_week)
    database.dispose()
    counts = ", ".join(f"{outcome.value} {count:,}" for outcome, count in outcomes.items())
    return [
        f"{backend}: close_weeks closed {closed.groups:,} groups, {closed.learners:,} learners "
        f"in {seconds:.1f} s ({closed.learners / seconds:,.0f} learners/s): {counts}",
        f"{backend}: outcomes as the rules give them: "
        + ("yes" if outcomes == {o: expected[o] for o in Outcome} else f"NO ({dict(expected)})"),
        f"{backend}: league_promotions counters sum to {promotions:,}; {badges:,} badges "
        "awarded (everyone's first league week: each promoted or top-three learner earns one)",
        f"{backend}: second run closed {again.groups} groups, {again.learners} learners in "
        f"{again_ms:.1f} ms; {', '.join(before)}: "
        + ("unchanged" if before == after else f"CHANGED {before} -> {after}"),
    ]


def board_reads(url: str, ctx: Context, args: argparse.Namespace, backend: str) -> str:
    """`league()` for random learners of this week (all are placed), one session each."""
    rng = random.Random(11)
    database = Database(url)
    latencies = []
    started = time.perf_counter()
    for _ in range(args.reads):
        with database.transaction() as session:
            user = session.get_one(User, rng.randint(1, args.learners))
            sent = time.perf_counter()
            league = service.league(session, ctx, user)
            latencies.append(time.perf_counter() - sent)
            assert league.group_id is not None and league.last_week is not None
            assert any(row.is_self for row in league.rows)
    elapsed = time.perf_counter() - started
    database.dispose()
    group_size = ctx.settings.league_group_size
    return summary(f"{backend}: league board ({group_size}/group)", latencies, elapsed)


def run_backend(backend: str, args: argparse.Namespace) -> list[str]:
    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database(backend, Path(workdir), name="zeal_bench_leagues")
        settings = Settings(database_url=url)
        args.tiers = len(settings.league_tier_list)
        ctx = Context(settings, FixedClock(datetime.now(UTC)))
        started = time.perf_counter()
        expected = build(url, ctx, args)
        lines = [
            f"{backend}: loaded {args.learners:,} learners in {args.groups:,} groups a week, "
            f"2 weeks, in {time.perf_counter() - started:.0f} s"
        ]
        lines += close_twice(url, ctx, expected, backend)
        lines.append(board_reads(url, ctx, args, backend))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=3_400)
    parser.add_argument("--reads", type=int, default=2_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(
        f"leagues benchmark: {args.learners:,} learners in {args.groups:,} groups, "
        f"close_weeks in batches of 200 groups, {args.reads:,} board reads, in-process"
    )
    for backend in args.backends.split(","):
        for line in run_backend(backend.strip(), args):
            print(line, flush=True)


if __name__ == "__main__":
    main()
