"""The kinds of practice event and how an exercise went."""

from enum import StrEnum
from typing import Final

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
