"""Recording practice: check an event, book it on the learner's practice day, keep it.

`start` checks the event and takes the learner's row lock, so concurrent events for one learner
give exactly the state of sending them one after the other; `book` adds the event to its
practice day and extends the streak; `keep` stores the event with the result it produced, which
a repeated idempotency key gets back. What else reacts to a booking (friend streaks, badges) is
the caller's business: see `zeal.use_cases.record_practice`.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Integer, ScalarSelect, Table, func, insert, null, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.elements import ColumnElement

from zeal.accounts.errors import UserNotFound
from zeal.accounts.models import User
from zeal.accounts.queries import lock_user
from zeal.clock import local_date, local_datetime
from zeal.context import Context
from zeal.errors import Invalid
from zeal.practice import errors
from zeal.practice.activities import MAX_EVENT_SECONDS, Outcome, PracticeType
from zeal.practice.daily_streaks import extend_streak
from zeal.practice.languages import LANGUAGES
from zeal.practice.metrics import METRICS
from zeal.practice.models import SECONDS_COLUMNS, PracticeDay, PracticeEvent, UserLanguage
from zeal.practice.reading import StreakView, streak_view

_PRACTICE_DAY = cast(Table, PracticeDay.__table__)


@dataclass(frozen=True)
class Practice:
    """A practice event as a platform or learner reports it, already parsed."""

    type: PracticeType
    language: str
    occurred_at: datetime | None = None
    duration_seconds: int | None = None
    outcome: Outcome | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Attempt:
    """A checked event for a locked learner; `earlier` is the event its key already named."""

    user: User
    practice: Practice
    occurred_at: datetime
    key_hash: str | None
    fingerprint: str
    earlier: PracticeEvent | None
    events_that_minute: int  # the learner's events already kept in the event's minute (UTC)


@dataclass(frozen=True)
class Booking:
    """What booking an event changed, for whatever reacts to it."""

    attempt: Attempt
    day: date  # the learner's local date of the event
    today: date  # the learner's local date now
    local_hour: int  # the hour on the learner's clock when it happened
    new_streak_day: bool  # the language-day began to count for the streak
    new_practice_date: bool  # ... and no other language counted that date yet
    streak: StreakView  # the language's streak now

    @property
    def user(self) -> User:
        return self.attempt.user

    @property
    def practice(self) -> Practice:
        return self.attempt.practice


def start(session: Session, ctx: Context, user_id: int, practice: Practice) -> Attempt:
    occurred_at = _checked(ctx, practice)
    user = lock_user(session, user_id)
    if user is None:
        raise UserNotFound(f"No learner has id {user_id}.")
    key_hash = _sha256(practice.idempotency_key) if practice.idempotency_key else None
    fingerprint = _fingerprint(practice)
    in_that_minute, earlier_id = session.execute(
        select(_events_in_minute(user.id, occurred_at), _event_with_key(user.id, key_hash))
    ).one()
    earlier = session.get(PracticeEvent, earlier_id) if earlier_id is not None else None
    if earlier is not None and earlier.request_fingerprint != fingerprint:
        raise errors.IdempotencyKeyReused(
            "This idempotency key was already used for a different practice event."
        )
    return Attempt(
        user, practice, occurred_at, key_hash, fingerprint, earlier, int(in_that_minute or 0)
    )


def _events_in_minute(user_id: int, occurred_at: datetime) -> ScalarSelect[int]:
    minute = _minute(occurred_at)
    return (
        select(func.count())
        .select_from(PracticeEvent)
        .where(
            PracticeEvent.user_id == user_id,
            PracticeEvent.occurred_at >= minute,
            PracticeEvent.occurred_at < minute + timedelta(minutes=1),
        )
        .scalar_subquery()
    )


def _event_with_key(user_id: int, key_hash: str | None) -> ColumnElement[int | None]:
    """The id of the event an idempotency key already named (NULL without a key)."""
    if key_hash is None:
        return type_coerce(null(), Integer)
    return (
        select(PracticeEvent.id)
        .where(PracticeEvent.user_id == user_id, PracticeEvent.idempotency_key_hash == key_hash)
        .scalar_subquery()
    )


def _minute(occurred_at: datetime) -> datetime:
    return occurred_at.astimezone(UTC).replace(second=0, microsecond=0)


def book(session: Session, ctx: Context, attempt: Attempt) -> Booking:
    """Add the event to its practice day; extend the streak when the day now counts."""
    user, practice = attempt.user, attempt.practice
    _check_plausible(ctx, attempt)
    day = local_date(user, attempt.occurred_at)
    today = local_date(user, ctx.clock.now())
    # Both rows are looked up before either changes, so a new day is inserted once, complete.
    user_language = _user_language(session, ctx, user.id, practice.language)
    before = _day_values(session, user.id, practice.language, day)
    after = _added(before, practice)
    new_streak_day = not after["counts_for_streak"] and _meets_minimum(after, ctx)
    after["counts_for_streak"] = after["counts_for_streak"] or new_streak_day
    _write_day(session, user.id, practice.language, day, before, after)
    new_date = False
    if new_streak_day:
        extend_streak(session, user_language, day)
        new_date = not _practised_in_another_language(session, user.id, practice.language, day)
    today_values = (
        after if day == today else _day_values(session, user.id, practice.language, today)
    )
    streak = streak_view(
        user_language,
        today,
        practiced_today=bool(today_values["counts_for_streak"]),
        seconds_today=_practice_seconds(today_values),
    )
    hour = local_datetime(user, attempt.occurred_at).hour
    return Booking(attempt, day, today, hour, new_streak_day, new_date, streak)


def keep(
    session: Session, ctx: Context, booking: Booking, *, result_json: str, api_key_id: int | None
) -> PracticeEvent:
    """Store the booked event with the result it produced (replayed for its idempotency key)."""
    attempt, practice = booking.attempt, booking.practice
    event = PracticeEvent(
        user_id=attempt.user.id,
        type=practice.type.value,
        language=practice.language,
        occurred_at=attempt.occurred_at,
        day=booking.day,
        duration_seconds=practice.duration_seconds,
        outcome=practice.outcome.value if practice.outcome else None,
        idempotency_key=practice.idempotency_key,
        idempotency_key_hash=attempt.key_hash,
        request_fingerprint=attempt.fingerprint,
        result_json=result_json,
        api_key_id=api_key_id,
        received_at=ctx.clock.now(),
    )
    session.add(event)
    session.flush()
    return event


# ---- checks ----------------------------------------------------------------------------------


def _checked(ctx: Context, practice: Practice) -> datetime:
    """The rules pydantic cannot know: a known language, an outcome only for exercises, and a
    time that is not too far ahead or behind; returns when it happened."""
    if practice.language not in LANGUAGES:
        raise errors.LanguageUnknown(
            f"'{practice.language}' is not an ISO 639-1 language code such as 'da' or 'es'."
        )
    if practice.outcome is not None and practice.type is not PracticeType.EXERCISE:
        raise errors.OutcomeInvalid("Only exercise events have an outcome.")
    seconds = practice.duration_seconds
    if seconds is not None and not 0 <= seconds <= MAX_EVENT_SECONDS:
        raise errors.DurationInvalid(
            f"duration_seconds is between 0 and {MAX_EVENT_SECONDS} (4 hours)."
        )
    return _checked_time(ctx, practice.occurred_at)


def _checked_time(ctx: Context, occurred_at: datetime | None) -> datetime:
    now = ctx.clock.now()
    occurred_at = occurred_at or now
    if occurred_at.tzinfo is None:
        raise Invalid("occurred_at needs a UTC offset, e.g. 2026-03-29T08:15:00+02:00.")
    allowed_future = timedelta(seconds=ctx.settings.event_max_future_seconds)
    if occurred_at > now + allowed_future:
        raise errors.OccurredAtInFuture(
            f"occurred_at is more than {allowed_future.seconds // 60} minutes in the future."
        )
    if occurred_at < now - timedelta(days=ctx.settings.event_max_past_days):
        raise errors.OccurredAtTooOld(
            f"occurred_at is more than {ctx.settings.event_max_past_days} days in the past."
        )
    return occurred_at


def _check_plausible(ctx: Context, attempt: Attempt) -> None:
    """Nobody does more than `practice_events_per_minute` things in one minute: past that, the
    events are not real practice and count nowhere. Counted by the events' own minute (UTC), so
    a late batch is judged by when it happened, not when it arrived."""
    cap = ctx.settings.practice_events_per_minute
    if attempt.events_that_minute >= cap:
        minute = _minute(attempt.occurred_at)
        raise errors.ImplausibleActivity(
            f"More than {cap} practice events in one minute ({minute:%Y-%m-%d %H:%M} UTC) cannot "
            "be real practice; this one was not counted."
        )


# ---- the practice day ------------------------------------------------------------------------


def _day_values(session: Session, user_id: int, language: str, day: date) -> dict[str, Any]:
    """The day's row as plain values (every registry column, zeros for a day not yet kept)."""
    # The columns named one by one: a statement over the whole table is cached as it was first
    # compiled, and would miss a column a registry metric added since.
    row = session.execute(
        select(*_PRACTICE_DAY.columns).where(
            _PRACTICE_DAY.c.user_id == user_id,
            _PRACTICE_DAY.c.language == language,
            _PRACTICE_DAY.c.day == day,
        )
    ).first()
    if row is not None:
        return dict(row._mapping)
    zeros = {metric.column: 0 for metric in METRICS.booked() if metric.column}
    return {"counts_for_streak": False, "events": 0, **zeros, "_new": True}


def _added(values: Mapping[str, Any], practice: Practice) -> dict[str, Any]:
    """The day's values with one more event booked on them, as the registry says."""
    after = dict(values, events=values["events"] + 1)
    for metric in METRICS.booked():
        amount = metric.amount(practice.type, practice.outcome, practice.duration_seconds)
        if amount and metric.column:
            after[metric.column] += amount
    return after


def _practice_seconds(values: Mapping[str, Any]) -> int:
    return sum(int(values[column]) for column in SECONDS_COLUMNS)


def _meets_minimum(values: Mapping[str, Any], ctx: Context) -> bool:
    """Whether the day counts for the streak: any practice when no minimum is set, else enough
    exercise, reading and listening time summed over the day's events."""
    return values["events"] > 0 and _practice_seconds(values) >= ctx.settings.min_daily_seconds


def _write_day(
    session: Session,
    user_id: int,
    language: str,
    day: date,
    before: Mapping[str, Any],
    after: dict[str, Any],
) -> None:
    key = {"user_id": user_id, "language": language, "day": day}
    if after.pop("_new", False):
        session.execute(insert(_PRACTICE_DAY).values(**after, **key))
        return
    changed = {name: value for name, value in after.items() if before.get(name) != value}
    session.execute(
        update(_PRACTICE_DAY)
        .where(*(_PRACTICE_DAY.c[name] == value for name, value in key.items()))
        .values(**changed)
    )
    # A PracticeDay already loaded in this session would now be stale.
    loaded = session.identity_map.get(identity_key(PracticeDay, (user_id, language, day)))
    if loaded is not None:
        session.expire(loaded)


def _practised_in_another_language(
    session: Session, user_id: int, language: str, day: date
) -> bool:
    other_language = session.scalar(
        select(PracticeDay.language)
        .where(
            PracticeDay.user_id == user_id,
            PracticeDay.day == day,
            PracticeDay.language != language,
            PracticeDay.counts_for_streak.is_(True),
        )
        .limit(1)
    )
    return other_language is not None


def _user_language(session: Session, ctx: Context, user_id: int, language: str) -> UserLanguage:
    row = session.get(UserLanguage, (user_id, language))
    if row is None:
        row = UserLanguage(
            user_id=user_id, language=language, daily_streak=0, max_streak=0,
            started_at=ctx.clock.now(),
        )  # fmt: skip
        session.add(row)
    return row


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fingerprint(practice: Practice) -> str:
    # `occurred_at` is left out when it was not sent: a retry sent later must still match.
    occurred = practice.occurred_at.isoformat() if practice.occurred_at else None
    outcome = practice.outcome.value if practice.outcome else None
    parts = [practice.type.value, practice.language, occurred, practice.duration_seconds, outcome]
    return _sha256(json.dumps(parts, default=str))
