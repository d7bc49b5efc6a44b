"""Reads of the practice-day ledger, and the SQL for learners' days, that more than one domain
needs."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Date, Integer, Select, Table, bindparam, case, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from zeal.clock import dates_by_zone
from zeal.db import among
from zeal.practice.models import PracticeDay
from zeal.practice.streaks import ONE_DAY


def run_length_ending_at(session: Session, days: Select[date], end: date) -> int:
    """How many consecutive days up to `end` the query's days cover, read in pages from `end`
    backwards. `days` selects one date column, named `day`, already filtered to one run's
    owner (a learner's language, or a pair of friends)."""
    count, expected = 0, end
    day_column = days.selected_columns[0]
    while True:
        chunk = session.scalars(
            days.where(day_column <= expected).order_by(day_column.desc()).limit(256)
        ).all()
        for found in chunk:
            if found != expected:
                return count
            count, expected = count + 1, expected - ONE_DAY
        if len(chunk) < 256:
            return count


def run_length_starting_after(session: Session, days: Select[date], day: date, last: date) -> int:
    """How many consecutive days from the day after `day` the query's days cover (none can
    lie after `last`, the latest day of the run's owner)."""
    day_column = days.selected_columns[0]
    following = session.scalars(
        days.where(day_column > day, day_column <= last).order_by(day_column)
    ).all()
    count = 0
    for found in following:
        if found != day + ONE_DAY * (count + 1):
            break
        count += 1
    return count


def practised_on(
    session: Session, user_ids: Iterable[int], days: Iterable[date]
) -> set[tuple[int, date]]:
    """Which of these learners had a practice day (any language) on which of these days."""
    ids, wanted = set(user_ids), set(days)
    if not ids or not wanted:
        return set()
    rows = session.execute(_PRACTISED_ON, {"user_ids": list(ids), "days": list(wanted)})
    return {(user_id, day) for user_id, day in rows}


_LEDGER = cast(Table, PracticeDay.__table__)
# Table columns, not mapped attributes: a statement naming the entity takes the ORM's path.
_PRACTISED_ON = (
    select(_LEDGER.c.user_id, _LEDGER.c.day)
    .where(
        among(_LEDGER.c.user_id, "user_ids"),
        among(_LEDGER.c.day, "days"),
        _LEDGER.c.counts_for_streak.is_(True),
    )
    .distinct()
)


class day_number(FunctionElement[int]):
    """In SQL: a date as a whole number of days, so consecutive dates are consecutive numbers
    (each backend counts from its own epoch; only differences mean anything)."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number)
def _day_number_postgresql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '2000-01-01')"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(day_number, "mysql")
@compiles(day_number, "mariadb")
def _day_number_mysql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"TO_DAYS({compiler.process(element.clauses, **kw)})"


def runs_ending_at(
    session: Session, user_ids: Iterable[int], end: date, since: date
) -> dict[int, int]:
    """For each learner, how many consecutive practice days (any language) end on `end`,
    counting no day before `since`; one query for all of them, however long the runs.

    Gaps and islands: numbered from `end` backwards, consecutive days keep day + row number
    constant, and the island holding `end` is the one whose constant is `end`'s number + 1."""
    ids = set(user_ids)
    if not ids or since > end:
        return {}
    days = (
        select(PracticeDay.user_id, PracticeDay.day)
        .where(
            PracticeDay.user_id.in_(ids),
            PracticeDay.counts_for_streak.is_(True),
            PracticeDay.day >= since,
            PracticeDay.day <= end,
        )
        .distinct()
        .subquery()
    )
    rank = func.row_number().over(partition_by=days.c.user_id, order_by=days.c.day.desc())
    numbered = select(days.c.user_id, (day_number(days.c.day) + rank).label("island")).subquery()
    end_island: ColumnElement[int] = day_number(literal(end, Date)) + 1
    rows = session.execute(
        select(numbered.c.user_id, func.count())
        .where(numbered.c.island == end_island)
        .group_by(numbered.c.user_id)
    )
    return {user_id: count for user_id, count in rows}


class next_day(FunctionElement[date]):
    """In SQL: the day after a date, as a date, so `day == next_day(...)` is an equality an
    index on `day` serves."""

    type = Date()
    inherit_cache = True
    name = "next_day"


@compiles(next_day)
def _next_day_postgresql(element: next_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} + 1)"


@compiles(next_day, "sqlite")
def _next_day_sqlite(element: next_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+1 day')"


@compiles(next_day, "mysql")
@compiles(next_day, "mariadb")
def _next_day_mysql(element: next_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} + INTERVAL 1 DAY)"


# Learners' time zones span 26 hours, so at any instant they fall on at most three local
# dates: a statement that needs each learner's yesterday takes one list of zones per date.
_YESTERDAY_GROUPS = 3


def yesterday_in_zone(zone: ColumnElement[str]) -> ColumnElement[date]:
    """In SQL: the yesterday of a learner whose time zone is `zone`, from the parameters
    `yesterdays_by_zone` gives (NULL for a zone it was not given). The same SQL whatever the
    zones, so a statement using it is built once."""
    return case(
        *(
            (among(zone, f"zones_{n}"), bindparam(f"yesterday_{n}", type_=Date))
            for n in range(_YESTERDAY_GROUPS)
        )
    )


def yesterdays_by_zone(zones: Iterable[str], now: datetime) -> dict[str, Any]:
    """The parameters of `yesterday_in_zone` for these time zones at `now`."""
    by_day: dict[date, list[str]] = {}
    for zone, today in dates_by_zone(set(zones), now).items():
        by_day.setdefault(today - ONE_DAY, []).append(zone)
    groups = sorted(by_day.items())
    params: dict[str, Any] = {}
    for n in range(_YESTERDAY_GROUPS):
        day, names = groups[n] if n < len(groups) else (None, [])
        params[f"zones_{n}"], params[f"yesterday_{n}"] = names, day
    return params
