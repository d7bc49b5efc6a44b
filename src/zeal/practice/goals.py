"""Daily goals: a day meets the goal when its XP, in every language, reaches the goal the
learner had on that day (`daily_goal`: a change judges the day it is made and the days after,
never the days before). The goal streak is the run of such days ending today, or yesterday
while today may still meet it, as a practice streak is."""

import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from zeal.accounts.models import DailyGoal
from zeal.practice.models import PracticeDay
from zeal.practice.streaks import ONE_DAY

_DAY = cast(Table, PracticeDay.__table__)
_PAGE = timedelta(days=120)  # days of XP read at a time, walking back


@dataclass(frozen=True)
class GoalProgress:
    today: date
    goal_xp: int
    xp_today: int
    goal_streak: int  # days in a row that met their goal, up to today (or yesterday)

    @property
    def met(self) -> bool:
        return self.xp_today >= self.goal_xp


class Goals:
    """The learner's goal on any day: the latest change made on or before it, else the
    platform's default."""

    def __init__(self, changes: list[tuple[date, int]], default: int) -> None:
        self.days = [day for day, _ in changes]
        self.goals = [goal for _, goal in changes]
        self.default = default

    def on(self, day: date) -> int:
        index = bisect.bisect_right(self.days, day)
        return self.goals[index - 1] if index else self.default


def goals_of(session: Session, user_id: int, default: int) -> Goals:
    rows = session.execute(
        select(DailyGoal.since_day, DailyGoal.goal_xp)
        .where(DailyGoal.user_id == user_id)
        .order_by(DailyGoal.since_day)
    ).all()
    return Goals([(day, goal) for day, goal in rows], default)


def progress(session: Session, user_id: int, today: date, default: int) -> GoalProgress:
    """Today's XP against today's goal, and the goal streak."""
    goals = goals_of(session, user_id, default)
    xp = _xp_by_day(session, user_id, today - _PAGE, today)
    met_today = xp.get(today, 0) >= goals.on(today)
    day = today if met_today else today - ONE_DAY
    streak, start = 0, today - _PAGE
    while True:
        if day < start:  # read further back
            start -= _PAGE
            xp.update(_xp_by_day(session, user_id, start, day))
        if xp.get(day, 0) < goals.on(day):
            break
        streak, day = streak + 1, day - ONE_DAY
    return GoalProgress(today, goals.on(today), xp.get(today, 0), streak)


def _xp_by_day(session: Session, user_id: int, after: date, until: date) -> dict[date, int]:
    """XP per local day in (after, until], every language summed; days without any left out."""
    days = _DAY.c
    rows = session.execute(
        select(days.day, func.sum(days.xp))
        .where(days.user_id == user_id, days.day > after, days.day <= until)
        .group_by(days.day)
    ).all()
    return {day: int(total or 0) for day, total in rows}
