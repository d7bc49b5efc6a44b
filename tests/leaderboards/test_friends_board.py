"""The friends board: the caller and their friends as of the end of the period."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.factories import auth, make_friends, make_learner, practise
from tests.friends.helpers import befriend, send, unfriend
from tests.leaderboards.helpers import (
    Headers,
    cohort_board,
    friends_board,
    join,
    learner,
    names,
    new_cohort,
    row_of,
    set_discoverable,
    standings,
    values,
)
from zeal.accounts.models import User
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.use_cases import friendships as friendships_use_case

LAST_WEEK = {"from_": "2026-03-09", "to": "2026-03-15"}


class TestWhoIsOnIt:
    def test_the_caller_and_their_friends_only(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        mia, mia_headers = learner(client, db, ctx, "mia")
        ann, _ = learner(client, db, ctx, "ann")
        bob, _ = learner(client, db, ctx, "bob")  # a friend of Ann's, not of Mia's
        _, cal_headers = learner(client, db, ctx, "cal")  # asked Mia; not answered yet
        eve, _ = learner(client, db, ctx, "eve")  # a stranger
        make_friends(db, ctx, mia, ann)
        make_friends(db, ctx, ann, bob)
        assert send(client, cal_headers, "mia").status_code == 201
        for someone in (ann, bob, eve):
            practise(db, ctx, someone)
        board = friends_board(client, mia_headers)
        assert standings(board) == [(1, "ann", 1), (2, "mia", 0)]
        assert board["total"] == 2

    def test_a_learner_without_friends_is_alone_on_it(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        mia, headers = learner(client, db, ctx, "mia")
        practise(db, ctx, mia)
        board = friends_board(client, headers)
        assert standings(board) == [(1, "mia", 1)]
        assert board["total"] == 1

    def test_each_friend_sees_the_other(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        mia, mia_headers = learner(client, db, ctx, "mia")
        ann, ann_headers = learner(client, db, ctx, "ann")
        make_friends(db, ctx, mia, ann)
        assert names(friends_board(client, mia_headers)) == ["ann", "mia"]
        board = friends_board(client, ann_headers)
        assert names(board) == ["ann", "mia"]
        assert row_of(board, "mia")["is_friend"] is True
        assert row_of(board, "ann")["is_self"] is True

    def test_a_blocked_friend_leaves_both_boards(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        mia, mia_headers = learner(client, db, ctx, "mia")
        ann, ann_headers = learner(client, db, ctx, "ann")
        make_friends(db, ctx, mia, ann)
        response = client.post("/v1/me/blocks", json={"username": "ann"}, headers=mia_headers)
        assert response.status_code == 201, response.text
        assert names(friends_board(client, mia_headers)) == ["mia"]
        assert names(friends_board(client, ann_headers)) == ["ann"]

    def test_friends_again_are_on_it_once(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        mia, mia_headers = learner(client, db, ctx, "mia")
        ann, _ = learner(client, db, ctx, "ann")
        make_friends(db, ctx, mia, ann)
        clock.advance(timedelta(hours=1))
        assert unfriend(client, mia_headers, "ann").status_code == 204
        clock.advance(timedelta(hours=1))
        make_friends(db, ctx, ann, mia)
        practise(db, ctx, ann)
        board = friends_board(client, mia_headers, period="all")
        assert standings(board) == [(1, "ann", 1), (2, "mia", 0)]
        assert row_of(board, "ann")["is_friend"] is True


class TestFriendsOverTime:
    """Mia and Ann were friends last week (9-15 March) and Ann practised; Bob practised last
    week too but befriended Mia only this Tuesday, 17 March, when Mia also dropped Ann."""

    @pytest.fixture
    def mia(self, client: TestClient, db: Database, ctx: Context, clock: FixedClock) -> Headers:
        mia, headers = learner(client, db, ctx, "mia")
        ann, _ = learner(client, db, ctx, "ann")
        bob, _ = learner(client, db, ctx, "bob")
        make_friends(db, ctx, mia, ann)
        practise(db, ctx, ann)
        clock.set(datetime(2026, 3, 12, 12, 0, tzinfo=UTC))
        practise(db, ctx, bob)
        practise(db, ctx, bob)
        clock.set(datetime(2026, 3, 17, 12, 0, tzinfo=UTC))
        make_friends(db, ctx, bob, mia)
        assert unfriend(client, headers, "ann").status_code == 204
        return headers

    def test_a_past_week_shows_the_friends_of_that_week(
        self, client: TestClient, mia: Headers
    ) -> None:
        # B12: unfriending used to delete the friendship, rewriting past boards.
        board = friends_board(client, mia, **LAST_WEEK)
        assert standings(board) == [(1, "ann", 1), (2, "mia", 0)]
        assert row_of(board, "ann")["is_friend"] is False  # not a friend any more

    def test_this_week_shows_the_friends_of_now(self, client: TestClient, mia: Headers) -> None:
        board = friends_board(client, mia)
        assert names(board) == ["bob", "mia"]
        assert row_of(board, "bob")["is_friend"] is True

    @pytest.mark.parametrize("period", ["month", "all"])
    def test_a_period_not_over_shows_the_friends_of_now(
        self, client: TestClient, mia: Headers, period: str
    ) -> None:
        assert values(friends_board(client, mia, period=period)) == {"bob": 2, "mia": 0}

    def test_a_friend_dropped_before_the_period_ended_is_not_on_it(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock, mia: Headers
    ) -> None:
        cal, cal_headers = learner(client, db, ctx, "cal")
        clock.set(datetime(2026, 3, 18, 12, 0, tzinfo=UTC))
        befriend(client, cal_headers, mia, "mia")
        practise(db, ctx, cal)
        clock.set(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
        assert unfriend(client, cal_headers, "mia").status_code == 204
        clock.set(datetime(2026, 3, 24, 12, 0, tzinfo=UTC))
        board = friends_board(client, mia, from_="2026-03-16", to="2026-03-22")
        assert names(board) == ["bob", "mia"]


class TestDiscoverable:
    def test_a_hidden_learner_is_only_on_their_own_friends_board(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        mia, mia_headers = learner(client, db, ctx, "mia")
        ann, ann_headers = learner(client, db, ctx, "ann")
        make_friends(db, ctx, mia, ann)
        practise(db, ctx, ann)
        set_discoverable(client, ann_headers, False)
        mine = friends_board(client, mia_headers)
        assert names(mine) == ["mia"]
        assert mine["total"] == 1
        assert standings(friends_board(client, ann_headers)) == [(1, "ann", 1), (2, "mia", 0)]

    def test_coming_back_into_view_puts_them_back(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        mia, mia_headers = learner(client, db, ctx, "mia")
        ann, ann_headers = learner(client, db, ctx, "ann")
        make_friends(db, ctx, mia, ann)
        set_discoverable(client, ann_headers, False)
        set_discoverable(client, ann_headers, True)
        assert names(friends_board(client, mia_headers)) == ["ann", "mia"]


class TestBlockedLearners:
    def test_a_blocked_friend_leaves_even_past_boards_and_is_nameless_in_class(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # A blocked pair do not exist for each other, not even on last week's friends board.
        mia, ann = make_learner(db, ctx, username="mia"), make_learner(db, ctx, username="ann")
        make_friends(db, ctx, mia, ann)
        practise(db, ctx, ann)
        clock.advance(timedelta(days=7))
        mia_h, ann_h = auth(client, "mia"), auth(client, "ann")
        teacher = auth(client, make_learner(db, ctx, username="zed").username)
        cohort = new_cohort(client, teacher)
        join(client, mia_h, cohort)
        join(client, ann_h, cohort)
        with db.transaction() as session:
            me = session.get(User, mia.id)
            assert me is not None
            friendships_use_case.block(session, ctx, me, username="ann")
        last_week = {"from": "2026-03-09", "to": "2026-03-15", "metric": "correct_exercises"}
        assert names(friends_board(client, mia_h, **last_week)) == ["mia"]
        assert names(friends_board(client, ann_h, **last_week)) == ["ann"]
        for viewer, me in ((mia_h, "mia"), (ann_h, "ann")):
            seen = names(cohort_board(client, viewer, cohort["id"], metric="streak"))
            assert sorted(name or "" for name in seen) == ["", me]
