"""Load benchmark: 100,000 learners with a year of practice on PostgreSQL, a mixed workload
against two server processes, then a check that nothing was lost or miscounted.

    python -m bench.load [--learners 100000] [--seconds 60] [--clients 12] [--sample 4000]
                         [--keep-alive] [--keep] [--quick] [--server-src DIR]

1. World: a database of its own (`zeal_bench_load`), bulk-loaded with COPY: learners in a dozen
   time zones, each with a year of practice days ending yesterday in their own calendar
   (devoted, regular, casual and lapsed learners; 1-3 languages; runs of streak days and
   gaps), their `user_language` streaks, friendships (5-20 friends each) with friend streaks,
   classes of ~30 with boards on, metric values and badges, all derived from that one ledger.
   Past practice is loaded as practice days only (no event history): that is what streaks,
   boards and badges read. Each part prints its rows and seconds.
2. Workload: `zeal serve --workers 2` for `--seconds`, from `--clients` concurrent async clients
   in this one process, each request as a random learner of a sample with sessions: practice
   events (40 %; one in ten a late report from up to a week back, which can fill a gap and join
   two runs), streaks, friends, badges, the friends board and a class board (random metric and
   period). Each request comes on a new connection: the workers share one listening socket, so
   with keep-alive (`--keep-alive`) the pool's connections fall to the workers by the luck of
   the first burst and stay there (seen: from an even split to 82 % + 0 %); without it each
   request goes to a worker that is free to accept. 12 clients keep both workers busy; each
   process keeps a database connection for every request it can run at once (40), so no
   PostgreSQL session is opened after warm-up (the CPU line would count it).
   Then the bare stack (`bench.hello` on as many processes) under the same clients, for up to
   20 s: the run's rate is reported as a ratio to it, and each server process's resident
   memory (RSS) after the run.
3. Checks, before and after the workload: every `user_language` row in the database equals its
   ledger (gaps and islands in SQL; a streak whose run ended before the learner's yesterday
   may be stored as 0, as reading or signing in settles it), and so do the friend streaks of
   up to 500 learners (after the run: learners who practised in it); after it, every
   acknowledged event is stored exactly once with the id it was acknowledged with.

How to read it: `req/s` is what two server processes sustained while sharing two cores with
PostgreSQL and the client; the CPU line splits the machine's time between the client, the
server processes, the PostgreSQL backends of this database and everything else (on a shared
machine, other people's work, which lowers the figures). p50/p99 are over answered 2xx requests;
every non-2xx answer and every timeout is an error, listed by status and problem code. The
verdict is OK only when there were no errors and every check held; otherwise the exit status is 1.
"""

import argparse
import asyncio
import os
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Coroutine, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx2
import psycopg
from argon2 import PasswordHasher
from psycopg import sql
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import common
from bench.compare import hello_server
from zeal.accounts import avatars, tokens, usernames
from zeal.badges import catalog
from zeal.badges.catch_up import ledger_counters
from zeal.clock import local_date
from zeal.cohorts.models import LeaderboardNames, Role, active_key
from zeal.config import Settings
from zeal.db import normalise_url, one_transaction
from zeal.friends.models import pair_key
from zeal.leaderboards.service import board_metrics
from zeal.practice import recording, totals, xp
from zeal.practice.activities import Outcome, PracticeType
from zeal.practice.streaks import current_streak

DATABASE = "zeal_bench_load"
PASSWORD = "bench-password"
HISTORY_DAYS = 365
SERVER_PROCESSES = 2
REQUEST_TIMEOUT = 30.0
FRIEND_CHECK_LEARNERS = 500
NULL = "\\N"  # NULL in COPY's text format

# Where learners live (weights): each one's calendar decides what "yesterday" is.
ZONES = {
    "Europe/Berlin": 14, "Europe/London": 10, "America/New_York": 12, "America/Los_Angeles": 8,
    "America/Sao_Paulo": 8, "America/Mexico_City": 6, "Asia/Kolkata": 10, "Asia/Tokyo": 6,
    "Asia/Shanghai": 6, "Africa/Lagos": 5, "Australia/Sydney": 4, "Pacific/Auckland": 2,
}  # fmt: skip
# What they learn (weights), 1-3 languages each.
LANGUAGES = {
    "en": 30, "es": 22, "fr": 14, "de": 10, "ja": 8, "it": 6, "ko": 6, "pt": 4, "zh": 4,
    "nl": 2, "sv": 2, "ar": 2,
}  # fmt: skip
LANGUAGE_COUNTS = {1: 65, 2: 27, 3: 8}


@dataclass(frozen=True)
class Profile:
    """How a kind of learner practises: the mean length of a run of practice days, the mean
    gap between runs, and whether they give up at some point in the year."""

    name: str
    run_days: float
    gap_days: float
    lapses: bool


PROFILES = {
    Profile("devoted", 60.0, 1.5, False): 12,
    Profile("regular", 8.0, 3.0, False): 33,
    Profile("casual", 2.5, 9.0, False): 35,
    Profile("lapsed", 4.0, 6.0, True): 20,
}

USER_COLUMNS = (
    "id", "email", "password_hash", "username", "username_key", "display_name",
    "display_name_key", "timezone", "avatar_image", "avatar_character_color",
    "avatar_background_color", "created_at", "discoverable", "accepts_friend_requests",
)  # fmt: skip
DAY_COLUMNS = (
    "user_id", "language", "day", "counts_for_streak", "events", "exercises_done",
    "exercises_correct", "exercise_seconds", "reading_seconds", "listening_seconds",
    "words_translated", "words_learned", "audio_lessons_completed", "articles_read", "xp",
)  # fmt: skip
LANGUAGE_COLUMNS = (
    "user_id", "language", "daily_streak", "last_practice_date", "max_streak", "max_streak_date",
    "started_at",
)  # fmt: skip
FRIENDSHIP_COLUMNS = (
    "user_low_id", "user_high_id", "active_pair", "created_at", "first_day", "friend_streak",
    "streak_last_day", "max_friend_streak", "max_friend_streak_date",
)  # fmt: skip
COHORT_COLUMNS = (
    "id", "name", "invite_code", "has_leaderboard", "leaderboard_names", "created_at",
)  # fmt: skip
MEMBER_COLUMNS = ("cohort_id", "user_id", "role", "joined_at", "active_key")
METRIC_COLUMNS = ("user_id", "metric_id", "value", "updated_at")
BADGE_COLUMNS = ("user_id", "badge_id", "achieved_at", "seen_at")
SESSION_COLUMNS = ("user_id", "token_hash", "created_at", "expires_at")

# A practice day's counters come from a pool of random day templates, a run of days from
# consecutive templates, so a run's totals are two look-ups in prefix sums.
POOL_BITS = 12
POOL = 1 << POOL_BITS
# Badge counters rebuilt from the ledger, as catch-up does: metric code -> practice_day column.
COUNTERS = ledger_counters()

# The workload: how often each request is made (out of 50), and its endpoint.
MIX = {"event": 20, "streaks": 6, "friends": 6, "badges": 6, "friends_board": 6, "cohort_board": 6}
ENDPOINTS = {
    "event": "POST /v1/me/practice-events",
    "streaks": "GET /v1/me/streaks",
    "friends": "GET /v1/me/friends",
    "badges": "GET /v1/me/badges",
    "friends_board": "GET /v1/leaderboards/friends",
    "cohort_board": "GET /v1/cohorts/{id}/leaderboard",
}
EVENT_TYPES = {
    "exercise": 6, "reading": 2, "listening": 2, "word_translated": 2, "word_learned": 1,
    "article_completed": 1, "audio_lesson_completed": 1,
}  # fmt: skip
LATE_EVENTS = 0.10
# The per-learner cap on practice events a minute (its default): events are spread over the
# sample so that the cap is not what the run measures.
EVENT_CAP_PER_MINUTE = 120
PERIODS = ("week", "month", "all")


def _line(*fields: object) -> str:
    """One row in COPY's text format: tab-separated, None as NULL."""
    return "\t".join(NULL if value is None else str(value) for value in fields) + "\n"


def _ts(instant: datetime) -> str:
    """An instant as the `UTCDateTime` columns store it: naive UTC."""
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _geometric(rng: random.Random, mean: float) -> int:
    return 1 + int(rng.expovariate(1.0 / mean))


# ---- days as bits ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Zone:
    timezone: str


@dataclass(frozen=True)
class Calendar:
    """Days as bit positions (bit i is `base + i`), so a learner's practice days are an int:
    unions, intersections and runs are integer operations."""

    base: date
    text: list[str]  # each day's ISO text, for COPY
    today: dict[str, int]  # zone -> today there

    @classmethod
    def around(cls, now: datetime) -> "Calendar":
        todays = {zone: local_date(_Zone(zone), now) for zone in ZONES}
        base = min(todays.values()) - timedelta(days=HISTORY_DAYS + 1)
        span = (max(todays.values()) - base).days + 8
        days = [(base + timedelta(days=i)).isoformat() for i in range(span)]
        return cls(base, days, {zone: (day - base).days for zone, day in todays.items()})

    def index(self, day: date) -> int:
        return (day - self.base).days

    def day(self, index: int) -> date:
        return self.base + timedelta(days=index)

    def text_of(self, index: int | None) -> str | None:
        return None if index is None else self.text[index]


@dataclass(frozen=True)
class Runs:
    """What a set of practice days implies: the run ending on the last day, and the longest
    run (the earliest on a tie), as calendar indexes."""

    current: int = 0
    last: int | None = None
    best: int = 0
    best_end: int | None = None


def runs_of(bits: int) -> Runs:
    """`zeal.practice.streaks.derive_streak`, on a set of days as bits."""
    if not bits:
        return Runs()
    last = bits.bit_length() - 1
    gaps = ~bits & ((1 << last) - 1)
    current = last + 1 if gaps == 0 else last - gaps.bit_length() + 1
    # After k rounds, bit i of `ends` says a run of more than k days ends on day i; the last
    # value before nothing is left marks where the longest runs end, the lowest bit first.
    ends, best, longest = bits, 0, bits
    while ends:
        best += 1
        longest = ends
        ends &= ends << 1
    return Runs(current, last, best, (longest & -longest).bit_length() - 1)


# ---- the world, planned in memory ------------------------------------------------------------


@dataclass(slots=True)
class Learner:
    id: int
    username: str
    timezone: str
    created_at: datetime
    languages: list[str] = field(default_factory=list)
    practised: int = 0  # days that counted, any language (bits): friend streaks
    counters: list[int] = field(default_factory=lambda: [0] * len(COUNTERS))
    languages_practised: int = 0  # languages with a day that counted
    best_alive: int = 0  # best streak alive today: the streak_days gauge
    best_ever: int = 0  # best streak ever: the streak badges owned
    first_day: int | None = None
    last_day: int | None = None
    friends: int = 0
    cohort_id: int | None = None


def plan_learners(n: int, rng: random.Random, now: datetime) -> list[Learner]:
    names: set[str] = set()
    while len(names) < n:
        names.add(usernames.generate_username(rng))
    zones = rng.choices(list(ZONES), weights=list(ZONES.values()), k=n)
    return [
        Learner(i, name, zones[i - 1], now - timedelta(hours=rng.uniform(2, 2 * 365 * 24)))
        for i, name in enumerate(sorted(names, key=lambda _: rng.random()), start=1)
    ]


def user_lines(learners: list[Learner], rng: random.Random) -> Iterator[str]:
    hashed = PasswordHasher().hash(PASSWORD)  # one Argon2 hash for all: nobody signs in
    for learner in learners:
        name = learner.username
        noun = usernames.noun_of(name)
        image, character, background = avatars.random_avatar(rng, noun)
        display = f"{name.split('_')[0].title()} {noun.title()}"
        yield _line(
            learner.id, f"{name}@example.com", hashed, name, name, display, display.lower(),
            learner.timezone, image, character, background, _ts(learner.created_at),
            "t" if rng.random() < 0.95 else "f", "t" if rng.random() < 0.97 else "f",
        )  # fmt: skip


def _day_template(rng: random.Random) -> dict[str, int]:
    """One believable day: its events and the counters and seconds they booked."""
    done = 0 if rng.random() < 0.25 else rng.randint(1, 25)
    day = {
        "exercises_done": done,
        "words_translated": 0 if rng.random() < 0.5 else rng.randint(1, 15),
        "words_learned": 0 if rng.random() < 0.6 else rng.randint(1, 8),
        "audio_lessons_completed": 0 if rng.random() < 0.8 else rng.randint(1, 2),
        "articles_read": 0 if rng.random() < 0.75 else rng.randint(1, 2),
    }
    reports = rng.randint(0, 3)  # time reports ("10 minutes of reading") count no item
    day["events"] = max(1, sum(day.values()) + reports)
    day["exercises_correct"] = round(done * rng.uniform(0.5, 0.95))
    # Some platforms send no durations: such a day has events but no seconds.
    timed = rng.random() >= 0.08
    day["exercise_seconds"] = (done * rng.randint(10, 40) + reports * rng.randint(0, 300)) * timed
    day["reading_seconds"] = (
        day["words_translated"] * rng.randint(5, 20) + day["articles_read"] * rng.randint(120, 600)
    ) * timed
    day["listening_seconds"] = day["audio_lessons_completed"] * rng.randint(300, 900) * timed
    day["xp"] = _xp(day)
    return day


# The XP table a new database loads (the catalog's `xp:`), so the world's days earn what the
# server would give their events.
_XP = xp.XpTable(catalog.parse_xp(catalog.default_catalog_text()) or [])

_XP_ITEMS = {
    PracticeType.WORD_TRANSLATED: "words_translated",
    PracticeType.WORD_LEARNED: "words_learned",
    PracticeType.ARTICLE_COMPLETED: "articles_read",
    PracticeType.AUDIO_LESSON_COMPLETED: "audio_lessons_completed",
}
_XP_SECONDS = {
    PracticeType.EXERCISE: "exercise_seconds",
    PracticeType.READING: "reading_seconds",
    PracticeType.LISTENING: "listening_seconds",
}


def _xp(day: dict[str, int]) -> int:
    """What the default XP table gives such a day: each item by its type's rule (an exercise
    by its outcome; the wrong ones as `wrong`), and each type's seconds as one report."""
    correct, done = day["exercises_correct"], day["exercises_done"]
    earned = correct * _XP.amount(PracticeType.EXERCISE, Outcome.CORRECT, None)
    earned += (done - correct) * _XP.amount(PracticeType.EXERCISE, Outcome.WRONG, None)
    for kind, column in _XP_ITEMS.items():
        earned += day[column] * _XP.amount(kind, None, None)
    for kind, column in _XP_SECONDS.items():
        earned += _XP.amount(kind, None, day[column])
    return earned


@dataclass(frozen=True)
class DayPool:
    tails: list[str]  # COPY text after the day column, per template
    counting: int  # bit j: template j % POOL meets the minimum (over two pool lengths)
    sums: list[list[int]]  # per counter, prefix sums over two pool lengths

    @classmethod
    def make(cls, rng: random.Random, min_seconds: int) -> "DayPool":
        templates = [_day_template(rng) for _ in range(POOL)]
        # The server's own rule decides whether a day counts for the streak.
        counts = [recording.meets_minimum(t, min_seconds) for t in templates]
        tails = [
            _line("t" if counted else "f", *(t[c] for c in DAY_COLUMNS[4:]))[:-1]
            for t, counted in zip(templates, counts, strict=True)
        ]
        counting = sum(1 << j for j in range(2 * POOL) if counts[j % POOL])
        sums = []
        for column in COUNTERS.values():
            running = [0]
            for j in range(2 * POOL):
                running.append(running[-1] + templates[j % POOL][column])
            sums.append(running)
        return cls(tails, counting, sums)

    def rows(self, prefix: str, days: list[str], start: int, length: int, k: int) -> str:
        tails, mask = self.tails, POOL - 1
        return "".join(
            [f"{prefix}{days[start + j]}\t{tails[(k + j) & mask]}\n" for j in range(length)]
        )

    def counting_bits(self, start: int, length: int, k: int) -> int:
        return ((self.counting >> k) & ((1 << length) - 1)) << start

    def add_counters(self, totals: list[int], length: int, k: int) -> None:
        for i, running in enumerate(self.sums):
            totals[i] += running[k + length] - running[k]


class Ledger:
    """Writes each learner's practice days and keeps what streaks and badges need of them."""

    def __init__(self, calendar: Calendar, pool: DayPool, rng: random.Random) -> None:
        self.calendar, self.pool, self.rng = calendar, pool, rng
        self.language_lines: list[str] = []
        self.profiles: Counter[str] = Counter()

    def lines(self, learners: Iterable[Learner]) -> Iterator[str]:
        for learner in learners:
            yield from self._learner(learner)

    def _learner(self, learner: Learner) -> Iterator[str]:
        rng, calendar = self.rng, self.calendar
        profile: Profile = _weighted(rng, PROFILES)
        self.profiles[profile.name] += 1
        today = calendar.today[learner.timezone]
        first = max(today - HISTORY_DAYS, calendar.index(local_date(learner, learner.created_at)))
        last = today - 1
        if first > last:
            return  # signed up today: no practice yet
        stop = rng.randint(first, max(first, last - 14)) if profile.lapses else last
        # Languages in key order, so the rows arrive in primary-key order.
        for language, begin, end in sorted(self._languages(first, last, stop)):
            yield from self._language(learner, profile, language, begin, end)

    def _languages(self, first: int, last: int, stop: int) -> list[tuple[str, int, int]]:
        rng = self.rng
        count = _weighted(rng, LANGUAGE_COUNTS)
        chosen: list[str] = []
        while len(chosen) < count:
            language = _weighted(rng, LANGUAGES)
            if language not in chosen:
                chosen.append(language)
        plans = [(chosen[0], min(first + rng.randint(0, 6), stop), stop)]
        for language in chosen[1:]:  # taken up later, and often dropped again
            begin = rng.randint(first, last)
            end = stop if rng.random() < 0.6 else rng.randint(begin, max(begin, stop))
            plans.append((language, begin, end))
        return plans

    def _language(
        self, learner: Learner, profile: Profile, language: str, begin: int, end: int
    ) -> Iterator[str]:
        rng, pool, days = self.rng, self.pool, self.calendar.text
        prefix = f"{learner.id}\t{language}\t"
        bits, day, wrote = 0, begin, False
        while day <= end:
            length = min(_geometric(rng, profile.run_days), end - day + 1)
            k = rng.getrandbits(POOL_BITS)
            yield pool.rows(prefix, days, day, length, k)
            bits |= pool.counting_bits(day, length, k)
            pool.add_counters(learner.counters, length, k)
            learner.first_day = day if learner.first_day is None else learner.first_day
            learner.last_day = max(day + length - 1, learner.last_day or 0)
            wrote = True
            day += length + _geometric(rng, profile.gap_days)
        if wrote:
            self._streak(learner, language, begin, bits)

    def _streak(self, learner: Learner, language: str, begin: int, bits: int) -> None:
        calendar = self.calendar
        runs = runs_of(bits)
        learner.languages.append(language)
        learner.practised |= bits
        last = None if runs.last is None else calendar.day(runs.last)
        today = calendar.day(calendar.today[learner.timezone])
        learner.best_alive = max(learner.best_alive, current_streak(runs.current, last, today))
        learner.best_ever = max(learner.best_ever, runs.best)
        learner.languages_practised += last is not None
        line = _line(
            learner.id, language, runs.current, calendar.text_of(runs.last), runs.best,
            calendar.text_of(runs.best_end), f"{calendar.text[begin]} 08:00:00",
        )  # fmt: skip
        self.language_lines.append(line)


def friend_pairs(n: int, rng: random.Random) -> list[tuple[int, int]]:
    """5-20 friends each, mostly among learners with nearby ids (circles of friends)."""
    target = [0] + [rng.randint(5, 20) for _ in range(n)]
    degree = [0] * (n + 1)
    pairs: set[tuple[int, int]] = set()
    window = max(1, min(n - 1, 2_000))
    for a in range(1, n + 1):
        for _ in range(200):
            if degree[a] >= target[a]:
                break
            b = (a - 1 + rng.randint(1, window)) % n + 1
            pair = (min(a, b), max(a, b))
            if b != a and degree[b] < target[b] and pair not in pairs:
                pairs.add(pair)
                degree[a] += 1
                degree[b] += 1
    return sorted(pairs)


def friendship_lines(
    learners: list[Learner], pairs: list[tuple[int, int]], calendar: Calendar, rng: random.Random
) -> Iterator[str]:
    """Each friendship with the friend streak both ledgers imply (days both practised, on or
    after its first day), as `zeal.friends.streaks.derive_friend_streak` has it."""
    until = datetime.now(UTC) - timedelta(hours=1)
    for low, high in pairs:
        a, b = learners[low - 1], learners[high - 1]
        a.friends += 1
        b.friends += 1
        since = max(a.created_at, b.created_at)
        created = since + (until - since) * rng.random()
        first_day = max(local_date(a, created), local_date(b, created))
        from_first = ~((1 << max(0, calendar.index(first_day))) - 1)
        runs = runs_of(a.practised & b.practised & from_first)
        yield _line(
            low, high, pair_key(low, high), _ts(created), first_day.isoformat(), runs.current,
            calendar.text_of(runs.last), runs.best, calendar.text_of(runs.best_end),
        )  # fmt: skip


@dataclass
class Cohorts:
    lines: list[str] = field(default_factory=list)
    member_lines: list[str] = field(default_factory=list)


def plan_cohorts(learners: list[Learner], rng: random.Random, now: datetime) -> Cohorts:
    """Three classes per thousand learners, of 25-35 students and a teacher, boards on."""
    order = rng.sample(learners, k=len(learners))
    cohorts, codes, taken = Cohorts(), {""}, 0
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # as invite codes are made: no 0/O/1/I/L
    for cohort_id in range(1, max(2, len(learners) * 3 // 1_000) + 1):
        members = order[taken : taken + rng.randint(26, 36)]
        taken += len(members)
        if len(members) < 2:
            break
        code = ""
        while code in codes:
            code = "".join(rng.choices(alphabet, k=8))
        codes.add(code)
        created = now - timedelta(days=rng.uniform(30, 365))
        names = LeaderboardNames.ANONYMOUS if rng.random() < 0.2 else LeaderboardNames.VISIBLE
        cohorts.lines.append(
            _line(cohort_id, f"Class {cohort_id}", code, "t", names.value, _ts(created))
        )
        for position, member in enumerate(members):
            member.cohort_id = cohort_id
            role = Role.TEACHER if position == 0 else Role.STUDENT
            joined = _ts(created + timedelta(days=rng.uniform(0, 20)))
            cohorts.member_lines.append(
                _line(cohort_id, member.id, role.value, joined, active_key(cohort_id, member.id))
            )
    return cohorts


@dataclass(frozen=True)
class Catalog:
    """metric code -> (metric id, [(threshold, badge id), ...] by threshold)"""

    metrics: dict[str, tuple[int, list[tuple[int, int]]]]

    @classmethod
    def read(cls, conn: psycopg.Connection[Any]) -> "Catalog":
        metrics: dict[str, tuple[int, list[tuple[int, int]]]] = {}
        for code, metric_id, threshold, badge_id in conn.execute(
            "SELECT m.code, m.id, b.threshold, b.id FROM metric m "
            "JOIN badge b ON b.metric_id = m.id ORDER BY m.id, b.threshold"
        ):
            metrics.setdefault(code, (metric_id, []))[1].append((threshold, badge_id))
        return cls(metrics)


@dataclass
class Awards:
    metric_lines: list[str] = field(default_factory=list)
    badge_lines: list[str] = field(default_factory=list)


def plan_awards(
    learners: list[Learner], catalog: Catalog, calendar: Calendar, rng: random.Random
) -> Awards:
    """Metric values and badges as the server and catch-up leave them: counters summed from
    the ledger; streak days alive today, with badges by the best streak ever (so every badge at
    or below a stored value is owned, the invariant awarding relies on); friends as counted;
    a few one-time badges."""
    awards = Awards()
    updated = _ts(datetime.now(UTC))
    for learner in learners:
        for code, (value, qualifying) in _metric_values(learner, rng).items():
            if code not in catalog.metrics:
                continue
            metric_id, badges = catalog.metrics[code]
            if value:
                awards.metric_lines.append(_line(learner.id, metric_id, value, updated))
            awards.badge_lines.extend(
                _badge_line(learner, badge_id, calendar, rng)
                for threshold, badge_id in badges
                if threshold <= qualifying
            )
    return awards


def _metric_values(learner: Learner, rng: random.Random) -> dict[str, tuple[int, int]]:
    """metric code -> (stored value, the value owned badges are judged by)"""
    values = {code: (total, total) for code, total in zip(COUNTERS, learner.counters, strict=True)}
    values["streak_days"] = (learner.best_alive, learner.best_ever)
    values["friends"] = (learner.friends, learner.friends)
    multilingual = int(learner.languages_practised >= 2)
    values["multilingual"] = (multilingual, multilingual)
    for code, share in (("profile_customised", 0.35), ("night_owl", 0.04)):
        flag = int(rng.random() < share)
        values[code] = (flag, flag)
    return values


def _badge_line(learner: Learner, badge_id: int, calendar: Calendar, rng: random.Random) -> str:
    low = calendar.today[learner.timezone] - 1 if learner.first_day is None else learner.first_day
    day = rng.randint(low, max(low, learner.last_day or low))
    achieved = f"{calendar.text[day]} {rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}:00"
    seen = achieved if rng.random() < 0.85 else None  # some badges are still new
    return _line(learner.id, badge_id, achieved, seen)


@dataclass(frozen=True)
class Caller:
    """A learner the workload acts as: their session and what their requests need."""

    user_id: int
    headers: dict[str, str]
    languages: tuple[str, ...]
    cohort_id: int | None


def plan_callers(
    learners: list[Learner], k: int, rng: random.Random
) -> tuple[list[Caller], list[str]]:
    """Sessions for `k` learners, stored as signing in stores them (a SHA-256 digest)."""
    now = datetime.now(UTC)
    created, expires = _ts(now), _ts(now + timedelta(days=Settings().session_days))
    callers, lines = [], []
    for learner in rng.sample(learners, k=k):
        token = tokens.new_secret(tokens.SESSION_PREFIX)
        lines.append(_line(learner.id, tokens.digest(token), created, expires))
        headers = {"Authorization": f"Bearer {token}"}
        callers.append(Caller(learner.id, headers, tuple(learner.languages), learner.cohort_id))
    return callers, lines


# ---- loading with COPY -----------------------------------------------------------------------


def connect(url: str) -> psycopg.Connection[Any]:
    conninfo = make_url(normalise_url(url)).set(drivername="postgresql")
    return psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True)


def copy(
    conn: psycopg.Connection[Any],
    table: str,
    columns: Sequence[str],
    lines: Iterable[str],
    *,
    freeze: bool = True,
) -> int:
    """COPY text rows into `table` in one transaction; returns how many. A table no other
    table references is truncated first, so its rows can be written frozen: no vacuum pass is
    needed to set hint bits and the visibility map."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN{}").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(" WITH (FREEZE)" if freeze else ""),
    )
    with conn.transaction(), conn.cursor() as cursor:
        if freeze:
            cursor.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table)))
        with cursor.copy(statement) as stream:
            buffer: list[str] = []
            size = 0
            for line in lines:
                buffer.append(line)
                size += len(line)
                if size >= 1 << 20:
                    stream.write("".join(buffer))
                    buffer, size = [], 0
            stream.write("".join(buffer))
        return cursor.rowcount


@contextmanager
def step(label: str) -> Iterator[list[int]]:
    """Times one part of the build and prints it with the rows the body appended."""
    rows: list[int] = []
    started = time.perf_counter()
    yield rows
    counted = f"{sum(rows):>12,} rows" if rows else ""
    print(f"  {label:<46}{counted:>17} {time.perf_counter() - started:7.1f} s", flush=True)


def build(url: str, n: int, sample: int, seed: int) -> list[Caller]:
    """Loads the world; returns the learners the workload acts as."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    calendar = Calendar.around(now)
    minimum = Settings().min_daily_seconds  # the server reads the same environment
    with connect(url) as conn:
        # Consistent by construction (and checked before the run): foreign-key triggers would
        # only slow the bulk load down. Switching them off takes a superuser; else they stay.
        with suppress(psycopg.errors.InsufficientPrivilege):
            conn.execute("SET session_replication_role = replica")
        with step("learners planned (names, zones, sign-up dates)"):
            learners = plan_learners(n, rng, now)
        with step("user_account") as rows:
            lines = user_lines(learners, rng)
            rows.append(copy(conn, "user_account", USER_COLUMNS, lines, freeze=False))
        ledger = Ledger(calendar, DayPool.make(rng, minimum), rng)
        with step(f"practice_day (a year; min_daily_seconds={minimum})") as rows:
            rows.append(copy(conn, "practice_day", DAY_COLUMNS, ledger.lines(learners)))
        with step("practice_total (the ledger summed for boards)"), one_transaction(url) as s:
            totals.rebuild(s)
        shares = ", ".join(f"{name} {count / n:.0%}" for name, count in ledger.profiles.items())
        print(f"    learners: {shares}")
        with step("user_language (streaks from the ledger)") as rows:
            rows.append(copy(conn, "user_language", LANGUAGE_COLUMNS, ledger.language_lines))
        with step("friendship (friend streaks from both ledgers)") as rows:
            lines = friendship_lines(learners, friend_pairs(n, rng), calendar, rng)
            rows.append(copy(conn, "friendship", FRIENDSHIP_COLUMNS, lines))
        friends = sorted(learner.friends for learner in learners)
        print(f"    friends each: min {friends[0]}, median {friends[n // 2]}, max {friends[-1]}")
        _load_classes_and_badges(conn, learners, calendar, rng, now)
        with step("session_token") as rows:
            callers, lines = plan_callers(learners, sample, rng)
            rows.append(copy(conn, "session_token", SESSION_COLUMNS, lines))
        with step("sequences, VACUUM ANALYZE"):
            for table in ("user_account", "cohort"):
                conn.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({}, 'id'), max(id)) FROM {}"
                    ).format(sql.Literal(table), sql.Identifier(table))
                )
            conn.execute("VACUUM (ANALYZE)")
    return callers


def _load_classes_and_badges(
    conn: psycopg.Connection[Any],
    learners: list[Learner],
    calendar: Calendar,
    rng: random.Random,
    now: datetime,
) -> None:
    with step("cohort + cohort_member (boards on)") as rows:
        cohorts = plan_cohorts(learners, rng, now)
        rows.append(copy(conn, "cohort", COHORT_COLUMNS, cohorts.lines, freeze=False))
        rows.append(copy(conn, "cohort_member", MEMBER_COLUMNS, cohorts.member_lines))
    with step("user_metric + user_badge") as rows:
        awards = plan_awards(learners, Catalog.read(conn), calendar, rng)
        rows.append(copy(conn, "user_metric", METRIC_COLUMNS, awards.metric_lines))
        rows.append(copy(conn, "user_badge", BADGE_COLUMNS, awards.badge_lines))


# ---- the workload ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    caller: Caller
    params: dict[str, str] | None = None
    body: dict[str, Any] | None = None


@dataclass
class Tally:
    sent: Counter[str] = field(default_factory=Counter)
    latencies: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)
    acked: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (user, event id)
    # key -> why: a status answer was a refusal; a timeout or a dropped connection is no answer
    unacked: dict[str, str] = field(default_factory=dict)
    events_by: Counter[int] = field(default_factory=Counter)  # learner -> events sent
    replayed: int = 0

    def answered(self, call: Call, response: httpx2.Response, seconds: float) -> None:
        if not 200 <= response.status_code < 300:
            self.failed(call, f"{response.status_code} {_problem_code(response)}")
            return
        self.latencies[call.kind].append(seconds)
        if call.body is not None:
            key = call.body["idempotency_key"]
            self.acked[key] = (call.caller.user_id, response.json()["event"]["id"])
            self.replayed += response.status_code == 200

    def failed(self, call: Call, why: str) -> None:
        self.failures[(call.kind, why)] += 1
        if call.body is not None:
            self.unacked[call.body["idempotency_key"]] = why


def _problem_code(response: httpx2.Response) -> str:
    try:
        return str(response.json().get("code", "?"))
    except ValueError:
        return "(not JSON)"


class Workload:
    """Picks each request: who sends it and what it asks."""

    def __init__(self, callers: list[Caller]) -> None:
        self.callers = callers
        self.members = [c for c in callers if c.cohort_id is not None]
        self.deck = [kind for kind, weight in MIX.items() for _ in range(weight)]
        self.types = [kind for kind, weight in EVENT_TYPES.items() for _ in range(weight)]
        self.popular = list(LANGUAGES)[:8]

    def next(self, rng: random.Random) -> Call:
        kind = rng.choice(self.deck)
        caller = rng.choice(self.callers)
        if kind == "event":
            body = self._event(rng, caller)
            return Call(kind, "POST", "/v1/me/practice-events", caller, body=body)
        if kind in ("streaks", "friends", "badges"):
            return Call(kind, "GET", ENDPOINTS[kind].split()[1], caller)
        params = {"metric": rng.choice(board_metrics()).code, "period": rng.choice(PERIODS)}
        if kind == "cohort_board" and self.members:
            caller = rng.choice(self.members)
            path = f"/v1/cohorts/{caller.cohort_id}/leaderboard"
            return Call(kind, "GET", path, caller, params=params)
        return Call("friends_board", "GET", "/v1/leaderboards/friends", caller, params=params)

    def _event(self, rng: random.Random, caller: Caller) -> dict[str, Any]:
        kind = rng.choice(self.types)
        known = caller.languages and rng.random() < 0.85  # now and then a new language
        event: dict[str, Any] = {
            "type": kind,
            "language": rng.choice(caller.languages if known else self.popular),
            "idempotency_key": f"load-{uuid.uuid4().hex}",
        }
        if kind == "exercise" and rng.random() < 0.8:  # else a time report
            event["outcome"] = rng.choice(("correct", "correct", "correct", "wrong", "hint"))
        if kind in ("exercise", "reading", "listening") or rng.random() < 0.3:
            event["duration_seconds"] = rng.randint(5, 600)
        if rng.random() < LATE_EVENTS:
            back = timedelta(seconds=rng.uniform(3_600, 6.5 * 86_400))
            event["occurred_at"] = (datetime.now(UTC) - back).isoformat()
        return event


async def _client(
    http: httpx2.AsyncClient, workload: Workload, seed: int, stop: float, tally: Tally
) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < stop:
        call = workload.next(rng)
        tally.sent[call.kind] += 1
        if call.body is not None:
            tally.events_by[call.caller.user_id] += 1
        started = time.perf_counter()
        try:
            response = await http.request(
                call.method,
                call.path,
                params=call.params,
                json=call.body,
                headers=call.caller.headers,
            )
        except httpx2.TimeoutException:
            tally.failed(call, "timeout")
        except httpx2.TransportError as exc:
            tally.failed(call, type(exc).__name__)
        else:
            tally.answered(call, response, time.perf_counter() - started)


async def drive(
    base: str, workload: Workload, clients: int, seconds: float, *, keep_alive: bool
) -> tuple[Tally, float]:
    """`clients` loops, each sending its next request when the last one was answered."""
    tally = Tally()
    kept = clients if keep_alive else 0
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=kept)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=REQUEST_TIMEOUT) as http:
        started = time.perf_counter()
        stop = started + seconds
        await asyncio.gather(*(_client(http, workload, i, stop, tally) for i in range(clients)))
        return tally, time.perf_counter() - started


async def drive_hello(base: str, clients: int, seconds: float, *, keep_alive: bool) -> float:
    """The bare stack's rate (req/s) under the same clients: what the ratio is taken to."""
    kept = clients if keep_alive else 0
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=kept)
    answered = 0

    async def loop(http: httpx2.AsyncClient, stop: float) -> None:
        nonlocal answered
        while time.perf_counter() < stop:
            (await http.get("/")).raise_for_status()
            answered += 1

    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=REQUEST_TIMEOUT) as http:
        started = time.perf_counter()
        await asyncio.gather(*(loop(http, started + seconds) for _ in range(clients)))
        return answered / (time.perf_counter() - started)


def run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """On uvloop when it is installed: the client shares the cores with the server."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


# ---- who used the CPU ------------------------------------------------------------------------

PROC = Path("/proc/stat")
_TICK = os.sysconf("SC_CLK_TCK")


def _proc_fields(pid: int | str) -> list[str]:
    """/proc/PID/stat after the command name (field 3 onwards); empty once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _cpu_seconds(pids: Iterable[int]) -> float:
    fields = [_proc_fields(pid) for pid in pids]
    return sum(int(f[11]) + int(f[12]) for f in fields if f) / _TICK  # utime + stime


def _descendants(root: int) -> list[int]:
    children: defaultdict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _proc_fields(entry.name)):
            children[int(fields[1])].append(int(entry.name))
    found, stack = [], [root]
    while stack:
        for child in children[stack.pop()]:
            found.append(child)
            stack.append(child)
    return found


def _rss_mb(pid: int) -> float:
    """A process's resident memory now (VmRSS), in MB; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    kb = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return int(kb) / 1024


def _machine_seconds() -> float:
    """Busy CPU seconds of the whole machine so far (all cores), from /proc/stat."""
    ticks = [int(x) for x in PROC.read_text().splitlines()[0].split()[1:8]]
    return (sum(ticks) - ticks[3] - ticks[4]) / _TICK  # less idle and iowait


@dataclass
class CpuMeter:
    """Splits the machine's CPU time during the run: this client, the server processes (our
    children), the PostgreSQL backends of our database still connected at the end (each one
    opened for the run), and the rest (on a shared machine, other people's work)."""

    url: str
    started: float = 0.0
    machine: float = 0.0
    client: float = 0.0
    server: dict[int, float] = field(default_factory=dict)
    sessions: int = 0
    servers: list[int] = field(default_factory=list)

    def start(self) -> None:
        if not PROC.exists():
            return
        self.servers = _descendants(os.getpid())
        with connect(self.url) as conn:
            self.sessions = _scalar(conn, SESSIONS, {})
        self.started, self.machine = time.perf_counter(), _machine_seconds()
        self.client = time.process_time()
        self.server = {pid: _cpu_seconds([pid]) for pid in self.servers}

    def stop(self) -> str:
        if not PROC.exists():
            return "CPU: not measured (no /proc on this system)"
        elapsed = time.perf_counter() - self.started
        machine = _machine_seconds() - self.machine
        client = time.process_time() - self.client
        each = [_cpu_seconds([pid]) - used for pid, used in self.server.items()]
        server = sum(each)
        with connect(self.url) as conn:
            pids = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchall()
            # Less the two sessions this meter opened itself.
            opened = _scalar(conn, SESSIONS, {}) - self.sessions - 2
        database = _cpu_seconds(pid for (pid,) in pids)
        rest = machine - client - server - database
        memory = " + ".join(f"{_rss_mb(pid):.0f}" for pid in self.server)

        def share(seconds: float) -> str:
            return f"{seconds / elapsed:.0%}"

        return (
            f"CPU, in cores busy over the run ({os.cpu_count()} cores): machine {share(machine)}"
            f" = client {share(client)} + server processes {share(server)} "
            f"({' + '.join(share(s) for s in each)}) + PostgreSQL "
            f"backends {share(database)} ({len(pids)} connected at the end) + rest "
            f"{share(rest)}; PostgreSQL sessions opened during the run: {opened:,}\n"
            f"  memory after the run, resident (RSS) per server process: {memory} MB"
        )


# ---- reporting the run -----------------------------------------------------------------------


def report_workload(tally: Tally, elapsed: float, cpu: str) -> None:
    total = sum(tally.sent.values())
    every = [s for latencies in tally.latencies.values() for s in latencies]
    failed = Counter[str]()
    for (kind, _), count in tally.failures.items():
        failed[kind] += count
    print(f"  {total:,} requests in {elapsed:.1f} s: {total / elapsed:,.1f} req/s")
    print(f"  {'endpoint':<36}{'count':>8}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    rows = [(ENDPOINTS[k], tally.sent[k], failed[k], tally.latencies[k]) for k in ENDPOINTS]
    for name, count, errors, latencies in [*rows, ("all", total, failed.total(), every)]:
        p50, p99 = (common.percentile(latencies, q) * 1000 for q in (0.5, 0.99))
        print(f"  {name:<36}{count:>8,}{errors:>8,}{count / elapsed:>9.1f}{p50:>9.1f}{p99:>9.1f}")
    for (kind, why), count in sorted(tally.failures.items()):
        print(f"  error: {ENDPOINTS[kind]} -> {why}: {count:,}")
    most = max(tally.events_by.values(), default=0)
    print(
        f"  events came from {len(tally.events_by):,} learners, at most {most} from one in the "
        f"whole run (a per-learner cap of {EVENT_CAP_PER_MINUTE} a minute is far off)"
    )
    print(f"  {cpu}")


# ---- checks ----------------------------------------------------------------------------------

# Runs of consecutive days (gaps and islands): a day minus its row number is the same all along
# a run. `latest` is the run ending on the last day, `longest` the longest run (the earliest on
# a tie): what the stored streak, last day, max streak and its date must be.
_RUNS = """
islands AS (
    SELECT owner, lang, day,
           day - CAST(row_number() OVER (PARTITION BY owner, lang ORDER BY day) AS integer) AS isle
    FROM streak_days
), runs AS (
    SELECT owner, lang, count(*) AS length, max(day) AS last_day
    FROM islands GROUP BY owner, lang, isle
), latest AS (
    SELECT DISTINCT ON (owner, lang) owner, lang, length, last_day
    FROM runs ORDER BY owner, lang, last_day DESC
), longest AS (
    SELECT DISTINCT ON (owner, lang) owner, lang, length, last_day
    FROM runs ORDER BY owner, lang, length DESC, last_day
)"""

LANGUAGE_MISMATCHES = f"""
WITH streak_days AS (
    SELECT user_id AS owner, language AS lang, day FROM practice_day WHERE counts_for_streak
), {_RUNS}
SELECT coalesce(ul.user_id, latest.owner), coalesce(ul.language, latest.lang),
       ul.daily_streak, ul.last_practice_date, ul.max_streak, ul.max_streak_date,
       latest.length, latest.last_day, longest.length, longest.last_day
FROM user_language ul
FULL JOIN latest ON latest.owner = ul.user_id AND latest.lang = ul.language
LEFT JOIN longest ON longest.owner = latest.owner AND longest.lang = latest.lang
LEFT JOIN user_account learner ON learner.id = ul.user_id
WHERE ul.user_id IS NULL
   OR (ul.daily_streak IS DISTINCT FROM coalesce(latest.length, 0)
       -- a run that ended before the learner's yesterday is stored as 0 once they are seen
       AND NOT (ul.daily_streak = 0
                AND latest.last_day < (now() AT TIME ZONE learner.timezone)::date - 1))
   OR ul.last_practice_date IS DISTINCT FROM latest.last_day
   OR ul.max_streak IS DISTINCT FROM coalesce(longest.length, 0)
   OR ul.max_streak_date IS DISTINCT FROM longest.last_day
ORDER BY 1, 2
"""

FRIEND_MISMATCHES = f"""
WITH pairs AS (
    SELECT id, user_low_id, user_high_id, first_day FROM friendship
    WHERE active_pair IS NOT NULL
      AND (user_low_id = ANY(%(ids)s) OR user_high_id = ANY(%(ids)s))
), streak_days AS (
    SELECT DISTINCT p.id AS owner, '' AS lang, a.day
    FROM pairs p
    JOIN practice_day a ON a.user_id = p.user_low_id AND a.counts_for_streak
         AND a.day >= p.first_day
    JOIN practice_day b ON b.user_id = p.user_high_id AND b.counts_for_streak AND b.day = a.day
), {_RUNS}
SELECT f.id, f.user_low_id, f.user_high_id,
       f.friend_streak, f.streak_last_day, f.max_friend_streak, f.max_friend_streak_date,
       latest.length, latest.last_day, longest.length, longest.last_day
FROM pairs p JOIN friendship f ON f.id = p.id
LEFT JOIN latest ON latest.owner = f.id
LEFT JOIN longest ON longest.owner = f.id
WHERE f.friend_streak IS DISTINCT FROM coalesce(latest.length, 0)
   OR f.streak_last_day IS DISTINCT FROM latest.last_day
   OR f.max_friend_streak IS DISTINCT FROM coalesce(longest.length, 0)
   OR f.max_friend_streak_date IS DISTINCT FROM longest.last_day
ORDER BY 1
"""


SESSIONS = "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"


def _scalar(conn: psycopg.Connection[Any], query: str, params: dict[str, Any]) -> int:
    row = conn.execute(query, params).fetchone()
    return int(row[0]) if row else 0


def _show(row: Sequence[Any]) -> str:
    return " ".join("-" if value is None else str(value) for value in row)


def _verdict(differ: list[Any]) -> str:
    return "yes" if not differ else f"NO, {len(differ):,} differ"


def check_streaks(conn: psycopg.Connection[Any], friend_check: list[int], when: str) -> bool:
    """Every user_language row against its ledger, and the friend streaks of `friend_check`."""
    conn.execute("SET work_mem = '256MB'")
    started = time.perf_counter()
    rows = _scalar(conn, "SELECT count(*) FROM user_language", {})
    differ = conn.execute(LANGUAGE_MISMATCHES).fetchall()
    print(
        f"  {when}: user_language = ledger, all {rows:,} rows: {_verdict(differ)} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    for row in differ[:5]:
        print(f"    learner language, stored streak last max max-date, ledger's: {_show(row)}")
    started = time.perf_counter()
    ids = {"ids": friend_check}
    friendships = _scalar(
        conn,
        "SELECT count(*) FROM friendship WHERE active_pair IS NOT NULL "
        "AND (user_low_id = ANY(%(ids)s) OR user_high_id = ANY(%(ids)s))",
        ids,
    )
    wrong = conn.execute(FRIEND_MISMATCHES, ids).fetchall()
    print(
        f"  {when}: friend streak = both ledgers, {friendships:,} friendships of "
        f"{len(friend_check):,} learners: {_verdict(wrong)} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    for row in wrong[:5]:
        print(f"    friendship low high, stored streak last max max-date, ledger's: {_show(row)}")
    return not differ and not wrong


def check_events(conn: psycopg.Connection[Any], tally: Tally) -> bool:
    """Each acknowledged event stored once, with the id it was acknowledged with; the events
    not acknowledged counted apart (a timed-out one may or may not have been stored)."""
    stored: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    for user_id, key, event_id in conn.execute(
        "SELECT user_id, idempotency_key, id FROM practice_event"
    ):
        stored[key].append((user_id, event_id))
    seen: Counter[str] = Counter()
    for key, ack in tally.acked.items():
        rows = stored.get(key, [])
        if rows == [ack]:
            seen["once"] += 1
        else:
            seen["twice" if len(rows) > 1 else "other" if rows else "missing"] += 1
    for key, why in tally.unacked.items():
        kind = "refused" if why[0].isdigit() else "unanswered"
        seen[kind] += 1
        seen[f"{kind}, stored"] += key in stored
    unknown = sum(1 for key in stored if key not in tally.acked and key not in tally.unacked)
    total = sum(len(rows) for rows in stored.values())
    print(
        f"  events acknowledged: {len(tally.acked):,} ({tally.replayed} as replays); stored "
        f"once with the returned id: {seen['once']:,}; missing {seen['missing']}, stored more "
        f"than once {seen['twice']}, stored under another id or learner {seen['other']}"
    )
    print(
        f"  events not acknowledged: {seen['unanswered']:,} unanswered (timeout, connection "
        f"lost; {seen['unanswered, stored']:,} of them stored), {seen['refused']:,} refused "
        f"({seen['refused, stored']:,} stored)"
    )
    print(
        f"  rows in practice_event: {total:,} = {len(tally.acked):,} acknowledged "
        f"+ {seen['unanswered, stored']:,} unanswered + {seen['refused, stored']:,} refused "
        f"+ {unknown:,} unknown"
    )
    accounted = len(tally.acked) + seen["unanswered, stored"] + seen["refused, stored"] + unknown
    return (
        seen["once"] == len(tally.acked)
        and not seen["refused, stored"]
        and not unknown
        and total == accounted
    )


# ---- main ------------------------------------------------------------------------------------


def create_database(workdir: Path) -> str:
    """A fresh, migrated database of our own, so other benches' databases are left alone."""
    url = make_url(normalise_url(common.POSTGRESQL_URL)).set(database=DATABASE)
    # fresh_database() (re)creates the database its module's URL names: ours, for this call.
    common.POSTGRESQL_URL = url.render_as_string(hide_password=False)
    return common.fresh_database("postgresql", workdir)


def drop_database(url: str) -> None:
    parsed = make_url(normalise_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def run_workload(url: str, callers: list[Caller], args: argparse.Namespace) -> Tally:
    workload = Workload(callers)
    connections = "keep-alive connections" if args.keep_alive else "a new connection a request"
    print(
        f"\nworkload: {args.seconds:.0f} s, {args.clients} async clients (httpx2 on uvloop, "
        f"{connections}, one process on the same cores as the server), {len(callers):,} "
        f"learners with sessions ({len(workload.members):,} of them in classes)",
        flush=True,
    )
    with common.server(url, workers=SERVER_PROCESSES, source=args.server_src) as base:
        meter = CpuMeter(url)
        meter.start()
        coroutine = drive(base, workload, args.clients, args.seconds, keep_alive=args.keep_alive)
        tally, elapsed = run_async(coroutine)
        cpu = meter.stop()
    with hello_server(workers=SERVER_PROCESSES) as hello:
        seconds = min(args.seconds, 20.0)
        reference = run_async(drive_hello(hello, args.clients, seconds, keep_alive=args.keep_alive))
    report_workload(tally, elapsed, cpu)
    rate = sum(tally.sent.values()) / elapsed
    print(
        f"  the bare stack (bench.hello, {SERVER_PROCESSES} processes, the same clients, "
        f"{seconds:.0f} s): {reference:,.1f} req/s; this run's ratio to it: {rate / reference:.3f}"
    )
    return tally


def check_before(url: str, callers: list[Caller], rng: random.Random) -> bool:
    print("\nchecks before the run:", flush=True)
    ids = [caller.user_id for caller in callers]
    with connect(url) as conn:
        return check_streaks(conn, rng.sample(ids, k=min(FRIEND_CHECK_LEARNERS, len(ids))), "world")


def check_after(url: str, tally: Tally, rng: random.Random) -> bool:
    print("\nchecks after the run:", flush=True)
    practised = sorted({user_id for user_id, _ in tally.acked.values()})
    sample = rng.sample(practised, k=min(FRIEND_CHECK_LEARNERS, len(practised)))
    with connect(url) as conn:
        events_ok = check_events(conn, tally)
        return check_streaks(conn, sample, "after") and events_ok


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--learners", type=int, help="default 100000 (2000 with --quick)")
    parser.add_argument("--seconds", type=float, help="default 60 (10 with --quick)")
    parser.add_argument("--clients", type=int, default=12, help="concurrent clients")
    parser.add_argument(
        "--keep-alive", action="store_true", help="reuse connections (unevenly spread)"
    )
    parser.add_argument("--sample", type=int, default=4_000, help="learners with sessions")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help=f"keep the {DATABASE} database")
    parser.add_argument("--quick", action="store_true", help="a 2,000-learner, 10 s smoke run")
    parser.add_argument(
        "--server-src", help="serve zeal from this checkout's src/ (e.g. a git worktree of main)"
    )
    args = parser.parse_args()
    args.learners = args.learners or (2_000 if args.quick else 100_000)
    args.seconds = args.seconds or (10.0 if args.quick else 60.0)
    args.sample = max(1, min(args.sample, args.learners // 2))
    return args


def main() -> None:
    args = parse()
    print(
        f"load benchmark: PostgreSQL, {args.learners:,} learners, {SERVER_PROCESSES} server "
        f"processes, {args.clients} clients, {args.seconds:.0f} s"
    )
    rng = random.Random(args.seed + 1)
    url = ""
    try:
        with TemporaryDirectory() as workdir:
            started = time.perf_counter()
            with step(f"database {DATABASE} created and migrated"):
                url = create_database(Path(workdir))
            callers = build(url, args.learners, args.sample, args.seed)
        print(f"  {'world built':<63} {time.perf_counter() - started:7.1f} s")
        world_ok = check_before(url, callers, rng)
        tally = run_workload(url, callers, args)
        checks_ok = check_after(url, tally, rng)
    finally:
        if url and not args.keep:
            with suppress(Exception):
                drop_database(url)
    outcomes = {"world": world_ok, "no errors": not tally.failures, "checks": checks_ok}
    problems = [name for name, ok in outcomes.items() if not ok]
    print(f"\nverdict: {'OK' if not problems else 'FAILED: ' + ', '.join(problems)}")
    raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
