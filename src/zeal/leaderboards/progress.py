"""A teacher's view of the class: how each student is doing this week.

For every current student: the streaks alive today per language, the last practice day and
the days since it (3 or more, or never: flagged), and this week's practice minutes, correct
exercises and badges. A teacher always sees it, whether or not the class board is on; a
student never does (`teachers_only`). "This week" is the teacher's Monday to Sunday, and each
student's days are their own local dates, as on the class board. Four reads, whatever the
size of the class.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.badges.models import Badge, UserBadge
from zeal.clock import local_date, local_midnight, todays
from zeal.cohorts import errors as cohorts_errors
from zeal.cohorts import service as cohorts_service
from zeal.cohorts.models import Cohort, Role
from zeal.context import Context
from zeal.errors import Invalid
from zeal.practice import reading, totals
from zeal.practice.models import SECONDS_COLUMNS, PracticeTotal
from zeal.practice.reading import StreakView

LAPSED_AFTER_DAYS = 3  # a student this many days without practice is flagged


class SortInvalid(Invalid):
    code = "sort_invalid"
    title = "Invalid sort"


class SortKey(StrEnum):
    NAME = "name"
    STREAK = "streak"
    LAST_PRACTICE = "last_practice"
    MINUTES = "minutes"
    CORRECT_EXERCISES = "correct_exercises"
    BADGES = "badges"


SORT_PATTERN = rf"^-?({'|'.join(key.value for key in SortKey)})$"


@dataclass(frozen=True)
class StudentProgress:
    user: User
    streaks: dict[str, int]  # alive today, by language, longest first
    last_practice_date: date | None
    days_since_practice: int | None  # by the student's own today; None: never practised
    minutes: int  # practice time this week, whole minutes
    correct_exercises: int  # this week
    badges: list[str]  # earned this week, in order

    @property
    def best_streak(self) -> int:
        return max(self.streaks.values(), default=0)

    @property
    def lapsed(self) -> bool:
        days = self.days_since_practice
        return days is None or days >= LAPSED_AFTER_DAYS


@dataclass(frozen=True)
class ClassProgress:
    cohort: Cohort
    week_start: date
    week_end: date
    students: list[StudentProgress]


def class_progress(
    session: Session, ctx: Context, teacher: User, cohort_id: int, sort: str = SortKey.NAME
) -> ClassProgress:
    """The class's current students with this week's progress, sorted by `sort` (a SortKey,
    `-` first for the other way round)."""
    order = _order(sort)
    cohort, membership = cohorts_service.member_cohort(session, teacher, cohort_id)
    if membership.role != Role.TEACHER:
        raise cohorts_errors.TeachersOnly("Only the class's teachers see its progress.")
    now = ctx.clock.now()
    monday = totals.week_start(local_date(teacher, now))
    students = _students(session, cohort.id, now)
    days = todays(students, now)
    streaks = reading.streaks_of(session, days)
    week = _week(session, list(days), monday)
    badges = _badges(session, students, monday)
    rows = [
        _student(student, streaks[student.id], days[student.id], week, badges)
        for student in students
    ]
    return ClassProgress(cohort, monday, monday + timedelta(days=6), order(rows))


def _order(sort: str) -> Callable[[list[StudentProgress]], list[StudentProgress]]:
    """How to sort the rows; names break ties, so the order never depends on the database."""
    descending, name = sort.startswith("-"), sort.removeprefix("-")
    if name not in SortKey.__members__.values():
        keys = ", ".join(key.value for key in SortKey)
        raise SortInvalid(f"sort is one of {keys}, with '-' first for the other way round.")
    measure: dict[str, Callable[[StudentProgress], Any]] = {
        SortKey.STREAK: lambda row: row.best_streak,
        SortKey.LAST_PRACTICE: lambda row: row.last_practice_date or date.min,
        SortKey.MINUTES: lambda row: row.minutes,
        SortKey.CORRECT_EXERCISES: lambda row: row.correct_exercises,
        SortKey.BADGES: lambda row: len(row.badges),
    }

    def ordered(rows: list[StudentProgress]) -> list[StudentProgress]:
        rows = sorted(rows, key=lambda row: (row.user.display_name.casefold(), row.user.id))
        if name == SortKey.NAME:
            return rows[::-1] if descending else rows
        return sorted(rows, key=measure[name], reverse=descending)

    return ordered


def _students(session: Session, cohort_id: int, now: datetime) -> list[User]:
    current = cohorts_service.members_at(cohort_id, now)
    return list(session.scalars(select(User).where(User.id.in_(current))))


def _student(
    student: User,
    views: list[StreakView],
    today: date,
    week: dict[int, tuple[int, int]],
    badges: dict[int, list[str]],
) -> StudentProgress:
    alive = {view.language: view.daily_streak for view in views if view.daily_streak}
    last = max((v.last_practice_date for v in views if v.last_practice_date), default=None)
    since = None if last is None else (today - last).days
    minutes, correct = week.get(student.id, (0, 0))
    return StudentProgress(student, alive, last, since, minutes, correct, badges[student.id])


def _week(session: Session, ids: list[int], monday: date) -> dict[int, tuple[int, int]]:
    """(practice minutes, correct exercises) this week, from the weekly totals."""
    total = _TOTAL.c
    seconds = sum((total[column] for column in SECONDS_COLUMNS), start=cast(Any, 0))
    rows = session.execute(
        select(total.user_id, seconds, total.exercises_correct).where(
            total.user_id.in_(ids),
            total.span == totals.Span.WEEK.value,
            total.starts_on == monday,
            total.language == totals.ALL_LANGUAGES,
        )
    )
    return {user_id: (int(secs) // 60, int(correct)) for user_id, secs, correct in rows}


def _badges(session: Session, students: list[User], monday: date) -> dict[int, list[str]]:
    """The badges each student earned this week: on their own Monday or later."""
    by_id = {student.id: student for student in students}
    earned: dict[int, list[str]] = defaultdict(list)
    if not students:
        return earned
    # The earliest instant any student's week can begin; each award is then judged by its
    # student's own calendar.
    since = min(local_midnight(student, monday) for student in students)
    rows = session.execute(
        select(UserBadge.user_id, UserBadge.achieved_at, Badge.name)
        .join(Badge, Badge.id == UserBadge.badge_id)
        .where(UserBadge.user_id.in_(list(by_id)), UserBadge.achieved_at >= since)
        .order_by(UserBadge.achieved_at, Badge.id)
    )
    for user_id, achieved_at, name in rows:
        if local_date(by_id[user_id], achieved_at) >= monday:
            earned[user_id].append(name)
    return earned


_TOTAL = cast(Table, PracticeTotal.__table__)
