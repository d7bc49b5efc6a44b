"""Streak arithmetic as pure functions: no session, no clock, tested exhaustively.

A *streak day* is a practice day that met the platform's minimum effort. A *kept day* is a day
without one that a streak freeze covered: it joins the streak days on either side into one run
but adds nothing to its length. A daily streak is a run of consecutive streak and kept days in
one language, as long as its streak days; it is alive while its last day is today or yesterday.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class StreakState:
    daily_streak: int = 0
    last_practice_date: date | None = None
    max_streak: int = 0
    max_streak_date: date | None = None
    # The run's last kept day when it ends later than its last streak day, else None.
    kept_through: date | None = None

    @property
    def alive_through(self) -> date | None:
        return alive_through(self.last_practice_date, self.kept_through)


def alive_through(last_practice_date: date | None, kept_through: date | None) -> date | None:
    """The last day a run covers: its last streak day, or a kept day after it."""
    if kept_through is not None and (
        last_practice_date is None or kept_through > last_practice_date
    ):
        return kept_through
    return last_practice_date


def current_streak(
    daily_streak: int,
    last_practice_date: date | None,
    today: date,
    kept_through: date | None = None,
) -> int:
    """The streak a learner sees today: 0 once a whole day was missed (neither practised nor
    kept by a freeze), whatever is stored."""
    through = alive_through(last_practice_date, kept_through)
    if through is None or through < today - ONE_DAY:
        return 0
    return daily_streak


def best_current_streak(
    streaks: Iterable[tuple[int, date | None, date | None]], today: date
) -> int:
    """The longest streak alive today among (daily_streak, last_practice_date, kept_through):
    one per language; what the streak-days badge reads (B8: not one language, not a stale
    value)."""
    return max((current_streak(n, last, today, kept) for n, last, kept in streaks), default=0)


@dataclass(frozen=True)
class RunAfter:
    """The run of streak and kept days that starts the day after a day: how many streak
    days it has, its last streak day, and its last day (kept days may follow the streak
    days, or be all it has so far)."""

    streak_days: int = 0
    last_streak_day: date | None = None
    end: date | None = None


def add_streak_day(
    state: StreakState, day: date, days_before: int, after: RunAfter | int = 0
) -> StreakState:
    """The state after `day` became a streak day.

    `days_before` is the number of streak days in the run that ends the day before `day`,
    `after` the run that starts the day after it (a bare count: streak days only, no kept
    days). In the everyday case (practice today, yesterday already counted) that is the
    familiar rule: `days_before` is the streak, so it grows by one; with nothing yesterday it
    restarts at 1. A late event or a move to a zone further west can land on an earlier day
    and join two runs, which is why both neighbours are needed.
    """
    if isinstance(after, int):
        end = day + timedelta(days=after) if after else None
        after = RunAfter(after, end, end)
    run_length = days_before + 1 + after.streak_days
    last_streak_day = after.last_streak_day if after.streak_days else day
    assert last_streak_day is not None
    run_end = max(after.end or day, last_streak_day)
    daily, last, kept = state.daily_streak, state.last_practice_date, state.kept_through
    through = state.alive_through
    if through is None or run_end >= through:
        daily, last = run_length, last_streak_day
        kept = run_end if run_end > last_streak_day else None
    best, best_date = state.max_streak, state.max_streak_date
    # On a tie keep the earliest day the length was reached, so the result does not depend on
    # the order in which events arrived.
    reached = last_streak_day
    if run_length > best or (run_length == best and best_date is not None and reached < best_date):
        best, best_date = run_length, reached
    return StreakState(daily, last, best, best_date, kept)


def derive_streak(streak_days: Iterable[date], kept_days: Iterable[date] = ()) -> StreakState:
    """The state the ledger implies: what `add_streak_day` must agree with at all times.
    Kept days join runs without lengthening them; a run of kept days alone is no streak (a
    freeze is spent only after a streak day, so none arises)."""
    practised = set(streak_days)
    days = sorted(practised | set(kept_days))
    state, run, last_streak_day = StreakState(), 0, None
    previous: date | None = None
    for day in days:
        if previous is None or day - previous != ONE_DAY:
            run, last_streak_day = 0, None
        previous = day
        if day in practised:
            run, last_streak_day = run + 1, day
            if run > state.max_streak:
                state = replace(state, max_streak=run, max_streak_date=day)
        if last_streak_day is not None:
            kept = day if day > last_streak_day else None
            state = replace(
                state, daily_streak=run, last_practice_date=last_streak_day, kept_through=kept
            )
    return state
