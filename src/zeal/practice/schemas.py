"""Request and response shapes for practice events, streaks and the practice-day ledger."""

from datetime import date, datetime

from pydantic import AwareDatetime, Field

from zeal.badges.schemas import NewBadge
from zeal.practice.activities import MAX_EVENT_SECONDS, Outcome, PracticeType
from zeal.practice.languages import LANGUAGES
from zeal.practice.models import PracticeDay, PracticeEvent
from zeal.practice.service import StreakView
from zeal.schemas import Schema


class PracticeEventCreate(Schema):
    type: PracticeType
    language: str = Field(max_length=8, description="ISO 639-1 code, e.g. 'es'.", examples=["es"])
    occurred_at: AwareDatetime | None = Field(
        default=None,
        description="When it happened, with a UTC offset; defaults to now. At most a few minutes "
        "ahead of the server's clock and at most 7 days in the past.",
    )
    duration_seconds: int | None = Field(default=None, ge=0, le=MAX_EVENT_SECONDS)
    outcome: Outcome | None = Field(default=None, description="Exercises only.")
    idempotency_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Send the same key again (e.g. on a retry) and the event is not counted twice.",
    )


class PracticeEventRead(Schema):
    id: int
    type: PracticeType
    language: str
    occurred_at: datetime
    day: date = Field(description="The learner's local date the event was booked on.")
    duration_seconds: int | None
    outcome: Outcome | None
    idempotency_key: str | None
    received_at: datetime

    @classmethod
    def of(cls, event: PracticeEvent) -> "PracticeEventRead":
        return cls.model_validate(event)


class StreakRead(Schema):
    language: str
    language_name: str
    daily_streak: int = Field(description="0 once a whole local day passed without practice.")
    max_streak: int
    max_streak_date: date | None = Field(description="The local date the best streak was reached.")
    last_practice_date: date | None
    practiced_today: bool = Field(description="Whether today already counts for the streak.")
    practice_seconds_today: int

    @classmethod
    def of(cls, view: StreakView) -> "StreakRead":
        return cls(language_name=LANGUAGES[view.language], **view.__dict__)


class PracticeRecorded(Schema):
    event: PracticeEventRead
    streak: StreakRead
    new_badges: list[NewBadge] = Field(description="Badges this event achieved.")


class StreakList(Schema):
    today: date = Field(description="The learner's local date now.")
    min_daily_seconds: int = Field(
        description="Exercise, reading and listening seconds a day needs before it counts."
    )
    streaks: list[StreakRead]


class PracticeDayRead(Schema):
    language: str
    day: date
    counts_for_streak: bool
    events: int
    exercises_done: int
    exercises_correct: int
    exercise_seconds: int
    reading_seconds: int
    listening_seconds: int
    practice_seconds: int
    words_translated: int
    words_learned: int
    audio_lessons_completed: int
    articles_read: int

    @classmethod
    def of(cls, row: PracticeDay) -> "PracticeDayRead":
        return cls.model_validate(row)


class PracticeDayList(Schema):
    from_: date = Field(alias="from")
    to: date
    days: list[PracticeDayRead]
