"""Streak arithmetic as pure functions: no session, no clock, tested exhaustively.

A *streak day* is a practice day that met the platform's minimum effort. A daily streak is a run
of consecutive streak days in one language; it is alive while its last day is today or yesterday.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class StreakState:
    daily_streak: int = 0
    last_practice_date: date | None = None
    max_streak: int = 0
    max_streak_date: date | None = None


def current_streak(daily_streak: int, last_practice_date: date | None, today: date) -> int:
    """The streak a learner sees today: 0 once a whole day was missed, whatever is stored."""
    if last_practice_date is None or last_practice_date < today - ONE_DAY:
        return 0
    return daily_streak


def best_current_streak(streaks: Iterable[tuple[int, date | None]], today: date) -> int:
    """The longest streak alive today among (daily_streak, last_practice_date) pairs: one per
    language; what the streak-days badge reads (B8: not one language, not a stale value)."""
    return max((current_streak(n, last, today) for n, last in streaks), default=0)


def add_streak_day(state: StreakState, day: date, days_before: int, days_after: int) -> StreakState:
    """The state after `day` became a streak day.

    `days_before` / `days_after` are the lengths of the runs of streak days that end the day
    before `day` and start the day after it. In the everyday case (practice today, yesterday
    already counted) that is the familiar rule: `days_before` is the streak, so it grows by one;
    with nothing yesterday it restarts at 1. A late event or a move to a zone further west can
    land on an earlier day and join two runs, which is why both neighbours are needed.
    """
    run_length = days_before + 1 + days_after
    run_end = day + timedelta(days=days_after)
    daily, last = state.daily_streak, state.last_practice_date
    if last is None or run_end >= last:
        daily, last = run_length, run_end
    best, best_date = state.max_streak, state.max_streak_date
    # On a tie keep the earliest day the length was reached, so the result does not depend on
    # the order in which events arrived.
    if run_length > best or (run_length == best and best_date is not None and run_end < best_date):
        best, best_date = run_length, run_end
    return StreakState(daily, last, best, best_date)


def derive_streak(streak_days: Iterable[date]) -> StreakState:
    """The state the ledger implies: what `add_streak_day` must agree with at all times."""
    days = sorted(set(streak_days))
    if not days:
        return StreakState()
    best, best_date, run = 0, days[0], 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == ONE_DAY else 1
        if run > best:
            best, best_date = run, day
        previous = day
    return StreakState(run, days[-1], best, best_date)
