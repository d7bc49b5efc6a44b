"""The metric registry: every number Zeal measures about a learner, declared once.

A metric says where it is kept (a `practice_day` column, or nowhere: derived when read), which
practice events feed it, how badges award it, its unit and label, and how a leaderboard ranks
it. Booking practice, the `practice_day` table and its schema, badge evaluation and catch-up,
the catalog's checks, the boards and the pages all read this table; adding a metric is one
entry here, one migration for its column, and catalog levels with an icon.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from zeal.practice.activities import Outcome, PracticeType


class Unit(StrEnum):
    COUNT = "count"
    SECONDS = "seconds"
    DAYS = "days"


class Mechanism(StrEnum):
    """How badges read a metric."""

    COUNTER = "counter"  # only goes up
    GAUGE = "gauge"  # the current value; may fall (a badge once won is kept)
    ONE_TIME = "one_time"  # achieved once


class Ranking(StrEnum):
    """How a leaderboard ranks a metric."""

    SUM = "sum"  # the column summed over the period's practice days
    DAYS = "days"  # distinct local days with practice in the period
    STREAK = "streak"  # the current daily streak, best language; the period does not apply


class Books(StrEnum):
    """What an event that feeds a metric adds to its column."""

    ONE = "one"
    DURATION = "duration"  # the event's duration_seconds
    XP = "xp"  # what the platform's XP table gives the event (`practice.xp`, booked there)


@dataclass(frozen=True)
class Feed:
    """Events of `type` feed the metric; with `outcomes`, only exercises that had one of them."""

    type: PracticeType
    outcomes: frozenset[Outcome] | None = None

    def matches(self, kind: PracticeType, outcome: Outcome | None) -> bool:
        if kind is not self.type:
            return False
        return self.outcomes is None or outcome in self.outcomes


@dataclass(frozen=True)
class MetricDefinition:
    code: str
    label: str
    unit: Unit
    column: str | None = None  # the practice_day column it is booked in; None: derived
    feeds: tuple[Feed, ...] = ()
    books: Books = Books.ONE
    mechanism: Mechanism | None = None  # None: no badges for it
    ranking: Ranking | None = None  # None: not on leaderboards

    def amount(self, kind: PracticeType, outcome: Outcome | None, seconds: int | None) -> int:
        """What one event adds to this metric (0 when it does not feed it; XP comes from the
        XP table, which recording reads)."""
        if not any(feed.matches(kind, outcome) for feed in self.feeds):
            return 0
        return (seconds or 0) if self.books is Books.DURATION else 1


class MetricRegistry:
    def __init__(self, metrics: list[MetricDefinition]) -> None:
        self._metrics = {metric.code: metric for metric in metrics}

    def __iter__(self) -> Iterator[MetricDefinition]:
        return iter(list(self._metrics.values()))

    def __contains__(self, code: object) -> bool:
        return code in self._metrics

    def __getitem__(self, code: str) -> MetricDefinition:
        return self._metrics[code]

    def booked(self) -> list[MetricDefinition]:
        """Metrics kept in a practice_day column."""
        return [metric for metric in self if metric.column is not None]

    def for_badges(self) -> list[MetricDefinition]:
        return [metric for metric in self if metric.mechanism is not None]

    def booked_counters(self) -> list[MetricDefinition]:
        """Badge counters rebuilt from the ledger (catch-up) and moved by each event."""
        return [m for m in self.booked() if m.mechanism is Mechanism.COUNTER]

    def on_boards(self) -> list[MetricDefinition]:
        return [metric for metric in self if metric.ranking is not None]

    @contextmanager
    def extended(self, *metrics: MetricDefinition) -> Iterator[None]:
        """The registry with more metrics for the duration of the block (a platform's own
        metric in a test, say); their columns must exist."""
        added = [metric for metric in metrics if metric.code not in self._metrics]
        self._metrics.update((metric.code, metric) for metric in added)
        try:
            yield
        finally:
            for metric in added:
                del self._metrics[metric.code]


_EXERCISE = PracticeType.EXERCISE
METRICS = MetricRegistry(
    [
        MetricDefinition(
            "correct_exercises", "Correct exercises", Unit.COUNT, column="exercises_correct",
            feeds=(Feed(_EXERCISE, frozenset({Outcome.CORRECT})),),
            mechanism=Mechanism.COUNTER, ranking=Ranking.SUM,
        ),
        # An exercise without an outcome is a time report ("5 minutes of exercises").
        MetricDefinition(
            "exercises_done", "Exercises done", Unit.COUNT, column="exercises_done",
            feeds=(Feed(_EXERCISE, frozenset(Outcome)),),
        ),
        MetricDefinition("practice_days", "Days practised", Unit.DAYS, ranking=Ranking.DAYS),
        MetricDefinition("streak", "Current streak", Unit.DAYS, ranking=Ranking.STREAK),
        MetricDefinition(
            "exercise_time", "Exercise time", Unit.SECONDS, column="exercise_seconds",
            feeds=(Feed(_EXERCISE), Feed(PracticeType.WORD_LEARNED)), books=Books.DURATION,
            ranking=Ranking.SUM,
        ),
        MetricDefinition(
            "reading_time", "Reading time", Unit.SECONDS, column="reading_seconds",
            feeds=(
                Feed(PracticeType.READING), Feed(PracticeType.WORD_TRANSLATED),
                Feed(PracticeType.ARTICLE_COMPLETED),
            ),
            books=Books.DURATION, ranking=Ranking.SUM,
        ),
        MetricDefinition(
            "listening_time", "Listening time", Unit.SECONDS, column="listening_seconds",
            feeds=(Feed(PracticeType.LISTENING), Feed(PracticeType.AUDIO_LESSON_COMPLETED)),
            books=Books.DURATION, ranking=Ranking.SUM,
        ),
        MetricDefinition(
            "read_articles", "Articles read", Unit.COUNT, column="articles_read",
            feeds=(Feed(PracticeType.ARTICLE_COMPLETED),),
            mechanism=Mechanism.COUNTER, ranking=Ranking.SUM,
        ),
        MetricDefinition(
            "translated_words", "Words translated", Unit.COUNT, column="words_translated",
            feeds=(Feed(PracticeType.WORD_TRANSLATED),),
            mechanism=Mechanism.COUNTER, ranking=Ranking.SUM,
        ),
        MetricDefinition(
            "completed_audio_lessons", "Audio lessons completed", Unit.COUNT,
            column="audio_lessons_completed", feeds=(Feed(PracticeType.AUDIO_LESSON_COMPLETED),),
            mechanism=Mechanism.COUNTER,
        ),
        MetricDefinition(
            "learned_words", "Words learned", Unit.COUNT, column="words_learned",
            feeds=(Feed(PracticeType.WORD_LEARNED),), mechanism=Mechanism.COUNTER,
        ),
        # Every event earns what the platform's XP table says (`practice.xp`).
        MetricDefinition(
            "xp", "XP", Unit.COUNT, column="xp", books=Books.XP,
            mechanism=Mechanism.COUNTER, ranking=Ranking.SUM,
        ),
        # Derived when read or when they change; the badges package computes them.
        MetricDefinition("streak_days", "Streak days", Unit.DAYS, mechanism=Mechanism.GAUGE),
        MetricDefinition(
            "goal_streak_days", "Goal streak", Unit.DAYS, mechanism=Mechanism.GAUGE
        ),
        MetricDefinition("friends", "Friends", Unit.COUNT, mechanism=Mechanism.GAUGE),
        # Moved when a league week closes (`leagues.closing`).
        MetricDefinition(
            "league_promotions", "League promotions", Unit.COUNT, mechanism=Mechanism.COUNTER
        ),
        MetricDefinition(
            "league_top_three", "Top-three league finishes", Unit.COUNT,
            mechanism=Mechanism.COUNTER,
        ),
        MetricDefinition(
            "profile_customised", "Profile customised", Unit.COUNT, mechanism=Mechanism.ONE_TIME
        ),
        MetricDefinition(
            "multilingual", "Streaks in two languages", Unit.COUNT, mechanism=Mechanism.ONE_TIME
        ),
        MetricDefinition(
            "night_owl", "Practice after midnight", Unit.COUNT, mechanism=Mechanism.ONE_TIME
        ),
    ]
)  # fmt: skip
