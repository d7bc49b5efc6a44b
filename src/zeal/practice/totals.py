"""Practice totals: the ledger summed per learner, language and week, month or all time.

A board of a week, a month or all time reads one `practice_total` row per member, so its cost
does not grow with the history (summing a year of practice days per member did). Every event
adds its amounts to six rows in one statement: its language and all languages ("*"), each for
the event's week (Monday first), month and all time; `days` counts distinct practice days, so
a day's first event in a language adds one to that language's rows, and to the "*" rows only
when no other language was practised that day. The learner's row lock serialises the writes.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Date,
    Executable,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from zeal.db import upsert
from zeal.practice.metrics import METRICS
from zeal.practice.models import PracticeDay, PracticeTotal

ALL_LANGUAGES = "*"
ALL_TIME = date(1970, 1, 1)  # the `starts_on` of the all-time rows

_TOTAL = cast(Table, PracticeTotal.__table__)
_DAY = cast(Table, PracticeDay.__table__)


class Span(StrEnum):
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return (month_start(day) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def covering(start: date | None, end: date | None) -> tuple[Span, date] | None:
    """The total that holds exactly the local dates `start`..`end` (None..None: all time): a
    calendar week or month; None when the window is no such span."""
    if start is None and end is None:
        return Span.ALL, ALL_TIME
    if start is None or end is None:
        return None
    if start == week_start(start) and end == start + timedelta(days=6):
        return Span.WEEK, start
    if start == month_start(start) and end == month_end(start):
        return Span.MONTH, start
    return None


def counted_columns() -> tuple[str, ...]:
    """What a total sums: the events and every registry column of the practice day."""
    return ("events", *(str(m.column) for m in METRICS.booked()))


@dataclass(frozen=True)
class Added:
    """Amounts to add to a learner's six totals of one language, week and month. `new_day`:
    they opened their language-day; `new_date`: ... and no other language had that date."""

    user_id: int
    language: str
    week: date
    month: date
    amounts: Mapping[str, int]
    new_day: bool
    new_date: bool


def add(
    session: Session,
    user_id: int,
    language: str,
    day: date,
    amounts: Mapping[str, int],
    *,
    new_day: bool,
    new_date: bool,
) -> None:
    """Add one event's `amounts` (every counted column) to its six totals."""
    added = Added(user_id, language, week_start(day), month_start(day), amounts, new_day, new_date)
    add_many(session, session.get_bind().dialect.name, [added])


def add_many(session: Session, backend: str, added: Sequence[Added]) -> None:
    """Add each of `added` to its six totals: one statement, run for each (an executemany)."""
    counted = counted_columns()
    params = [
        {
            **{f"c{i}": one.amounts.get(name, 0) for i, name in enumerate(counted)},
            "user_id": one.user_id,
            "language": one.language,
            "week": one.week,
            "month": one.month,
            "new_day": int(one.new_day),
            "new_date": int(one.new_date),
        }
        for one in added
    ]
    statement = _add_statement(backend, counted)
    session.execute(statement, params[0] if len(params) == 1 else params)


@lru_cache(maxsize=32)
def _add_statement(backend: str, counted: tuple[str, ...]) -> Executable:
    """One upsert of the six rows, from a SELECT of them (one statement, compiled once per
    backend and set of columns; a multi-row VALUES would be compiled anew for every event)."""
    rows: list[Select[Any]] = []
    for language, days in (
        (bindparam("language"), "new_day"),
        (literal(ALL_LANGUAGES), "new_date"),
    ):
        for span, starts_on in (
            (Span.WEEK, bindparam("week", type_=Date)),
            (Span.MONTH, bindparam("month", type_=Date)),
            (Span.ALL, literal(ALL_TIME, Date)),
        ):
            # Short parameter names: the statement stays under psycopg's 4 KB limit for
            # statements it keeps parsed (past it, each event pays for parsing it again).
            columns: list[Any] = [
                bindparam("user_id"), language, literal(span.value), starts_on, bindparam(days),
                *(bindparam(f"c{i}") for i in range(len(counted))),
            ]  # fmt: skip
            row = select(*columns)
            # SQLite reads "SELECT .. ON CONFLICT" as a join's ON without a WHERE first.
            rows.append(row.where(true()) if backend == "sqlite" else row)
    names = ("user_id", "language", "span", "starts_on", "days", *counted)
    added = ("days", *counted)
    return upsert(
        backend,
        _TOTAL,
        (names, union_all(*rows)),
        ["user_id", "language", "span", "starts_on"],
        lambda proposed: {name: _TOTAL.c[name] + proposed[name] for name in added},
    )


def rebuild(session: Session) -> None:
    """Every total again from the practice-day ledger (for data written around the events,
    e.g. a benchmark's world loaded in bulk), span by span."""
    backend = session.get_bind().dialect.name
    session.execute(delete(_TOTAL))
    counted = counted_columns()
    names = ["user_id", "language", "span", "starts_on", "days", *counted]
    day = _DAY.c.day
    for span, starts_on in (
        (Span.WEEK, _week_start_sql(backend, day)),
        (Span.MONTH, _month_start_sql(backend, day)),
        (Span.ALL, literal(ALL_TIME, Date)),
    ):
        for language in (_DAY.c.language, literal(ALL_LANGUAGES)):
            days = func.count() if language is _DAY.c.language else func.count(day.distinct())
            sums = [func.sum(_DAY.c[name]) for name in counted]
            query = select(_DAY.c.user_id, language, literal(span.value), starts_on, days, *sums)
            keys = [starts_on, _DAY.c.user_id]
            if language is _DAY.c.language:
                keys.insert(1, _DAY.c.language)
            # In the order boards read them: one span's rows together, as a live system
            # writes them (a week's rows in that week), not scattered learner by learner.
            rows = query.group_by(*keys).order_by(*keys)
            session.execute(insert(_TOTAL).from_select(names, rows))


def _week_start_sql(backend: str, day: Any) -> ColumnElement[Any]:
    if backend == "postgresql":
        return func.date_trunc("week", day).cast(Date)
    if backend in ("mysql", "mariadb"):
        return func.subdate(day, func.weekday(day))
    return func.date(day, "weekday 0", "-6 days")  # SQLite: the next Sunday (or this), less 6


def _month_start_sql(backend: str, day: Any) -> ColumnElement[Any]:
    if backend == "postgresql":
        return func.date_trunc("month", day).cast(Date)
    if backend in ("mysql", "mariadb"):
        return func.subdate(day, func.dayofmonth(day) - 1)
    return func.date(day, "start of month")
