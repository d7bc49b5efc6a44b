"""A server killed with SIGKILL in the middle of a burst of practice events loses no event it
acknowledged and, once restarted and sent the same events again, counts nothing twice.

A real `zeal serve` process runs on the test backend's database. Several learners' events go
out from several threads, each with its own idempotency key; when the server's N-th
acknowledgement arrives the client kills the process, while other requests are in flight.
A new server on the same database then gets every event that was not acknowledged and a
sample of those that were, with their original keys and bodies. What is stored must then be
exactly one row per event, and every derived value (practice days, streaks, badge metrics,
badges) must equal what the stored events imply: no learner is left half-updated.

The server runs on the system clock, so events carry no `occurred_at` (they happen now) and
nothing below depends on today's date.
"""

import signal
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.servers import Server, zeal_serve
from zeal.badges.models import Badge, Metric, UserBadge, UserMetric
from zeal.db import Database
from zeal.practice.models import PracticeDay, PracticeEvent, UserLanguage
from zeal.practice.streaks import derive_streak

LEARNERS = 4
# Each learner's events stay well under the per-learner cap on events per minute.
EVENTS_PER_LEARNER = 30
SENDERS = 8
KILL_AT_ACK = 40

# What each event is, by its position in a learner's list: exercises and reading in two
# languages. 30 events give 10 correct exercises (a badge threshold), 5 articles (another).
KINDS: list[dict[str, Any]] = [
    {"type": "exercise", "language": "es", "outcome": "correct"},
    {"type": "reading", "language": "es"},
    {"type": "word_translated", "language": "es"},
    {"type": "exercise", "language": "fr", "outcome": "wrong"},
    {"type": "article_completed", "language": "fr"},
    {"type": "exercise", "language": "fr", "outcome": "correct"},
]
# Which practice-day column an event's seconds and its count go to (docs/design.md §3).
SECONDS_COLUMN = {
    "exercise": "exercise_seconds",
    "reading": "reading_seconds",
    "word_translated": "reading_seconds",
    "article_completed": "reading_seconds",
}
COUNT_COLUMN = {"word_translated": "words_translated", "article_completed": "articles_read"}
DAY_COLUMNS = (
    "events", "exercises_done", "exercises_correct", "exercise_seconds", "reading_seconds",
    "listening_seconds", "words_translated", "words_learned", "audio_lessons_completed",
    "articles_read", "xp",
)  # fmt: skip
# What each kind earns by the default XP table (docs/design.md §3): per event, per minute.
XP_EARNED = {
    ("exercise", "correct"): (10, 0),
    ("exercise", "wrong"): (2, 0),
    ("reading", None): (0, 1),
    ("word_translated", None): (1, 0),
    ("article_completed", None): (20, 0),
}
# Badge metrics that count events of one kind (src/zeal/badges/service.py).
COUNTER_METRICS = {
    "translated_words": lambda e: e.type == "word_translated",
    "read_articles": lambda e: e.type == "article_completed",
    "correct_exercises": lambda e: e.type == "exercise" and e.outcome == "correct",
    "completed_audio_lessons": lambda e: e.type == "audio_lesson_completed",
    "learned_words": lambda e: e.type == "word_learned",
}


# ---- learners and their events ---------------------------------------------------------------


@dataclass(frozen=True)
class Learner:
    id: int
    headers: dict[str, str]


@dataclass(frozen=True)
class Event:
    learner: Learner
    body: dict[str, Any]

    @property
    def key(self) -> str:
        return str(self.body["idempotency_key"])


def sign_up(client: httpx2.Client, n: int) -> Learner:
    body = {"email": f"crash{n}@example.com", "password": PASSWORD, "timezone": "UTC"}
    created = client.post("/v1/users", json=body)
    assert created.status_code == 201, created.text
    signed_in = client.post("/v1/sessions", json={"login": body["email"], "password": PASSWORD})
    assert signed_in.status_code == 201, signed_in.text
    return Learner(created.json()["id"], {"Authorization": f"Bearer {signed_in.json()['token']}"})


def events_of(learners: list[Learner]) -> list[Event]:
    """Every learner's events, interleaved, so the learners' requests run side by side."""
    events = []
    for i in range(EVENTS_PER_LEARNER):
        for learner in learners:
            body = {**KINDS[i % len(KINDS)], "idempotency_key": f"learner{learner.id}-event{i}"}
            if i % 4:  # some events report no time at all
                body["duration_seconds"] = 5 + (7 * i) % 60
            events.append(Event(learner, body))
    return events


# ---- the burst and the kill ------------------------------------------------------------------


@dataclass
class Burst:
    """Events sent from several threads until the server is killed at the N-th acknowledgement."""

    server: Server
    events: list[Event]
    kill_at: int
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> the 201 body
    unexpected: list[str] = field(default_factory=list)
    in_flight_at_kill: int | None = None
    _in_flight: int = 0
    _next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, senders: int) -> None:
        threads = [threading.Thread(target=self._send_until_killed) for _ in range(senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    def _take(self) -> Event | None:
        with self._lock:
            if self.in_flight_at_kill is not None or self._next == len(self.events):
                return None
            self._in_flight += 1
            self._next += 1
            return self.events[self._next - 1]

    def _send_until_killed(self) -> None:
        with httpx2.Client(base_url=self.server.base_url, timeout=10) as client:
            while (event := self._take()) is not None:
                try:
                    response = client.post(
                        "/v1/me/practice-events", json=event.body, headers=event.learner.headers
                    )
                except httpx2.TransportError:
                    # The server died under this request: it was not acknowledged.
                    with self._lock:
                        self._in_flight -= 1
                    continue
                with self._lock:
                    self._in_flight -= 1
                    if response.status_code != 201:
                        self.unexpected.append(f"{response.status_code} {response.text}")
                        continue
                    self.acked[event.key] = response.json()
                    if len(self.acked) == self.kill_at:
                        # Killed from the client side the moment this ack arrives, while the
                        # other senders' requests are still being served.
                        self.in_flight_at_kill = self._in_flight
                        self.server.process.send_signal(signal.SIGKILL)


# ---- the test --------------------------------------------------------------------------------


def test_a_killed_server_loses_no_acknowledged_event_and_counts_none_twice(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "zeal-serve.log"
    with zeal_serve(database_url, log) as server:
        with httpx2.Client(base_url=server.base_url, timeout=10) as client:
            learners = [sign_up(client, n) for n in range(LEARNERS)]
        events = events_of(learners)
        burst = Burst(server, events, KILL_AT_ACK)
        burst.run(SENDERS)
        assert not burst.unexpected, burst.unexpected
        assert burst.in_flight_at_kill is not None, f"not killed after {len(burst.acked)} acks"
        assert server.process.wait(timeout=15) == -signal.SIGKILL
    assert burst.in_flight_at_kill > 0, "the kill came while no request was in flight"
    assert KILL_AT_ACK <= len(burst.acked) < len(events)

    # A new server on the same database; every event not acknowledged is sent again, and a
    # sample of the acknowledged ones, each with its original key and body.
    unacked = [event for event in events if event.key not in burst.acked]
    sample = [event for event in events if event.key in burst.acked][::3]
    answered: dict[str, dict[str, Any]] = {}  # key -> the body the client finally holds
    with (
        zeal_serve(database_url, log) as server,
        httpx2.Client(base_url=server.base_url, timeout=10) as client,
    ):
        for event in sample:
            response = client.post(
                "/v1/me/practice-events", json=event.body, headers=event.learner.headers
            )
            # Already stored: the first answer again, with the same event id.
            assert response.status_code == 200, response.text
            assert response.headers["idempotent-replayed"] == "true"
            assert response.json() == burst.acked[event.key]
        for event in unacked:
            response = client.post(
                "/v1/me/practice-events", json=event.body, headers=event.learner.headers
            )
            # 201 if the crash lost it; 200 (a replay) if it was stored but its answer lost.
            assert response.status_code in (200, 201), response.text
            replayed = response.headers.get("idempotent-replayed") == "true"
            assert replayed == (response.status_code == 200), response.headers
            answered[event.key] = response.json()
    answered.update(burst.acked)

    stored = stored_events(db)
    # Every event is stored exactly once, under the id its answers gave.
    assert sorted(row.key for row in stored) == sorted(event.key for event in events)
    assert {row.key: row.id for row in stored} == {
        key: body["event"]["id"] for key, body in answered.items()
    }
    by_learner: dict[int, list[StoredEvent]] = defaultdict(list)
    for row in stored:
        by_learner[row.user_id].append(row)
    assert set(by_learner) == {learner.id for learner in learners}
    assert_practice_days_are_the_sums_of_events(db, by_learner)
    assert_streaks_equal_the_ledger(db)
    assert_badge_metrics_count_the_events(db, by_learner)
    # Each badge a learner owns was announced once, by the answer of the event that earned it.
    announced = Counter(
        (event.learner.id, badge["badge_id"])
        for event in events
        for badge in answered[event.key]["new_badges"]
    )
    assert announced == Counter(owned_badges(db))


# ---- what is stored --------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredEvent:
    id: int
    user_id: int
    key: str
    type: str
    language: str
    day: date
    hour: int
    duration_seconds: int | None
    outcome: str | None


def xp_of(event: "StoredEvent") -> int:
    per_event, per_minute = XP_EARNED[event.type, event.outcome]
    return per_event + per_minute * ((event.duration_seconds or 0) // 60)


def stored_events(db: Database) -> list[StoredEvent]:
    with db.transaction(write=False) as session:
        rows = session.scalars(select(PracticeEvent).order_by(PracticeEvent.id)).all()
        return [
            StoredEvent(
                row.id,
                row.user_id,
                row.idempotency_key or "",
                row.type,
                row.language,
                row.day,
                row.occurred_at.hour,
                row.duration_seconds,
                row.outcome,
            )
            for row in rows
        ]


def assert_practice_days_are_the_sums_of_events(
    db: Database, by_learner: dict[int, list[StoredEvent]]
) -> None:
    expected: dict[tuple[int, str, date], Counter[str]] = defaultdict(Counter)
    for user_id, rows in by_learner.items():
        for row in rows:
            sums = expected[(user_id, row.language, row.day)]
            sums["events"] += 1
            sums["xp"] += xp_of(row)
            sums[SECONDS_COLUMN[row.type]] += row.duration_seconds or 0
            if row.type in COUNT_COLUMN:
                sums[COUNT_COLUMN[row.type]] += 1
            if row.type == "exercise" and row.outcome is not None:
                sums["exercises_done"] += 1
                sums["exercises_correct"] += row.outcome == "correct"
    with db.transaction(write=False) as session:
        days = session.scalars(select(PracticeDay)).all()
        actual = {
            (day.user_id, day.language, day.day): {c: getattr(day, c) for c in DAY_COLUMNS}
            for day in days
        }
        # No minimum effort is set, so every day with an event counts for the streak.
        assert all(day.counts_for_streak for day in days)
    assert actual == {
        where: {column: sums[column] for column in DAY_COLUMNS} for where, sums in expected.items()
    }


def assert_streaks_equal_the_ledger(db: Database) -> None:
    with db.transaction(write=False) as session:
        ledger: dict[tuple[int, str], list[date]] = defaultdict(list)
        for day in session.scalars(select(PracticeDay).where(PracticeDay.counts_for_streak)):
            ledger[(day.user_id, day.language)].append(day.day)
        stored = {
            (ul.user_id, ul.language): (
                ul.daily_streak,
                ul.last_practice_date,
                ul.max_streak,
                ul.max_streak_date,
            )
            for ul in session.scalars(select(UserLanguage))
        }
    expected = {}
    for where, days in ledger.items():
        state = derive_streak(days)
        expected[where] = (
            state.daily_streak,
            state.last_practice_date,
            state.max_streak,
            state.max_streak_date,
        )
    assert stored == expected


def assert_badge_metrics_count_the_events(
    db: Database, by_learner: dict[int, list[StoredEvent]]
) -> None:
    with db.transaction(write=False) as session:
        values = {
            (user_id, code): value
            for user_id, code, value in session.execute(
                select(UserMetric.user_id, Metric.code, UserMetric.value).join(
                    Metric, Metric.id == UserMetric.metric_id
                )
            )
        }
        streaks = {
            (ul.user_id, ul.language): ul.daily_streak
            for ul in session.scalars(select(UserLanguage))
        }
        thresholds = session.execute(
            select(Metric.code, Badge.id, Badge.threshold).join(
                Metric, Metric.id == Badge.metric_id
            )
        ).all()
    for user_id, rows in by_learner.items():
        languages = {row.language for row in rows}
        expected = {
            code: sum(1 for row in rows if counts(row)) for code, counts in COUNTER_METRICS.items()
        }
        # The events all happened within seconds: the best streak alive is the longest one.
        expected["streak_days"] = max(streaks[(user_id, lang)] for lang in languages)
        expected["multilingual"] = int(len(languages) >= 2)
        expected["night_owl"] = int(any(row.hour < 4 for row in rows))  # learners are on UTC
        expected["xp"] = sum(xp_of(row) for row in rows)
        actual = {code: values.get((user_id, code), 0) for code in expected}
        assert actual == expected, f"learner {user_id}"
        # Every badge whose threshold the metrics reached is owned, and no other.
        owned = {badge for owner, badge in owned_badges(db) if owner == user_id}
        assert owned == {
            badge
            for code, badge, threshold in thresholds
            if code in expected and expected[code] >= threshold
        }, f"learner {user_id}"


def owned_badges(db: Database) -> list[tuple[int, int]]:
    with db.transaction(write=False) as session:
        return [
            tuple(row) for row in session.execute(select(UserBadge.user_id, UserBadge.badge_id))
        ]  # type: ignore[misc]
