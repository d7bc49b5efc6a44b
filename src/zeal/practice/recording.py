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

from sqlalchemy import (
    Date,
    Executable,
    Integer,
    String,
    Subquery,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.elements import ColumnElement

from zeal.accounts.errors import UserNotFound
from zeal.accounts.queries import Learner, lock_learner
from zeal.clock import local_date, local_datetime
from zeal.context import Context
from zeal.db import upsert
from zeal.errors import Invalid
from zeal.practice import daily_streaks, errors, freezes, totals
from zeal.practice.activities import MAX_EVENT_SECONDS, Outcome, PracticeType
from zeal.practice.daily_streaks import (
    LanguageStreak,
    extend_streak,
    first_streak,
    keep_streak,
    streak_of_row,
)
from zeal.practice.languages import LANGUAGES
from zeal.practice.metrics import METRICS, Books
from zeal.practice.models import (
    SECONDS_COLUMNS,
    PracticeDay,
    PracticeEvent,
    UserLanguage,
    XpTableVersion,
)
from zeal.practice.reading import StreakView, needs_settling, streak_view
from zeal.practice.xp import XpTable, xp_table
from zeal.webhooks.outbox import listened

_PRACTICE_DAY = cast(Table, PracticeDay.__table__)
_LANGUAGE = cast(Table, UserLanguage.__table__)


@dataclass(frozen=True)
class Practice:
    """A practice event as a platform or learner reports it, already parsed."""

    type: PracticeType
    language: str  # the ISO 639-1 language every rule counts
    occurred_at: datetime | None = None
    duration_seconds: int | None = None
    outcome: Outcome | None = None
    idempotency_key: str | None = None
    language_tag: str | None = None  # the BCP 47 tag as sent, when not the language alone

    @property
    def sent_language(self) -> str:
        """The language as the request named it: its tag, or the bare code."""
        return self.language_tag or self.language


@dataclass(frozen=True)
class Standing:
    """The learner's record as an event finds it: read in one statement, under the lock."""

    streaks: dict[str, LanguageStreak]  # by language
    events_that_minute: int  # the learner's events already kept in the event's minute (UTC)
    earlier_id: int | None  # the event the idempotency key already named
    others_practised: bool  # another language was practised on the event's day ...
    others_counting: bool  # ... and counted for its streak
    today: dict[str, Any]  # the event's language's practice day today (zeros when none)
    listened: bool  # some webhook listens to the learner's platform
    xp_version: str | None  # the XP table's version
    xp_today: int  # XP earned today in every language, before this event


@dataclass(frozen=True)
class Attempt:
    """A checked event for a locked learner; `earlier` is the event its key already named."""

    user: Learner
    practice: Practice
    occurred_at: datetime
    day: date  # the learner's local date of the event
    today: date  # the learner's local date now
    key_hash: str | None
    fingerprint: str
    earlier: PracticeEvent | None
    standing: Standing


@dataclass(frozen=True)
class Booking:
    """What booking an event changed, for whatever reacts to it."""

    attempt: Attempt
    local_hour: int  # the hour on the learner's clock when it happened
    new_streak_day: bool  # the language-day began to count for the streak
    new_practice_date: bool  # ... and no other language counted that date yet
    streak: StreakView  # the language's streak now
    streaks: tuple[LanguageStreak, ...]  # every language's stored streak now
    amounts: dict[str, int]  # what the event added to each counter of its day
    xp_today: int  # XP earned today in every language, this event's included

    @property
    def user(self) -> Learner:
        return self.attempt.user

    @property
    def day(self) -> date:
        return self.attempt.day

    @property
    def today(self) -> date:
        return self.attempt.today

    @property
    def practice(self) -> Practice:
        return self.attempt.practice


def start(session: Session, ctx: Context, user_id: int, practice: Practice) -> Attempt:
    occurred_at = checked(ctx, practice)
    user = lock_learner(session, user_id)
    if user is None:
        raise UserNotFound(f"No learner has id {user_id}.")
    key_hash = idempotency_key_hash(practice)
    fingerprint = fingerprint_of(practice)
    day, today = local_date(user, occurred_at), local_date(user, ctx.clock.now())
    standing = _standing(session, user, practice.language, occurred_at, day, today, key_hash)
    earlier = None
    if standing.earlier_id is not None:
        earlier = session.get(PracticeEvent, standing.earlier_id)
    if earlier is not None:
        check_same_event(earlier.request_fingerprint, fingerprint)
        return Attempt(
            user, practice, occurred_at, day, today, key_hash, fingerprint, earlier, standing
        )
    _check_plausible(ctx, standing, occurred_at)  # every refusal comes before a write
    if needs_settling(standing.streaks.values(), today):
        # A day ended unpractised since the learner was last seen: spend what freezes are
        # due first, so the event extends the streak they kept. (A replay changes nothing.)
        freezes.settle(session, ctx, user, today)
        standing = _standing(session, user, practice.language, occurred_at, day, today, key_hash)
    return Attempt(user, practice, occurred_at, day, today, key_hash, fingerprint, None, standing)


def check_same_event(earlier_fingerprint: str | None, fingerprint: str) -> None:
    """A key already used names the same event again (a retry), or the request is refused."""
    if earlier_fingerprint != fingerprint:
        raise errors.IdempotencyKeyReused(
            "This idempotency key was already used for a different practice event."
        )


def _standing(
    session: Session,
    user: Learner,
    language: str,
    occurred_at: datetime,
    day: date,
    today: date,
    key_hash: str | None,
) -> Standing:
    minute = minute_of(occurred_at)
    rows = session.execute(
        _STANDING,
        {
            "user_id": user.id,
            "platform_id": user.platform_id,  # NULL: no platform, no webhook
            "language": language,
            "day": day,
            "today": today,
            "minute": minute,
            "next_minute": minute + timedelta(minutes=1),
            "key_hash": key_hash,  # NULL matches no event
        },
    ).all()
    first = rows[0]  # the learner's languages, one per row (one row of NULLs when none)
    streaks = {row.language: streak_of_row(row) for row in rows if row.language is not None}
    today_values: dict[str, Any] = {"counts_for_streak": bool(first.counts_today)}
    today_values.update({c: int(first._mapping[f"today_{c}"] or 0) for c in _TODAY_COLUMNS})
    return Standing(
        streaks,
        int(first.in_minute or 0),
        first.earlier_id,
        bool(first.others_practised),
        bool(first.others_counting),
        today_values,
        bool(first.listened),
        first.xp_version,
        int(first.xp_today or 0),
    )


_EVENT = cast(Table, PracticeEvent.__table__)
_XP_VERSION = cast(Table, XpTableVersion.__table__)
# What today's practice day tells an event about today: the time and the XP so far.
_TODAY_COLUMNS = (*SECONDS_COLUMNS, "xp")
_TODAY = _PRACTICE_DAY.alias("today")
# The learner, the event's language and today, as one row the tables are joined to.
_ME = select(
    bindparam("user_id", type_=Integer).label("user_id"),
    bindparam("language", type_=String).label("language"),
    bindparam("today", type_=Date).label("today"),
).subquery("me")


def _days_around() -> Subquery:
    """The learner's practice days on the event's day and today, in one aggregate row:
    whether another language was practised on the event's day (and counted), and the XP
    earned today in every language. One small scan instead of three subqueries."""
    days = _PRACTICE_DAY.c
    other = and_(days.day == bindparam("day"), days.language != bindparam("language"))
    counting = and_(other, days.counts_for_streak.is_(True))
    return (
        select(
            func.max(case((other, 1), else_=0)).label("others_practised"),
            func.max(case((counting, 1), else_=0)).label("others_counting"),
            func.sum(case((days.day == bindparam("today"), days.xp), else_=0)).label("xp_today"),
        )
        .where(
            days.user_id == bindparam("user_id"),
            days.day.in_([bindparam("day"), bindparam("today")]),
        )
        .subquery("around")
    )


_AROUND = _days_around()


# Everything booking needs to know before it writes, in one statement: the learner's languages
# (one row each), the learner's events in the event's minute (UTC), the event an idempotency
# key already named, the other languages on the event's day, and this language's day today.
_STANDING = (
    select(
        _LANGUAGE.c.language,
        _LANGUAGE.c.daily_streak,
        _LANGUAGE.c.last_practice_date,
        _LANGUAGE.c.max_streak,
        _LANGUAGE.c.max_streak_date,
        _LANGUAGE.c.kept_through,
        select(func.count())
        .select_from(_EVENT)
        .where(
            _EVENT.c.user_id == bindparam("user_id"),
            _EVENT.c.occurred_at >= bindparam("minute"),
            _EVENT.c.occurred_at < bindparam("next_minute"),
        )
        .scalar_subquery()
        .label("in_minute"),
        select(_EVENT.c.id)
        .where(
            _EVENT.c.user_id == bindparam("user_id"),
            _EVENT.c.idempotency_key_hash == bindparam("key_hash"),
        )
        .scalar_subquery()
        .label("earlier_id"),
        _AROUND.c.others_practised,
        _AROUND.c.others_counting,
        _AROUND.c.xp_today,
        _TODAY.c.counts_for_streak.label("counts_today"),
        *(_TODAY.c[column].label(f"today_{column}") for column in _TODAY_COLUMNS),
        listened(bindparam("platform_id", type_=Integer)).label("listened"),
        select(_XP_VERSION.c.version).scalar_subquery().label("xp_version"),
    )
    .select_from(_ME)
    .join(_AROUND, true())  # one row, whatever the days
    .outerjoin(_LANGUAGE, _LANGUAGE.c.user_id == _ME.c.user_id)
    .outerjoin(
        _TODAY,
        and_(
            _TODAY.c.user_id == _ME.c.user_id,
            _TODAY.c.language == _ME.c.language,
            _TODAY.c.day == _ME.c.today,
        ),
    )
)


def minute_of(occurred_at: datetime) -> datetime:
    """The minute (UTC) an event is counted in by the per-minute cap."""
    return occurred_at.astimezone(UTC).replace(second=0, microsecond=0)


def book(session: Session, ctx: Context, attempt: Attempt) -> Booking:
    """Add the event to its practice day; extend the streak when the day now counts."""
    user, practice, standing, day = attempt.user, attempt.practice, attempt.standing, attempt.day
    amounts = amounts_of(practice, xp_table(session, standing.xp_version))
    after, new_streak_day = _add_to_day(session, ctx, user.id, practice, day, amounts)
    new_day = after["events"] == 1  # this event inserted the language-day
    stored = standing.streaks.get(practice.language)
    streak = _streak_after(session, ctx, attempt, stored, new_streak_day)
    new_date = new_day and not standing.others_practised
    totals.add(
        session, user.id, practice.language, day, amounts, new_day=new_day, new_date=new_date
    )
    today_values = after if day == attempt.today else standing.today
    view = streak_view(
        streak,
        attempt.today,
        practiced_today=bool(today_values["counts_for_streak"]),
        seconds_today=practice_seconds(today_values),
        xp_today=int(today_values["xp"]),
    )
    hour = local_datetime(user, attempt.occurred_at).hour
    counts_new_date = new_streak_day and not standing.others_counting
    streaks = tuple({**standing.streaks, practice.language: streak}.values())
    xp_today = standing.xp_today + (amounts["xp"] if day == attempt.today else 0)
    return Booking(attempt, hour, new_streak_day, counts_new_date, view, streaks, amounts, xp_today)


def _streak_after(
    session: Session,
    ctx: Context,
    attempt: Attempt,
    stored: LanguageStreak | None,
    new_streak_day: bool,
) -> LanguageStreak:
    """The language's streak once the event is booked, kept when it moved. A past day that
    a freeze kept gives the freeze back (which may then keep a later day); a streak that
    reached a multiple of the earning length earns a freeze."""
    user, language, day = attempt.user, attempt.practice.language, attempt.day
    before = stored or first_streak(language)
    if not new_streak_day:
        if stored is None:
            keep_streak(session, user.id, before, started_at=ctx.clock.now())
        return before
    returned = day < attempt.today and freezes.give_back(session, ctx, user.id, language, day)
    streak = extend_streak(session, user.id, before, day)
    keep_streak(session, user.id, streak, started_at=ctx.clock.now() if stored is None else None)
    freezes.earn(session, ctx, user.id, before, streak)
    if returned and freezes.settle(session, ctx, user, attempt.today):
        streak = daily_streaks.read_streak(session, user.id, language)
    return streak


def keep(
    session: Session, ctx: Context, booking: Booking, *, result_json: str, api_key_id: int | None
) -> PracticeEvent:
    """Store the booked event with the result it produced (replayed for its idempotency key)."""
    attempt = booking.attempt
    values = event_row(
        ctx,
        attempt.user.id,
        booking.practice,
        attempt.occurred_at,
        booking.day,
        key_hash=attempt.key_hash,
        fingerprint=attempt.fingerprint,
        result_json=result_json,
        api_key_id=api_key_id,
    )
    # A plain INSERT, not the unit of work: the event is written once and never changed.
    event_id = session.execute(_KEEP_EVENT, values).scalar_one()
    return PracticeEvent(id=event_id, **values)


def event_row(
    ctx: Context,
    user_id: int,
    practice: Practice,
    occurred_at: datetime,
    day: date,
    *,
    key_hash: str | None,
    fingerprint: str,
    result_json: str,
    api_key_id: int | None,
) -> dict[str, Any]:
    """The `practice_event` row an event is kept as (`key_hash`: `idempotency_key_hash`,
    `fingerprint`: `fingerprint_of`, which the caller has already worked out)."""
    return {
        "user_id": user_id,
        "type": practice.type.value,
        "language": practice.language,
        "language_tag": practice.sent_language,
        "occurred_at": occurred_at,
        "day": day,
        "duration_seconds": practice.duration_seconds,
        "outcome": practice.outcome.value if practice.outcome else None,
        "idempotency_key": practice.idempotency_key,
        "idempotency_key_hash": key_hash,
        "request_fingerprint": fingerprint,
        "result_json": result_json,
        "api_key_id": api_key_id,
        "received_at": ctx.clock.now(),
    }


_KEEP_EVENT = insert(_EVENT).returning(_EVENT.c.id)


# ---- checks ----------------------------------------------------------------------------------


def checked(ctx: Context, practice: Practice) -> datetime:
    """The rules pydantic cannot know: a known language, an outcome only for exercises, and a
    time that is not too far ahead or behind; returns when it happened."""
    if practice.language not in LANGUAGES:
        raise errors.LanguageUnknown(
            f"'{practice.sent_language}' is not an ISO 639-1 language code such as 'es', nor "
            "a BCP 47 tag whose language is one, such as 'es-MX'."
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


def _check_plausible(ctx: Context, standing: Standing, occurred_at: datetime) -> None:
    """Nobody does more than `practice_events_per_minute` things in one minute: past that, the
    events are not real practice and count nowhere. Counted by the events' own minute (UTC), so
    a late batch is judged by when it happened, not when it arrived."""
    cap = ctx.settings.practice_events_per_minute
    if standing.events_that_minute >= cap:
        minute = minute_of(occurred_at)
        raise errors.ImplausibleActivity(
            f"More than {cap} practice events in one minute ({minute:%Y-%m-%d %H:%M} UTC) cannot "
            "be real practice; this one was not counted."
        )


# ---- the practice day ------------------------------------------------------------------------


def _is_day(user_id: int, language: str, day: date) -> list[ColumnElement[bool]]:
    columns = _PRACTICE_DAY.c
    return [columns.user_id == user_id, columns.language == language, columns.day == day]


def _zeros() -> dict[str, int]:
    """A practice day's counters before any event: `events` and every registry column."""
    return dict.fromkeys(["events", *(m.column for m in METRICS.booked() if m.column)], 0)


def amounts_of(practice: Practice, xp: XpTable) -> dict[str, int]:
    """What one event adds to each counter of its practice day, as the registry (and, for
    XP, the platform's XP table) says."""
    amounts = _zeros()
    amounts["events"] = 1
    kind, outcome, seconds = practice.type, practice.outcome, practice.duration_seconds
    for metric in METRICS.booked():
        if metric.books is Books.XP:
            amount = xp.amount(kind, outcome, seconds)
        else:
            amount = metric.amount(kind, outcome, seconds)
        if amount and metric.column:
            amounts[metric.column] = amount
    return amounts


def practice_seconds(values: Mapping[str, Any]) -> int:
    """A day's exercise, reading and listening time, from its row's values."""
    return sum(int(values[column]) for column in SECONDS_COLUMNS)


def meets_minimum(values: Mapping[str, Any], min_daily_seconds: int) -> bool:
    """Whether the day counts for the streak: any practice when no minimum is set, else enough
    exercise, reading and listening time summed over the day's events."""
    return values["events"] > 0 and practice_seconds(values) >= min_daily_seconds


def _add_to_day(
    session: Session,
    ctx: Context,
    user_id: int,
    practice: Practice,
    day: date,
    amounts: dict[str, int],
) -> tuple[dict[str, Any], bool]:
    """Book the event's `amounts` on its practice day in one upsert that returns the day's
    values; the day's values after it, and whether the day just began to count for the
    streak."""
    key = {"user_id": user_id, "language": practice.language, "day": day}
    # A day this event opens is inserted counting when the event alone is enough; a day kept
    # already keeps its `counts_for_streak`, which then says how it stood before this event.
    opens_counting = meets_minimum(amounts, ctx.settings.min_daily_seconds)
    params = {**key, **amounts, "counts_for_streak": opens_counting}
    backend = session.get_bind().dialect.name
    statement = _day_upsert(backend, tuple(amounts), tuple(_PRACTICE_DAY.columns.keys()))
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
    set of columns (a registry metric can add one). MariaDB too returns the row as written,
    inserted or updated (INSERT ... ON DUPLICATE KEY UPDATE ... RETURNING, 10.5+)."""
    table = _PRACTICE_DAY
    names = ("user_id", "language", "day", "counts_for_streak", *added)
    statement = upsert(
        backend,
        table,
        {name: bindparam(name) for name in names},
        ["user_id", "language", "day"],
        lambda proposed: {name: table.c[name] + proposed[name] for name in added},
    )
    return statement.returning(*(table.c[name] for name in columns))


def idempotency_key_hash(practice: Practice) -> str | None:
    """What an event's idempotency key is kept and looked up as (None: it has none)."""
    return key_hash(practice.idempotency_key)


def key_hash(key: str | None) -> str | None:
    """What a request's idempotency key (an event's, a grant's, a repair's) is kept as."""
    return _sha256(key) if key else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint_of(practice: Practice) -> str:
    """What a retry of the event must match: its fields as sent."""
    # `occurred_at` is left out when it was not sent: a retry sent later must still match.
    occurred = practice.occurred_at.isoformat() if practice.occurred_at else None
    outcome = practice.outcome.value if practice.outcome else None
    # Tags are case-insensitive (RFC 5646): `es-mx` sent again for `es-MX` is the same event.
    language = practice.sent_language.lower()
    parts = [practice.type.value, language, occurred, practice.duration_seconds, outcome]
    return _sha256(json.dumps(parts, default=str))
