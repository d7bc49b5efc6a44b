"""On PostgreSQL a board is planned for its own members and period on every run, while the
lookups by key that most requests send keep the one plan PostgreSQL made for them."""

import pytest
from sqlalchemy import text

from tests.factories import make_friends, make_learner, practise
from zeal.context import Context
from zeal.db import Database
from zeal.friends.friendships import count_friends
from zeal.leaderboards.service import BoardRequest, friends_board

# psycopg prepares a statement on its sixth run on a connection.
RUNS = 8


def test_a_board_is_never_prepared_and_a_lookup_is(db: Database, ctx: Context) -> None:
    if db.backend != "postgresql":
        pytest.skip("only PostgreSQL keeps plans of prepared statements")
    me = make_learner(db, ctx)
    friend = make_learner(db, ctx)
    make_friends(db, ctx, me, friend)
    practise(db, ctx, friend)
    with db.transaction(write=False) as session:
        for period in ["week", "month", "all"] * 3:
            board = friends_board(session, ctx, me, BoardRequest("correct_exercises", period))
            assert [row.learner.id for row in board.rows] == [friend.id, me.id]
        for _ in range(RUNS):
            friends_board(session, ctx, me, BoardRequest("streak"))
            assert count_friends(session, me.id) == 1
        prepared = session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    # The connection may hold statements of earlier tests too: look for these ones.
    assert [s for s in prepared if s.startswith("SELECT count(*)") and "friendship" in s]
    boards = [s for s in prepared if "rank() OVER" in s or "DISTINCT user_account.timezone" in s]
    assert not boards, boards
