"""Streak arithmetic without a database: the rule, and that it always agrees with the ledger."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from zeal.practice.streaks import (
    StreakState,
    add_streak_day,
    current_streak,
    derive_streak,
)

D = date(2026, 3, 10)


def days(*offsets: int) -> list[date]:
    return [D + timedelta(days=n) for n in offsets]


def replay(order: list[date]) -> StreakState:
    """Feed days one by one, with the neighbouring runs measured from the days seen so far."""
    state, seen = StreakState(), set[date]()
    for day in order:
        if day in seen:
            continue
        before = 0
        while day - timedelta(days=before + 1) in seen:
            before += 1
        after = 0
        while day + timedelta(days=after + 1) in seen:
            after += 1
        state = add_streak_day(state, day, before, after)
        seen.add(day)
    return state


class TestTheEverydayRule:
    def test_first_practice_starts_a_streak_of_one(self) -> None:
        assert replay(days(0)) == StreakState(1, D, 1, D)

    def test_practice_the_day_after_adds_one(self) -> None:
        assert replay(days(0, 1, 2)).daily_streak == 3

    def test_a_missed_day_restarts_at_one_and_keeps_the_best(self) -> None:
        state = replay(days(0, 1, 2, 4))
        assert state.daily_streak == 1
        assert (state.max_streak, state.max_streak_date) == (3, D + timedelta(days=2))

    def test_a_new_best_moves_the_best_date(self) -> None:
        state = replay(days(0, 1, 3, 4, 5))
        assert (state.max_streak, state.max_streak_date) == (3, D + timedelta(days=5))


class TestLateDays:
    def test_a_late_day_joins_two_runs(self) -> None:
        state = replay(days(0, 1, 3, 4, 2))
        assert state == StreakState(5, D + timedelta(days=4), 5, D + timedelta(days=4))

    def test_a_late_day_before_the_current_run_leaves_the_current_streak(self) -> None:
        state = replay(days(5, 6, 0))
        assert (state.daily_streak, state.last_practice_date) == (2, D + timedelta(days=6))

    def test_a_tie_keeps_the_earliest_date_the_best_was_reached(self) -> None:
        # Runs 1-2 and 4-6: best 3 on day 6; then day 0 makes 0-2 as long, reached on day 2.
        state = replay(days(1, 2, 4, 5, 6, 0))
        assert (state.max_streak, state.max_streak_date) == (3, D + timedelta(days=2))


class TestWhatTheLearnerSees:
    def test_alive_today_and_yesterday(self) -> None:
        assert current_streak(4, D, today=D) == 4
        assert current_streak(4, D, today=D + timedelta(days=1)) == 4

    def test_zero_once_a_whole_day_was_missed(self) -> None:
        assert current_streak(4, D, today=D + timedelta(days=2)) == 0

    def test_zero_without_practice(self) -> None:
        assert current_streak(0, None, today=D) == 0

    def test_a_last_day_ahead_of_today_is_alive(self) -> None:
        # After a move west the last practice day can be "tomorrow" in the new zone.
        assert current_streak(2, D + timedelta(days=1), today=D) == 2


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=40), st.randoms())
def test_any_arrival_order_gives_what_the_ledger_says(offsets: list[int], rng: object) -> None:
    order = days(*offsets)
    rng.shuffle(order)  # type: ignore[attr-defined]
    assert replay(order) == derive_streak(order)


def test_derive_streak_of_nothing() -> None:
    assert derive_streak([]) == StreakState()
