"""The practice calendar on the home page: one column per week, Monday at the top, each day
shaded by how much was practised, and a month's name over the week its first day falls in."""

from dataclasses import dataclass
from datetime import date, timedelta

from zeal.practice.models import PracticeDay
from zeal.practice.reading import KeptDay
from zeal.web.formats import duration, language_name, plural

CALENDAR_WEEKS = 20
# A month's name is as wide as about three weeks: the first column names its month only when
# the next month's name is at least that far away, so two names never overlap.
_NAME_WEEKS = 3


@dataclass(frozen=True)
class CalendarDay:
    day: date
    level: int  # 0 (none) to 4
    label: str
    kept: str | None = None  # frozen | repaired: a freeze or a repair kept it (no practice)


@dataclass(frozen=True)
class Calendar:
    weeks: list[list[CalendarDay | None]]  # None: a day still to come
    months: list[str]  # one per week: the month's name where a month begins, else ""


def _level(row_seconds: int, events: int) -> int:
    score = row_seconds // 60 + events
    return next(level for level, floor in ((4, 45), (3, 20), (2, 8), (1, 0)) if score >= floor)


def calendar_start(today: date) -> date:
    """The Monday the calendar starts on: CALENDAR_WEEKS weeks up to today's."""
    return today - timedelta(days=today.weekday(), weeks=CALENDAR_WEEKS - 1)


def calendar(rows: list[PracticeDay], today: date, kept: list[KeptDay] | None = None) -> Calendar:
    """Weeks (Monday first) up to today, each day shaded by how much was practised; a day
    without practice that a streak freeze or a repair kept is marked so."""
    totals: dict[date, list[int]] = {}
    for row in rows:
        total = totals.setdefault(row.day, [0, 0, 0])
        total[0] += row.practice_seconds
        total[1] += row.events
        total[2] += 1
    frozen: dict[date, list[KeptDay]] = {}
    for kept_day in kept or []:
        frozen.setdefault(kept_day.day, []).append(kept_day)
    first = calendar_start(today)
    weeks = [
        [
            _day(first + timedelta(weeks=week, days=weekday), today, totals, frozen)
            for weekday in range(7)
        ]
        for week in range(CALENDAR_WEEKS)
    ]
    return Calendar(weeks, month_names(first, CALENDAR_WEEKS))


def _day(
    current: date, today: date, totals: dict[date, list[int]], frozen: dict[date, list[KeptDay]]
) -> CalendarDay | None:
    if current > today:
        return None
    seconds, events, languages = totals.get(current, (0, 0, 0))
    if current in frozen:
        return _kept(current, frozen[current])
    if events == 0:
        return CalendarDay(current, 0, f"{current:%a %d %b}: no practice")
    label = f"{current:%a %d %b}: {plural(events, 'event')}"
    label += f", {duration(seconds)}" if seconds else ""
    label += f" in {plural(languages, 'language')}" if languages > 1 else ""
    return CalendarDay(current, _level(seconds, events), label)


def _kept(current: date, kept: list[KeptDay]) -> CalendarDay:
    names = " and ".join(language_name(k.language) for k in kept)
    kind = "frozen" if any(k.kind == "frozen" for k in kept) else "repaired"
    how = "a streak freeze kept" if kind == "frozen" else "you repaired"
    return CalendarDay(current, 0, f"{current:%a %d %b}: {how} your {names} streak", kind)


def month_names(first_monday: date, weeks: int) -> list[str]:
    """For each week from `first_monday`: the name of the month whose first day falls in it,
    and for the first week the name of its own month, when there is room for it."""
    names = []
    for week in range(weeks):
        days = [first_monday + timedelta(weeks=week, days=d) for d in range(7)]
        names.append(next((f"{day:%b}" for day in days if day.day == 1), ""))
    if not names[0]:
        next_name = next((i for i, name in enumerate(names) if name), weeks)
        names[0] = f"{first_monday:%b}" if next_name >= _NAME_WEEKS else ""
    return names
