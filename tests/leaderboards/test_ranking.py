"""Rows of a board: ranks and ties, the limit, the caller's own row and who is who (W23: there
were no ranks, no ties and no own row)."""

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_friends, make_learner, practise
from tests.http import assert_problem
from tests.leaderboards.helpers import (
    FRIENDS_BOARD,
    Headers,
    friends_board,
    get_board,
    learner,
    row_of,
    standings,
)
from zeal.context import Context
from zeal.db import Database


@pytest.fixture
def mia(client: TestClient, db: Database, ctx: Context) -> Headers:
    """Mia (1 correct exercise) and her friends Ann (4), Cal (2), Bea (2) and Dan (0); Eve
    (9) is not her friend."""
    mia, headers = learner(client, db, ctx, "mia")
    # Created out of alphabetical order, so the order of the board is not the order of ids.
    for name, correct in (("dan", 0), ("cal", 2), ("ann", 4), ("bea", 2)):
        friend, _ = learner(client, db, ctx, name)
        make_friends(db, ctx, mia, friend)
        for _ in range(correct):
            practise(db, ctx, friend)
    eve, _ = learner(client, db, ctx, "eve")
    for _ in range(9):
        practise(db, ctx, eve)
    practise(db, ctx, mia)
    return headers


class TestRanks:
    # W23: ranks, ties and the caller's own row.
    def test_ordered_by_value_then_username_and_ties_share_a_rank(
        self, client: TestClient, mia: Headers
    ) -> None:
        board = friends_board(client, mia)
        assert standings(board) == [
            (1, "ann", 4),
            (2, "bea", 2),
            (2, "cal", 2),
            (4, "mia", 1),
            (5, "dan", 0),
        ]
        assert board["total"] == 5

    def test_learners_without_practice_tie_at_the_bottom(
        self, client: TestClient, mia: Headers
    ) -> None:
        board = friends_board(client, mia, metric="reading_time")
        assert standings(board) == [
            (1, "ann", 0),
            (1, "bea", 0),
            (1, "cal", 0),
            (1, "dan", 0),
            (1, "mia", 0),
        ]

    def test_rows_say_who_is_who(self, client: TestClient, mia: Headers) -> None:
        board = friends_board(client, mia)
        me = row_of(board, "mia")
        assert (me["display_name"], me["is_self"], me["is_friend"]) == ("Mia", True, False)
        ann = row_of(board, "ann")
        assert (ann["display_name"], ann["is_self"], ann["is_friend"]) == ("Ann", False, True)
        assert set(ann["avatar"]) == {"image", "character_color", "background_color"}
        assert [row["username"] for row in board["rows"] if row["is_self"]] == ["mia"]


class TestLimit:
    def test_shows_the_top_and_then_the_callers_own_row(
        self, client: TestClient, mia: Headers
    ) -> None:
        board = friends_board(client, mia, limit=2)
        assert standings(board) == [(1, "ann", 4), (2, "bea", 2), (4, "mia", 1)]
        assert board["rows"][-1]["is_self"] is True
        assert board["total"] == 5

    def test_the_own_row_keeps_a_shared_rank(self, client: TestClient, mia: Headers) -> None:
        board = friends_board(client, mia, metric="reading_time", limit=1)
        assert standings(board) == [(1, "ann", 0), (1, "mia", 0)]

    def test_does_not_repeat_the_own_row_when_it_is_in_the_top(
        self, client: TestClient, mia: Headers
    ) -> None:
        board = friends_board(client, mia, limit=4)
        assert [row["username"] for row in board["rows"]] == ["ann", "bea", "cal", "mia"]

    def test_a_limit_above_the_population_shows_everyone(
        self, client: TestClient, mia: Headers
    ) -> None:
        assert len(friends_board(client, mia, limit=200)["rows"]) == 5

    @pytest.mark.parametrize("limit", [0, -1, 201])
    def test_a_limit_out_of_range_is_refused(
        self, client: TestClient, mia: Headers, limit: int
    ) -> None:
        response = get_board(client, mia, FRIENDS_BOARD, limit=limit)
        assert_problem(response, 422, "validation_error")

    def test_fifty_rows_by_default(self, client: TestClient, db: Database, ctx: Context) -> None:
        me, headers = learner(client, db, ctx, "mia")
        for n in range(51):
            friend = make_learner(db, ctx, username=f"friend{n:02d}")
            make_friends(db, ctx, me, friend)
            practise(db, ctx, friend)
        board = friends_board(client, headers)
        assert board["total"] == 52
        assert len(board["rows"]) == 51
        assert board["rows"][49]["username"] == "friend49"
        assert standings(board)[-1] == (52, "mia", 0)
