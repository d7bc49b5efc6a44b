"""Friend-streak arithmetic as pure functions.

A *shared day* is a date D, on or after the friendship's first day, on which both friends
practised: A on A's local D and B on B's local D (any language, days that met the minimum).
The friend streak is a run of consecutive shared days; it is the same arithmetic as a daily
streak over those days (`zeal.practice.streaks`), only "alive" is judged from both calendars.
"""

from collections.abc import Iterable
from datetime import date

from zeal.practice.streaks import ONE_DAY, StreakState, derive_streak


def shared_days(a_days: Iterable[date], b_days: Iterable[date], first_day: date) -> set[date]:
    return {day for day in set(a_days) & set(b_days) if day >= first_day}


def derive_friend_streak(
    a_days: Iterable[date], b_days: Iterable[date], first_day: date
) -> StreakState:
    """What the two ledgers imply; the stored friend streak must always agree with it."""
    return derive_streak(shared_days(a_days, b_days, first_day))


def current_friend_streak(
    streak: int,
    last_day: date | None,
    *,
    a_today: date,
    b_today: date,
    a_practised_next: bool,
    b_practised_next: bool,
) -> int:
    """The friend streak shown now: 0 as soon as either friend's day after the last shared day
    ended without practice. Each friend is judged by their own calendar, so a friend whose
    local day is still the next one has not missed it yet."""
    if last_day is None or streak == 0:
        return 0
    following = last_day + ONE_DAY
    if a_today > following and not a_practised_next:
        return 0
    if b_today > following and not b_practised_next:
        return 0
    return streak
