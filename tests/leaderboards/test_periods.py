"""Board periods: this week (Monday first), this month, all time or a custom window of local
dates, as the caller asks for them and as the board counts them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.conftest import START
from tests.factories import make_friends, practise
from tests.http import assert_problem
from tests.leaderboards.helpers import FRIENDS_BOARD, friends_board, get_board, learner, values
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.leaderboards.periods import Period, PeriodInvalid, PeriodKind, resolve


class TestWeek:
    @pytest.mark.parametrize(
        "today",
        [date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 15)],
        ids=["monday", "tuesday", "thursday", "sunday"],
    )
    def test_runs_from_monday_to_sunday(self, today: date) -> None:
        assert resolve("week", None, None, today) == Period(
            PeriodKind.WEEK, date(2026, 3, 9), date(2026, 3, 15)
        )

    def test_is_the_default(self) -> None:
        assert resolve(None, None, None, date(2026, 3, 10)) == resolve(
            "week", None, None, date(2026, 3, 10)
        )

    def test_a_monday_starts_a_new_week(self) -> None:
        sunday = resolve("week", None, None, date(2026, 3, 15))
        monday = resolve("week", None, None, date(2026, 3, 16))
        assert monday.start == date(2026, 3, 16)
        assert monday.end == date(2026, 3, 22)
        assert sunday.end is not None and monday.start == sunday.end + timedelta(days=1)

    def test_crosses_the_new_year(self) -> None:
        assert resolve("week", None, None, date(2026, 1, 1)) == Period(
            PeriodKind.WEEK, date(2025, 12, 29), date(2026, 1, 4)
        )


class TestMonth:
    @pytest.mark.parametrize(
        ("today", "first", "last"),
        [
            (date(2026, 3, 10), date(2026, 3, 1), date(2026, 3, 31)),
            (date(2026, 4, 30), date(2026, 4, 1), date(2026, 4, 30)),
            (date(2026, 2, 1), date(2026, 2, 1), date(2026, 2, 28)),
            (date(2026, 2, 28), date(2026, 2, 1), date(2026, 2, 28)),
            (date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29)),
            (date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 31)),
            (date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
            (date(2027, 1, 31), date(2027, 1, 1), date(2027, 1, 31)),
        ],
        ids=[
            "march",
            "april-last-day",
            "february-first-day",
            "february",
            "leap-february",
            "december-first-day",
            "december-last-day",
            "january-last-day",
        ],
    )
    def test_is_the_calendar_month_of_today(self, today: date, first: date, last: date) -> None:
        assert resolve("month", None, None, today) == Period(PeriodKind.MONTH, first, last)


class TestAllTime:
    def test_has_no_bounds(self) -> None:
        assert resolve("all", None, None, date(2026, 3, 10)) == Period(PeriodKind.ALL, None, None)


class TestCustom:
    def test_keeps_the_dates_given(self) -> None:
        assert resolve(None, date(2026, 2, 3), date(2026, 3, 4), date(2026, 3, 10)) == Period(
            PeriodKind.CUSTOM, date(2026, 2, 3), date(2026, 3, 4)
        )

    def test_may_be_a_single_day(self) -> None:
        day = date(2026, 3, 1)
        assert resolve(None, day, day, date(2026, 3, 10)) == Period(PeriodKind.CUSTOM, day, day)

    def test_may_span_366_days(self) -> None:
        start = date(2025, 3, 10)
        end = start + timedelta(days=365)
        assert resolve(None, start, end, date(2026, 3, 10)).end == end

    @pytest.mark.parametrize(
        ("kind", "start", "end"),
        [
            (None, date(2026, 3, 5), date(2026, 3, 4)),
            (None, date(2025, 3, 10), date(2026, 3, 11)),
            (None, date(2026, 3, 1), None),
            (None, None, date(2026, 3, 1)),
            ("week", date(2026, 3, 1), date(2026, 3, 8)),
            ("month", date(2026, 3, 1), date(2026, 3, 8)),
            ("all", date(2026, 3, 1), date(2026, 3, 8)),
            ("year", None, None),
        ],
        ids=[
            "from-after-to",
            "367-days",
            "only-from",
            "only-to",
            "week-and-dates",
            "month-and-dates",
            "all-and-dates",
            "unknown-word",
        ],
    )
    def test_refuses_what_is_not_one_period(
        self, kind: str | None, start: date | None, end: date | None
    ) -> None:
        with pytest.raises(PeriodInvalid):
            resolve(kind, start, end, date(2026, 3, 10))


class TestPeriodOnTheBoard:
    @pytest.mark.parametrize(
        ("params", "period"),
        [
            ({}, {"kind": "week", "from": "2026-03-09", "to": "2026-03-15"}),
            ({"period": "week"}, {"kind": "week", "from": "2026-03-09", "to": "2026-03-15"}),
            ({"period": "month"}, {"kind": "month", "from": "2026-03-01", "to": "2026-03-31"}),
            ({"period": "all"}, {"kind": "all", "from": None, "to": None}),
            (
                {"from_": "2026-02-20", "to": "2026-03-02"},
                {"kind": "custom", "from": "2026-02-20", "to": "2026-03-02"},
            ),
        ],
        ids=["default", "week", "month", "all", "custom"],
    )
    def test_says_which_dates_it_covers(
        self,
        client: TestClient,
        db: Database,
        ctx: Context,
        params: dict[str, str],
        period: dict[str, str | None],
    ) -> None:
        _, headers = learner(client, db, ctx, "mia")
        assert friends_board(client, headers, **params)["period"] == period

    @pytest.mark.parametrize(
        "params",
        [
            {"from_": "2026-03-05", "to": "2026-03-04"},
            {"from_": "2025-03-10", "to": "2026-03-11"},
            {"from_": "2026-03-01"},
            {"to": "2026-03-01"},
            {"period": "week", "from_": "2026-03-01", "to": "2026-03-08"},
            {"period": "year"},
        ],
        ids=["from-after-to", "367-days", "only-from", "only-to", "week-and-dates", "unknown"],
    )
    def test_refuses_a_period_that_is_not_one(
        self, client: TestClient, db: Database, ctx: Context, params: dict[str, str]
    ) -> None:
        _, headers = learner(client, db, ctx, "mia")
        assert_problem(get_board(client, headers, FRIENDS_BOARD, **params), 422, "period_invalid")

    def test_refuses_a_date_that_is_not_one(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        _, headers = learner(client, db, ctx, "mia")
        response = get_board(client, headers, FRIENDS_BOARD, from_="2026-02-30", to="2026-03-02")
        assert_problem(response, 422, "validation_error")


class TestWhatAPeriodCounts:
    @pytest.fixture
    def headers(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock
    ) -> dict[str, str]:
        """Mia and Ann; Ann got 1 correct exercise in February, 2 on Sunday 8 March (last
        week), 1 on Monday 9 March and 3 today, Tuesday 10 March."""
        clock.set(datetime(2026, 2, 27, 12, 0, tzinfo=UTC))
        mia, headers = learner(client, db, ctx, "mia")
        ann, _ = learner(client, db, ctx, "ann")
        make_friends(db, ctx, mia, ann)
        practise(db, ctx, ann)
        clock.set(START)
        for at, times in (
            (datetime(2026, 3, 8, 9, 0, tzinfo=UTC), 2),
            (datetime(2026, 3, 9, 23, 59, tzinfo=UTC), 1),
            (START, 3),
        ):
            for _ in range(times):
                practise(db, ctx, ann, at=at)
        return headers

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({}, 4),
            ({"period": "month"}, 6),
            ({"period": "all"}, 7),
            ({"from_": "2026-03-08", "to": "2026-03-09"}, 3),
            ({"from_": "2026-03-09", "to": "2026-03-09"}, 1),
            ({"from_": "2026-02-01", "to": "2026-02-28"}, 1),
            ({"from_": "2026-03-11", "to": "2026-03-31"}, 0),
        ],
        ids=["week", "month", "all", "two-days", "one-day", "february", "rest-of-march"],
    )
    def test_counts_the_local_days_in_the_period(
        self, client: TestClient, headers: dict[str, str], params: dict[str, str], expected: int
    ) -> None:
        board = friends_board(client, headers, **params)
        assert values(board) == {"ann": expected, "mia": 0}

    def test_a_new_week_starts_from_nothing(
        self, client: TestClient, headers: dict[str, str], clock: FixedClock
    ) -> None:
        clock.set(datetime(2026, 3, 16, 8, 0, tzinfo=UTC))  # the Monday after
        board = friends_board(client, headers)
        assert board["period"] == {"kind": "week", "from": "2026-03-16", "to": "2026-03-22"}
        assert values(board) == {"ann": 0, "mia": 0}
        last_week = friends_board(client, headers, from_="2026-03-09", to="2026-03-15")
        assert values(last_week) == {"ann": 4, "mia": 0}
