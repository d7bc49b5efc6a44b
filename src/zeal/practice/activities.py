"""What each kind of practice event adds to the learner's practice day."""

from enum import StrEnum
from typing import Final

from zeal.practice.models import PracticeDay

MAX_EVENT_SECONDS: Final = 4 * 3600


class PracticeType(StrEnum):
    EXERCISE = "exercise"
    READING = "reading"
    LISTENING = "listening"
    WORD_TRANSLATED = "word_translated"
    AUDIO_LESSON_COMPLETED = "audio_lesson_completed"
    ARTICLE_COMPLETED = "article_completed"
    WORD_LEARNED = "word_learned"


class Outcome(StrEnum):
    """How an exercise went. Only `correct` counts as a correct exercise."""

    CORRECT = "correct"
    WRONG = "wrong"
    HINT = "hint"
    TYPO = "typo"
    SKIPPED = "skipped"


# Where an event's `duration_seconds` is booked: exercise, reading or listening time.
_TIME_COLUMN: Final[dict[PracticeType, str]] = {
    PracticeType.EXERCISE: "exercise_seconds",
    PracticeType.WORD_LEARNED: "exercise_seconds",
    PracticeType.READING: "reading_seconds",
    PracticeType.WORD_TRANSLATED: "reading_seconds",
    PracticeType.ARTICLE_COMPLETED: "reading_seconds",
    PracticeType.LISTENING: "listening_seconds",
    PracticeType.AUDIO_LESSON_COMPLETED: "listening_seconds",
}

_COUNTER: Final[dict[PracticeType, str]] = {
    PracticeType.WORD_TRANSLATED: "words_translated",
    PracticeType.WORD_LEARNED: "words_learned",
    PracticeType.AUDIO_LESSON_COMPLETED: "audio_lessons_completed",
    PracticeType.ARTICLE_COMPLETED: "articles_read",
}


def add_to_day(
    day: PracticeDay, kind: PracticeType, outcome: Outcome | None, duration_seconds: int | None
) -> None:
    """Book one event on its practice day (the counters only; streak credit is decided apart)."""
    day.events += 1
    if duration_seconds:
        column = _TIME_COLUMN[kind]
        setattr(day, column, getattr(day, column) + duration_seconds)
    if kind in _COUNTER:
        setattr(day, _COUNTER[kind], getattr(day, _COUNTER[kind]) + 1)
    # An exercise event without an outcome is a time report ("5 minutes of exercises").
    if kind is PracticeType.EXERCISE and outcome is not None:
        day.exercises_done += 1
        if outcome is Outcome.CORRECT:
            day.exercises_correct += 1


def meets_minimum(day: PracticeDay, min_daily_seconds: int) -> bool:
    """Whether the day counts for the streak: any practice when no minimum is set, else enough
    exercise, reading and listening time summed over the day's events."""
    return day.events > 0 and day.practice_seconds >= min_daily_seconds
