"""Reading streaks and the practice-day ledger, each learner on their own today."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import Date, Table, bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.db import among
from zeal.practice import errors
from zeal.practice.languages import LANGUAGES
from zeal.practice.models import (
    SECONDS_COLUMNS,
    PracticeDay,
    StreakFreeze,
    StreakRepair,
    UserLanguage,
)
from zeal.practice.streaks import ONE_DAY, alive_through, current_streak

MAX_LEDGER_SPAN_DAYS = 366


@dataclass(frozen=True)
class StreakView:
    """A language's streak as the learner sees it on `today`."""

    language: str
    daily_streak: int
    max_streak: int
    max_streak_date: date | None
    last_practice_date: date | None
    practiced_today: bool
    practice_seconds_today: int
    xp_today: int
    kept_through: date | None = None  # the run's last day a freeze kept, after its last practice


class StoredStreak(Protocol):
    """A language's streak as `user_language` keeps it (a row or its ORM object)."""

    @property
    def language(self) -> str: ...
    @property
    def daily_streak(self) -> int: ...
    @property
    def max_streak(self) -> int: ...
    @property
    def max_streak_date(self) -> date | None: ...
    @property
    def last_practice_date(self) -> date | None: ...
    @property
    def kept_through(self) -> date | None: ...


def streak_view(
    ul: StoredStreak, today: date, *, practiced_today: bool, seconds_today: int, xp_today: int
) -> StreakView:
    return StreakView(
        language=ul.language,
        daily_streak=current_streak(ul.daily_streak, ul.last_practice_date, today, ul.kept_through),
        max_streak=ul.max_streak,
        max_streak_date=ul.max_streak_date,
        last_practice_date=ul.last_practice_date,
        practiced_today=practiced_today,
        practice_seconds_today=seconds_today,
        xp_today=xp_today,
        kept_through=ul.kept_through,
    )


def list_streaks(session: Session, user: User, today: date) -> list[StreakView]:
    """Every language the learner practises, longest current streak first. Two queries."""
    return streaks_of(session, {user.id: today})[user.id]


def own_streaks(session: Session, user_id: int, today: date) -> tuple[list[StreakView], bool]:
    """The learner's streaks, and whether they are unsettled (`needs_settling`): a
    freeze may be due, so the learner's own view must settle them first."""
    views, unsettled = _streaks_of(session, {user_id: today})
    return views[user_id], bool(unsettled)


def streaks_of(session: Session, todays: dict[int, date]) -> dict[int, list[StreakView]]:
    """Each learner's streaks as seen on their own today (by id); one query for any number."""
    return _streaks_of(session, todays)[0]


def _streaks_of(
    session: Session, todays: dict[int, date]
) -> tuple[dict[int, list[StreakView]], set[int]]:
    if not todays:
        return {}, set()
    days = todays.values()
    params = {"user_ids": list(todays), "first_day": min(days), "last_day": max(days)}
    rows = session.execute(_STREAKS_WITH_DAYS, params)
    found: dict[tuple[int, str], StreakView] = {}
    unsettled: set[int] = set()
    for row in rows:
        today = todays[row.user_id]
        if run_ended(row, today):
            unsettled.add(row.user_id)
        # A language comes once per practice day between the learners' earliest and latest
        # todays; keep the learner's own today's.
        own_day = row.day == today
        if own_day or (row.user_id, row.language) not in found:
            found[row.user_id, row.language] = streak_view(
                row,
                today,
                practiced_today=own_day and bool(row.counts_for_streak),
                seconds_today=row.seconds if own_day else 0,
                xp_today=row.xp if own_day else 0,
            )
    views: dict[int, list[StreakView]] = {user_id: [] for user_id in todays}
    for (user_id, _), view in found.items():
        views[user_id].append(view)
    for user_views in views.values():
        user_views.sort(key=lambda v: (-v.daily_streak, -v.max_streak, v.language))
    return views, unsettled


def run_ended(row: StoredStreak, today: date) -> bool:
    """Whether a stored streak (>= 1) has a run that ended before yesterday: a whole day is
    over that was neither practised nor kept (a freeze may be due, or the stored length is
    stale)."""
    through = alive_through(row.last_practice_date, row.kept_through)
    return row.daily_streak > 0 and through is not None and through < today - ONE_DAY


def needs_settling(rows: Iterable[StoredStreak], today: date) -> bool:
    """Whether any of a learner's stored streaks has a run that ended (`run_ended`)."""
    return any(run_ended(row, today) for row in rows)


_DAY = cast(Table, PracticeDay.__table__)
_LANGUAGE = cast(Table, UserLanguage.__table__)
# Table columns, not mapped attributes: a statement naming the entity takes the ORM's path.
_STREAKS_WITH_DAYS = (
    select(
        _LANGUAGE.c.user_id,
        _LANGUAGE.c.language,
        _LANGUAGE.c.daily_streak,
        _LANGUAGE.c.max_streak,
        _LANGUAGE.c.max_streak_date,
        _LANGUAGE.c.last_practice_date,
        _LANGUAGE.c.kept_through,
        _DAY.c.day,
        _DAY.c.counts_for_streak,
        # One column, not one a kind of practice: a row costs per column read in Python.
        sum((_DAY.c[column] for column in SECONDS_COLUMNS), start=cast(Any, 0)).label("seconds"),
        _DAY.c.xp,
    )
    .outerjoin(
        _DAY,
        (_DAY.c.user_id == _LANGUAGE.c.user_id)
        & (_DAY.c.language == _LANGUAGE.c.language)
        # A span, not the list of todays: PostgreSQL estimates `= ANY(:days)` at ten days a
        # learner and so planned this statement anew on every run; the learners' todays at
        # one instant are consecutive dates anyway.
        & _DAY.c.day.between(bindparam("first_day", type_=Date), bindparam("last_day", type_=Date)),
    )
    .where(among(_LANGUAGE.c.user_id, "user_ids"))
)


@dataclass(frozen=True)
class LedgerQuery:
    """Which practice days to read: local dates, inclusive; by default the last 30 days."""

    language: str | None = None
    start: date | None = None
    end: date | None = None


def list_practice_days(
    session: Session, user: User, today: date, query: LedgerQuery
) -> tuple[date, date, list[PracticeDay]]:
    if query.language is not None and query.language not in LANGUAGES:
        raise errors.LanguageUnknown(f"'{query.language}' is not an ISO 639-1 language code.")
    end = query.end or today
    start = query.start or end - timedelta(days=29)
    if start > end:
        raise errors.DateRangeInvalid("'from' must not be after 'to'.")
    if (end - start).days + 1 > MAX_LEDGER_SPAN_DAYS:
        raise errors.DateRangeInvalid(f"A range spans at most {MAX_LEDGER_SPAN_DAYS} days.")
    statement = select(PracticeDay).where(
        PracticeDay.user_id == user.id, PracticeDay.day >= start, PracticeDay.day <= end
    )
    if query.language is not None:
        statement = statement.where(PracticeDay.language == query.language)
    rows = session.scalars(statement.order_by(PracticeDay.day, PracticeDay.language)).all()
    return start, end, list(rows)


@dataclass(frozen=True)
class KeptDay:
    language: str
    day: date
    kind: str  # frozen (a streak freeze kept it) | repaired (a streak repair did)


def kept_days(
    session: Session, user_id: int, start: date, end: date, language: str | None = None
) -> list[KeptDay]:
    """The learner's kept days from `start` to `end` (local dates, inclusive), by date: days
    without practice that count for nothing but keep a streak's run going (a repaired day
    practised late after all is a practice day, not listed)."""
    frozen, repaired, days = _FREEZE.c, _REPAIR.c, _DAY.c
    practised = (
        select(days.day)
        .where(
            days.user_id == repaired.user_id,
            days.language == repaired.language,
            days.day == repaired.day,
            days.counts_for_streak.is_(True),
        )
        .exists()
    )
    parts = [
        select(frozen.language, frozen.day, literal("frozen").label("kind")).where(
            frozen.user_id == user_id, frozen.day >= start, frozen.day <= end
        ),
        select(repaired.language, repaired.day, literal("repaired").label("kind")).where(
            repaired.user_id == user_id, repaired.day >= start, repaired.day <= end, ~practised
        ),
    ]
    if language is not None:
        parts = [part.where(part.selected_columns[0] == language) for part in parts]
    rows = session.execute(union_all(*parts)).all()
    return sorted((KeptDay(*row) for row in rows), key=lambda kept: (kept.day, kept.language))


_FREEZE = cast(Table, StreakFreeze.__table__)
_REPAIR = cast(Table, StreakRepair.__table__)
