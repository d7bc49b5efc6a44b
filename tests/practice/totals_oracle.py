"""What the practice totals must hold, computed from the ledger in plain Python."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zeal.practice.models import PracticeDay, PracticeTotal

Key = tuple[int, str, str, date]  # user id, language ("*": all), span, first day


def totals_from_ledger(days: Iterable[PracticeDay]) -> dict[Key, tuple[int, int, int]]:
    """(days, events, correct exercises) per total: distinct dates for "*", rows otherwise."""
    dates: dict[Key, set[date]] = defaultdict(set)
    sums: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for row in days:
        starts = {
            "week": row.day - timedelta(days=row.day.weekday()),
            "month": row.day.replace(day=1),
            "all": date(1970, 1, 1),
        }
        for language in (row.language, "*"):
            for span, first in starts.items():
                key = (row.user_id, language, span, first)
                dates[key].add(row.day)
                sums[key][0] += row.events
                sums[key][1] += row.exercises_correct
    return {key: (len(dates[key]), *sums[key]) for key in dates}  # type: ignore[misc]


def stored_totals(session: Session, user_id: int | None = None) -> dict[Key, tuple[int, ...]]:
    query = select(PracticeTotal)
    if user_id is not None:
        query = query.where(PracticeTotal.user_id == user_id)
    return {
        (t.user_id, t.language, t.span, t.starts_on): (t.days, t.events, t.exercises_correct)
        for t in session.scalars(query)
    }


def ledger(session: Session, user_id: int | None = None) -> list[PracticeDay]:
    query = select(PracticeDay)
    if user_id is not None:
        query = query.where(PracticeDay.user_id == user_id)
    return list(session.scalars(query))
