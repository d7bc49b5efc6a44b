"""Board periods in the caller's own calendar: this week (Monday first), this month, all time,
or a custom window of local dates. Pure functions."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from zeal.errors import Invalid
from zeal.practice.totals import month_end, month_start, week_start

MAX_SPAN_DAYS = 366


class PeriodInvalid(Invalid):
    code = "period_invalid"
    title = "Invalid period"


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    ALL = "all"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date | None  # None: since the beginning
    end: date | None  # None: up to now


def resolve(kind: str | None, start: date | None, end: date | None, today: date) -> Period:
    if start is not None or end is not None:
        if kind not in (None, PeriodKind.CUSTOM):
            raise PeriodInvalid("Give either period=week|month|all or from and to, not both.")
        if start is None or end is None:
            raise PeriodInvalid("A custom period needs both 'from' and 'to'.")
        if start > end:
            raise PeriodInvalid("'from' must not be after 'to'.")
        if (end - start).days + 1 > MAX_SPAN_DAYS:
            raise PeriodInvalid(f"A custom period spans at most {MAX_SPAN_DAYS} days.")
        return Period(PeriodKind.CUSTOM, start, end)
    if kind in (None, PeriodKind.WEEK):
        monday = week_start(today)
        return Period(PeriodKind.WEEK, monday, monday + timedelta(days=6))
    if kind == PeriodKind.MONTH:
        return Period(PeriodKind.MONTH, month_start(today), month_end(today))
    if kind == PeriodKind.ALL:
        return Period(PeriodKind.ALL, None, None)
    raise PeriodInvalid("period is week, month or all (or give from and to).")
