"""Reads of the practice-day ledger that more than one domain needs."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

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
    rows = session.execute(
        select(PracticeDay.user_id, PracticeDay.day)
        .where(
            PracticeDay.user_id.in_(ids),
            PracticeDay.day.in_(wanted),
            PracticeDay.counts_for_streak.is_(True),
        )
        .distinct()
    )
    return {(user_id, day) for user_id, day in rows}
