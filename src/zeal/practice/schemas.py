"""Request and response shapes for practice events, streaks and the practice-day ledger."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import AwareDatetime, Field, create_model

from zeal.badges.schemas import NewBadge
from zeal.practice.activities import MAX_EVENT_SECONDS, Outcome, PracticeType
from zeal.practice.freezes import FreezeView, Grant
from zeal.practice.goals import GoalProgress
from zeal.practice.languages import LANGUAGES, MAX_TAG_LENGTH, as_language
from zeal.practice.metrics import METRICS
from zeal.practice.models import PracticeDay, PracticeEvent
from zeal.practice.reading import StreakView
from zeal.practice.recording import Practice, key_hash
from zeal.practice.repairs import Offer
from zeal.schemas import Schema


class PracticeEventCreate(Schema):
    type: PracticeType
    language: str = Field(
        max_length=MAX_TAG_LENGTH,
        description="A BCP 47 language tag whose language is an ISO 639-1 code, e.g. 'es' or "
        "'es-MX'. Streaks and boards count the language ('es'); the event keeps the tag.",
        examples=["es", "pt-BR", "zh-Hant"],
    )
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

    def command(self) -> Practice:
        return Practice(
            type=self.type,
            language=as_language(self.language),
            language_tag=self.language,
            occurred_at=self.occurred_at,
            duration_seconds=self.duration_seconds,
            outcome=self.outcome,
            idempotency_key=self.idempotency_key,
        )


class PracticeEventRead(Schema):
    id: int
    type: PracticeType
    language: str = Field(description="The ISO 639-1 language the event counted for.")
    language_tag: str = Field(description="The language tag as sent, e.g. 'es-MX'.")
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
    xp_today: int = Field(description="XP earned today in this language.")
    kept_through: date | None = Field(
        default=None,
        description="The last day a streak freeze kept, when the streak runs on through it "
        "after its last practice day (the streak is alive through that day).",
    )

    @classmethod
    def of(cls, view: StreakView) -> "StreakRead":
        return cls(language_name=LANGUAGES[view.language], **view.__dict__)


class PracticeRecorded(Schema):
    event: PracticeEventRead
    streak: StreakRead
    new_badges: list[NewBadge] = Field(description="Badges this event achieved.")
    xp_earned: int = Field(description="XP this event earned (the platform's XP table).")
    xp_today: int = Field(description="XP earned today in every language, this event's too.")


class GoalRead(Schema):
    today: date = Field(description="The learner's local date now.")
    goal_xp: int = Field(description="Today's goal: the learner's choice, or the default.")
    xp_today: int
    met: bool = Field(description="Whether today's XP reached today's goal.")
    goal_streak: int = Field(
        description="Days in a row that met their goal, up to today (or yesterday, while "
        "today still may)."
    )
    presets: list[int] = Field(description="The goals a learner may choose (PATCH /v1/me).")

    @classmethod
    def of(cls, progress: GoalProgress, presets: list[int]) -> "GoalRead":
        return cls(
            today=progress.today,
            goal_xp=progress.goal_xp,
            xp_today=progress.xp_today,
            met=progress.met,
            goal_streak=progress.goal_streak,
            presets=presets,
        )


class StreakList(Schema):
    today: date = Field(description="The learner's local date now.")
    min_daily_seconds: int = Field(
        description="Exercise, reading and listening seconds a day needs before it counts."
    )
    streaks: list[StreakRead]
    xp_today: int = Field(description="XP earned today in every language.")


class _PracticeDayFields(Schema):
    language: str
    day: date
    counts_for_streak: bool
    events: int
    practice_seconds: int

    @classmethod
    def of(cls, row: PracticeDay) -> "_PracticeDayFields":
        return cls.model_validate(row)


# One field per column the metric registry books in the ledger.
_COUNTERS: dict[str, Any] = {
    str(metric.column): (int, Field(description=f"{metric.label} ({metric.unit})."))
    for metric in METRICS.booked()
}
if TYPE_CHECKING:
    PracticeDayRead = _PracticeDayFields
else:
    PracticeDayRead = create_model("PracticeDayRead", __base__=_PracticeDayFields, **_COUNTERS)


class KeptDayRead(Schema):
    language: str
    day: date
    kind: Literal["frozen", "repaired"] = Field(
        description="frozen: a streak freeze kept the streak through this day; repaired: a "
        "streak repair did, after the streak had broken."
    )


class PracticeDayList(Schema):
    from_: date = Field(alias="from")
    to: date
    days: list[PracticeDayRead]
    kept_days: list[KeptDayRead] = Field(
        description="Days in the range without practice that a streak freeze kept."
    )


class FreezeRead(Schema):
    id: int
    source: Literal["earned", "granted"]
    reason: str | None = Field(description="A grant's reason, as the platform wrote it.")
    earned_language: str | None = Field(description="The language whose streak earned it.")
    earned_streak: int | None = Field(description="The streak length that earned it.")
    created_at: datetime
    language: str | None = Field(description="The language it kept (null while held).")
    day: date | None = Field(description="The local day it kept (null while held).")
    spent_at: datetime | None

    @classmethod
    def of(cls, view: FreezeView) -> "FreezeRead":
        return cls.model_validate(view.__dict__)


class FreezeList(Schema):
    held: int = Field(description="Freezes held now, ready for a missed day.")
    cap: int = Field(description="The most a learner may hold.")
    earn_every_days: int = Field(
        description="A streak earns one freeze each time it reaches a multiple of this."
    )
    freezes: list[FreezeRead] = Field(
        description="Held ones first, then spent ones, latest day first (at most 50)."
    )


class FreezeGrant(Schema):
    reason: str = Field(min_length=1, max_length=200, description="Why, for the learner's record.")
    idempotency_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="The same key again grants nothing more.",
    )

    def command(self, api_key_id: int | None) -> Grant:
        return Grant(self.reason, key_hash(self.idempotency_key), api_key_id)


class FreezeGranted(Schema):
    freeze: FreezeRead
    held: int = Field(description="Freezes the learner holds now.")


class StreakRepairCreate(Schema):
    language: str = Field(
        min_length=2,
        max_length=MAX_TAG_LENGTH,
        description="The language whose broken streak to repair (ISO 639-1, or a BCP 47 tag).",
    )
    idempotency_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="The same key again repairs nothing more.",
    )

    def key_hash(self) -> str | None:
        return key_hash(self.idempotency_key)


class StreakRepairRead(Schema):
    language: str
    days: list[date] = Field(description="The missed days, now repaired (kept days).")
    streak: StreakRead
    new_badges: list[NewBadge] = Field(description="Badges the longer streak achieved.")


class RepairOfferRead(Schema):
    language: str
    language_name: str
    streak: int = Field(description="The length of the streak that broke.")
    days: list[date] = Field(description="The days it missed, which a repair would keep.")
    until: datetime = Field(description="The repair is possible until then.")

    @classmethod
    def of(cls, offer: Offer) -> "RepairOfferRead":
        return cls(language_name=LANGUAGES[offer.language], **offer.__dict__)


class RepairOffers(Schema):
    self_repair: bool = Field(description="Whether the learner may repair a streak themself.")
    next_self_repair_at: datetime | None = Field(
        description="When the learner may repair one again (null: now, if self_repair)."
    )
    repair_hours: int = Field(description="How long after a streak broke it can be repaired.")
    offers: list[RepairOfferRead]
