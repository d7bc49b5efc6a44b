"""On PostgreSQL a board summed over a window of days is planned for its own members and
window on every run, while the boards read from stored totals and streaks, like the lookups by
key most requests send, keep the one plan PostgreSQL made for them."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.factories import make_friends, make_learner, practise
from zeal.clock import local_date
from zeal.context import Context
from zeal.db import Database
from zeal.leaderboards.service import BoardRequest, friends_board

# psycopg prepares a statement on its sixth run on a connection.
RUNS = 8


def _prepared_boards(session: Session) -> list[str]:
    prepared = session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    return [s for s in prepared if "rank() OVER" in s or "DISTINCT user_account.timezone" in s]


def test_a_window_of_days_is_planned_each_run_and_a_stored_board_keeps_a_plan(
    db: Database, ctx: Context
) -> None:
    if db.backend != "postgresql":
        pytest.skip("only PostgreSQL keeps plans of prepared statements")
    me = make_learner(db, ctx)
    friend = make_learner(db, ctx)
    make_friends(db, ctx, me, friend)
    practise(db, ctx, friend)
    today = local_date(me, ctx.clock.now())
    window = BoardRequest("correct_exercises", start=today - timedelta(days=2), end=today)
    with db.transaction(write=False) as session:
        for _ in range(RUNS):
            board = friends_board(session, ctx, me, window)
            assert [row.learner.id for row in board.rows] == [friend.id, me.id]
        assert not [s for s in _prepared_boards(session) if "practice_day" in s]
        for request in [BoardRequest("correct_exercises", "week"), BoardRequest("streak")]:
            for _ in range(RUNS):
                board = friends_board(session, ctx, me, request)
                assert {row.learner.id for row in board.rows} == {friend.id, me.id}
        kept = _prepared_boards(session)
    assert [s for s in kept if "practice_total" in s]
    assert [s for s in kept if "DISTINCT user_account.timezone" in s]
    assert not [s for s in kept if "practice_day" in s]
