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
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Executable, Table, bindparam, case, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.elements import ColumnElement

from zeal.accounts.errors import UserNotFound
from zeal.accounts.queries import Learner, lock_learner
from zeal.clock import local_date, local_datetime
from zeal.context import Context
from zeal.db import upsert
from zeal.errors import Invalid
from zeal.practice import errors, totals
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

    user: Learner
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
    def user(self) -> Learner:
        return self.attempt.user

    @property
    def practice(self) -> Practice:
        return self.attempt.practice


def start(session: Session, ctx: Context, user_id: int, practice: Practice) -> Attempt:
    occurred_at = _checked(ctx, practice)
    user = lock_learner(session, user_id)
    if user is None:
        raise UserNotFound(f"No learner has id {user_id}.")
    key_hash = _sha256(practice.idempotency_key) if practice.idempotency_key else None
    fingerprint = _fingerprint(practice)
    minute = _minute(occurred_at)
    in_that_minute, earlier_id = session.execute(
        _EVENTS_IN_MINUTE_AND_KEY,
        {
            "user_id": user.id,
            "minute": minute,
            "next_minute": minute + timedelta(minutes=1),
            "key_hash": key_hash,  # NULL matches no event
        },
    ).one()
    earlier = session.get(PracticeEvent, earlier_id) if earlier_id is not None else None
    if earlier is not None and earlier.request_fingerprint != fingerprint:
        raise errors.IdempotencyKeyReused(
            "This idempotency key was already used for a different practice event."
        )
    return Attempt(
        user, practice, occurred_at, key_hash, fingerprint, earlier, int(in_that_minute or 0)
    )


_EVENT = cast(Table, PracticeEvent.__table__)
# The learner's events in one minute (UTC), and the event an idempotency key already named.
_EVENTS_IN_MINUTE_AND_KEY = select(
    select(func.count())
    .select_from(_EVENT)
    .where(
        _EVENT.c.user_id == bindparam("user_id"),
        _EVENT.c.occurred_at >= bindparam("minute"),
        _EVENT.c.occurred_at < bindparam("next_minute"),
    )
    .scalar_subquery(),
    select(_EVENT.c.id)
    .where(
        _EVENT.c.user_id == bindparam("user_id"),
        _EVENT.c.idempotency_key_hash == bindparam("key_hash"),
    )
    .scalar_subquery(),
)


def _minute(occurred_at: datetime) -> datetime:
    return occurred_at.astimezone(UTC).replace(second=0, microsecond=0)


def book(session: Session, ctx: Context, attempt: Attempt) -> Booking:
    """Add the event to its practice day; extend the streak when the day now counts."""
    user, practice = attempt.user, attempt.practice
    _check_plausible(ctx, attempt)
    day = local_date(user, attempt.occurred_at)
    today = local_date(user, ctx.clock.now())
    user_language = _user_language(session, ctx, user.id, practice.language)
    amounts = _amounts(practice)
    after, new_streak_day = _add_to_day(session, ctx, user.id, practice, day, amounts)
    new_day = after["events"] == 1  # this event inserted the language-day
    others = _Others(False, False)
    if new_day or new_streak_day:
        others = _other_languages(session, user.id, practice.language, day)
    if new_streak_day:
        extend_streak(session, user_language, day)
    new_date = new_day and not others.practised
    totals.add(
        session, user.id, practice.language, day, amounts, new_day=new_day, new_date=new_date
    )
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
    counts_new_date = new_streak_day and not others.counting
    return Booking(attempt, day, today, hour, new_streak_day, counts_new_date, streak)


def keep(
    session: Session, ctx: Context, booking: Booking, *, result_json: str, api_key_id: int | None
) -> PracticeEvent:
    """Store the booked event with the result it produced (replayed for its idempotency key)."""
    attempt, practice = booking.attempt, booking.practice
    values = {
        "user_id": attempt.user.id,
        "type": practice.type.value,
        "language": practice.language,
        "occurred_at": attempt.occurred_at,
        "day": booking.day,
        "duration_seconds": practice.duration_seconds,
        "outcome": practice.outcome.value if practice.outcome else None,
        "idempotency_key": practice.idempotency_key,
        "idempotency_key_hash": attempt.key_hash,
        "request_fingerprint": attempt.fingerprint,
        "result_json": result_json,
        "api_key_id": api_key_id,
        "received_at": ctx.clock.now(),
    }
    # A plain INSERT, not the unit of work: the event is written once and never changed.
    event_id = session.execute(_KEEP_EVENT, values).scalar_one()
    return PracticeEvent(id=event_id, **values)


_KEEP_EVENT = insert(_EVENT).returning(_EVENT.c.id)


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
        select(*_PRACTICE_DAY.columns).where(*_is_day(user_id, language, day))
    ).first()
    if row is not None:
        return dict(row._mapping)
    return {"counts_for_streak": False, **_zeros()}


def _is_day(user_id: int, language: str, day: date) -> list[ColumnElement[bool]]:
    columns = _PRACTICE_DAY.c
    return [columns.user_id == user_id, columns.language == language, columns.day == day]


def _zeros() -> dict[str, int]:
    """A practice day's counters before any event: `events` and every registry column."""
    return dict.fromkeys(["events", *(m.column for m in METRICS.booked() if m.column)], 0)


def _amounts(practice: Practice) -> dict[str, int]:
    """What one event adds to each counter of its practice day, as the registry says."""
    amounts = _zeros()
    amounts["events"] = 1
    for metric in METRICS.booked():
        amount = metric.amount(practice.type, practice.outcome, practice.duration_seconds)
        if amount and metric.column:
            amounts[metric.column] = amount
    return amounts


def _practice_seconds(values: Mapping[str, Any]) -> int:
    return sum(int(values[column]) for column in SECONDS_COLUMNS)


def meets_minimum(values: Mapping[str, Any], min_daily_seconds: int) -> bool:
    """Whether the day counts for the streak: any practice when no minimum is set, else enough
    exercise, reading and listening time summed over the day's events."""
    return values["events"] > 0 and _practice_seconds(values) >= min_daily_seconds


def _add_to_day(
    session: Session,
    ctx: Context,
    user_id: int,
    practice: Practice,
    day: date,
    amounts: dict[str, int],
) -> tuple[dict[str, Any], bool]:
    """Book the event's `amounts` on its practice day in one upsert (with the day's values
    back, where the database can return them); the day's values after it, and whether the day
    just began to count for the streak."""
    key = {"user_id": user_id, "language": practice.language, "day": day}
    # A day this event opens is inserted counting when the event alone is enough; a day kept
    # already keeps its `counts_for_streak`, which then says how it stood before this event.
    opens_counting = meets_minimum(amounts, ctx.settings.min_daily_seconds)
    params = {**key, **amounts, "counts_for_streak": opens_counting}
    backend = session.get_bind().dialect.name
    statement = _day_upsert(backend, tuple(amounts), tuple(_PRACTICE_DAY.columns.keys()))
    if backend in ("mysql", "mariadb"):  # no RETURNING from ON DUPLICATE KEY UPDATE
        session.execute(statement, params)
        after = _day_values(session, user_id, practice.language, day)
    else:
        after = dict(session.execute(statement, params).one()._mapping)
    # A PracticeDay already loaded in this session would now be stale.
    loaded = session.identity_map.get(identity_key(PracticeDay, (user_id, practice.language, day)))
    if loaded is not None:
        session.expire(loaded)
    if after["counts_for_streak"]:
        return after, after["events"] == 1  # ... counting since this event inserted it
    if not meets_minimum(after, ctx.settings.min_daily_seconds):
        return after, False
    session.execute(
        update(_PRACTICE_DAY)
        .where(*_is_day(user_id, practice.language, day))
        .values(counts_for_streak=True)
    )
    after["counts_for_streak"] = True
    return after, True


@lru_cache(maxsize=32)
def _day_upsert(backend: str, added: tuple[str, ...], columns: tuple[str, ...]) -> Executable:
    """INSERT the day, or add the event's amounts to the day kept; built once per backend and
    set of columns (a registry metric can add one)."""
    table = _PRACTICE_DAY
    names = ("user_id", "language", "day", "counts_for_streak", *added)
    statement = upsert(
        backend,
        table,
        {name: bindparam(name) for name in names},
        ["user_id", "language", "day"],
        lambda proposed: {name: table.c[name] + proposed[name] for name in added},
    )
    if backend in ("mysql", "mariadb"):
        return statement
    return statement.returning(*(table.c[name] for name in columns))


@dataclass(frozen=True)
class _Others:
    """The learner's other languages on one date: any practice, and practice that counts."""

    practised: bool
    counting: bool


def _other_languages(session: Session, user_id: int, language: str, day: date) -> _Others:
    practised, counting = session.execute(_OTHER_LANGUAGES, {
        "user_id": user_id, "language": language, "day": day
    }).one()  # fmt: skip
    return _Others(bool(practised), bool(counting))


_OTHER_LANGUAGES = select(
    func.count(), func.coalesce(func.max(case((_PRACTICE_DAY.c.counts_for_streak, 1), else_=0)), 0)
).where(
    _PRACTICE_DAY.c.user_id == bindparam("user_id"),
    _PRACTICE_DAY.c.day == bindparam("day"),
    _PRACTICE_DAY.c.language != bindparam("language"),
)


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
