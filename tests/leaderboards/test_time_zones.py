"""Boards across time zones: each learner's practice counts on their own local dates, and the
period is the caller's own calendar (W12: windows were shifted by time-zone offsets)."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tests.conftest import START
from tests.factories import make_friends, practise
from tests.leaderboards.helpers import Headers, friends_board, learner, names, values
from zeal.accounts.models import User
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database

TONGA = "Pacific/Tongatapu"  # UTC+13 all year
HAWAII = "Pacific/Honolulu"  # UTC-10 all year
# Monday 9 March 00:30 in Tonga, still Sunday 8 March 01:30 in Hawaii.
TONGA_MONDAY_HAWAII_SUNDAY = datetime(2026, 3, 8, 11, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Trio:
    users: dict[str, User]
    headers: dict[str, Headers]


@pytest.fixture
def trio(client: TestClient, db: Database, ctx: Context, clock: FixedClock) -> Trio:
    """Uma (UTC), Tala (Tonga) and Kai (Hawaii), friends with one another since 2 March."""
    clock.set(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    users: dict[str, User] = {}
    headers: dict[str, Headers] = {}
    for name, zone in (("uma", "UTC"), ("tala", TONGA), ("kai", HAWAII)):
        users[name], headers[name] = learner(client, db, ctx, name, timezone=zone)
    make_friends(db, ctx, users["uma"], users["tala"])
    make_friends(db, ctx, users["uma"], users["kai"])
    make_friends(db, ctx, users["tala"], users["kai"])
    clock.set(START)
    return Trio(users, headers)


class TestLocalDates:
    # W12: a window shifted by a time-zone offset put practice in the wrong week.
    @pytest.fixture
    def practised(self, db: Database, ctx: Context, trio: Trio) -> Trio:
        for name in ("tala", "kai"):
            practise(db, ctx, trio.users[name], at=TONGA_MONDAY_HAWAII_SUNDAY)
        return trio

    @pytest.mark.parametrize("viewer", ["uma", "tala", "kai"])
    @pytest.mark.parametrize("metric", ["correct_exercises", "practice_days"])
    def test_the_same_instant_is_this_week_in_tonga_and_last_week_in_hawaii(
        self, client: TestClient, practised: Trio, viewer: str, metric: str
    ) -> None:
        headers = practised.headers[viewer]
        this_week = friends_board(client, headers, metric=metric)
        assert this_week["period"] == {"kind": "week", "from": "2026-03-09", "to": "2026-03-15"}
        assert values(this_week) == {"tala": 1, "kai": 0, "uma": 0}
        last_week = friends_board(
            client, headers, metric=metric, from_="2026-03-02", to="2026-03-08"
        )
        assert values(last_week) == {"tala": 0, "kai": 1, "uma": 0}

    def test_a_single_day_is_each_learners_own_date(
        self, client: TestClient, practised: Trio
    ) -> None:
        uma = practised.headers["uma"]
        monday = friends_board(client, uma, from_="2026-03-09", to="2026-03-09")
        sunday = friends_board(client, uma, from_="2026-03-08", to="2026-03-08")
        assert values(monday) == {"tala": 1, "kai": 0, "uma": 0}
        assert values(sunday) == {"tala": 0, "kai": 1, "uma": 0}


class TestCallersCalendar:
    def test_this_week_is_the_callers_week(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock, trio: Trio
    ) -> None:
        # Sunday 15 March noon UTC: already Monday 16 March in Tonga, Sunday morning in Hawaii.
        clock.set(datetime(2026, 3, 15, 12, 0, tzinfo=UTC))
        for name in ("tala", "kai"):
            practise(db, ctx, trio.users[name])
        tala = friends_board(client, trio.headers["tala"])
        assert tala["period"] == {"kind": "week", "from": "2026-03-16", "to": "2026-03-22"}
        assert values(tala) == {"tala": 1, "kai": 0, "uma": 0}
        for name in ("kai", "uma"):
            board = friends_board(client, trio.headers[name])
            assert board["period"] == {"kind": "week", "from": "2026-03-09", "to": "2026-03-15"}
            assert values(board) == {"tala": 0, "kai": 1, "uma": 0}

    def test_this_month_is_the_callers_month(
        self, client: TestClient, clock: FixedClock, trio: Trio
    ) -> None:
        clock.set(datetime(2026, 3, 31, 12, 0, tzinfo=UTC))  # 1 April 01:00 in Tonga
        tala = friends_board(client, trio.headers["tala"], period="month")
        kai = friends_board(client, trio.headers["kai"], period="month")
        assert tala["period"] == {"kind": "month", "from": "2026-04-01", "to": "2026-04-30"}
        assert kai["period"] == {"kind": "month", "from": "2026-03-01", "to": "2026-03-31"}

    def test_a_past_week_ends_at_the_callers_midnight(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock, trio: Trio
    ) -> None:
        # Sunday 15 March noon UTC is Monday 16 March in Tonga: Tala's week 9-15 March is over.
        clock.set(datetime(2026, 3, 15, 12, 0, tzinfo=UTC))
        ned, _ = learner(client, db, ctx, "ned")
        make_friends(db, ctx, ned, trio.users["tala"])
        make_friends(db, ctx, ned, trio.users["uma"])
        clock.set(datetime(2026, 3, 17, 12, 0, tzinfo=UTC))
        last_week = {"from_": "2026-03-09", "to": "2026-03-15"}
        assert names(friends_board(client, trio.headers["tala"], **last_week)) == [
            "kai",
            "tala",
            "uma",
        ]
        assert names(friends_board(client, trio.headers["uma"], **last_week)) == [
            "kai",
            "ned",
            "tala",
            "uma",
        ]


class TestStreakOnEachLearnersToday:
    def test_tonga_has_already_lost_a_streak_utc_still_keeps(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock, trio: Trio
    ) -> None:
        at = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)  # 10 March in UTC and in Tonga
        for name in ("uma", "tala"):
            practise(db, ctx, trio.users[name], at=at)
        clock.set(datetime(2026, 3, 11, 12, 0, tzinfo=UTC))  # 12 March 01:00 in Tonga
        for viewer in ("uma", "tala", "kai"):
            board = friends_board(client, trio.headers[viewer], metric="streak")
            assert values(board) == {"uma": 1, "tala": 0, "kai": 0}

    def test_hawaii_still_keeps_a_streak_utc_has_lost(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock, trio: Trio
    ) -> None:
        at = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)  # 9 March in UTC and in Hawaii
        for name in ("uma", "kai"):
            practise(db, ctx, trio.users[name], at=at)
        clock.set(datetime(2026, 3, 11, 8, 0, tzinfo=UTC))  # still 10 March in Hawaii
        for viewer in ("uma", "tala", "kai"):
            board = friends_board(client, trio.headers[viewer], metric="streak")
            assert values(board) == {"uma": 0, "tala": 0, "kai": 1}
