"""Refusals of the practice domain."""

from zeal.errors import Conflict, Invalid, ZealError


class LanguageUnknown(Invalid):
    code = "language_unknown"
    title = "Unknown language"


class PracticeTypeUnknown(Invalid):
    code = "practice_type_unknown"
    title = "Unknown practice type"


class OutcomeInvalid(Invalid):
    code = "outcome_invalid"
    title = "Invalid outcome"


class DurationInvalid(Invalid):
    code = "duration_invalid"
    title = "Invalid duration"


class OccurredAtInFuture(Invalid):
    code = "occurred_at_in_future"
    title = "Practice event in the future"


class OccurredAtTooOld(Invalid):
    code = "occurred_at_too_old"
    title = "Practice event too old"


class IdempotencyKeyReused(Invalid):
    code = "idempotency_key_reused"
    title = "Idempotency key already used for another event"


class DateRangeInvalid(Invalid):
    code = "date_range_invalid"
    title = "Invalid date range"


class ImplausibleActivity(ZealError):
    # 429 like a rate limit, but about the events themselves: retrying will not help.
    status = 429
    code = "implausible_activity"
    title = "Implausible activity"


class FreezeLimitReached(Conflict):
    code = "freeze_limit_reached"
    title = "The learner holds as many streak freezes as they may"


class StreakNotRepairable(Conflict):
    code = "streak_not_repairable"
    title = "No broken streak to repair"


class SelfRepairOff(ZealError):
    status = 403
    code = "self_repair_off"
    title = "Learners cannot repair their own streaks here"


class SelfRepairUsed(Conflict):
    code = "self_repair_used"
    title = "The learner repaired a streak recently"
