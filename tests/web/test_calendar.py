"""Where the practice calendar names its months."""

from datetime import date

from zeal.web.calendar import calendar_start, month_names


def test_the_first_week_names_its_month_when_the_next_name_is_far_enough() -> None:
    # Mon 2 Feb: March begins on Sunday 1 March, in the week of Mon 23 Feb (week 3), far
    # enough for "Feb" over the first column.
    assert month_names(date(2026, 2, 2), 6) == ["Feb", "", "", "Mar", "", ""]


def test_the_first_week_stays_unnamed_when_two_names_would_overlap() -> None:
    # Mon 19 Jan: February begins in week 1 (Sun 1 Feb), too close for "Jan" before it.
    assert month_names(date(2026, 1, 19), 3) == ["", "Feb", ""]


def test_the_calendar_starts_on_a_monday_and_ends_with_todays_week() -> None:
    start = calendar_start(date(2026, 3, 10))
    assert start == date(2025, 10, 27)
    assert start.weekday() == 0
