"""A board costs a fixed number of statements, however many learners are on it and however
long their history."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import START
from tests.factories import auth, make_friends, make_learner, practise
from tests.leaderboards.helpers import (
    FRIENDS_BOARD,
    change_cohort,
    cohort_path,
    get_board,
    join,
    new_cohort,
)
from tests.statements import counted
from zeal.context import Context
from zeal.db import Database

BOARDS = [
    {"metric": "correct_exercises"},
    {"metric": "practice_days", "period": "all"},
    {"metric": "reading_time", "language": "es", "period": "month"},
    {"metric": "streak"},
    {"metric": "correct_exercises", "from_": "2026-03-04", "to": "2026-03-10"},
]
IDS = ["week", "all", "language", "streak", "custom"]


def with_history(db: Database, ctx: Context, days: int) -> Any:
    """A learner who practised on each of the last `days` days, in two languages."""
    user = make_learner(db, ctx)
    for back in range(days):
        at = START - timedelta(days=back)
        practise(db, ctx, user, at=at)
        practise(db, ctx, user, at=at, type="reading", language="fr", duration_seconds=60)
    return user


def statements(client: TestClient, path: str, headers: dict[str, str], params: Any) -> int:
    get_board(client, headers, path, **params)  # the session is warm
    with counted(client) as sent:
        response = get_board(client, headers, path, **params)
    assert response.status_code == 200, response.text
    return len(sent)


def friends_board_statements(
    client: TestClient, db: Database, ctx: Context, friends: int, days: int, params: Any
) -> int:
    me = with_history(db, ctx, days)
    for _ in range(friends):
        make_friends(db, ctx, me, with_history(db, ctx, days))
    headers = auth(client, me.username)
    total = get_board(client, headers, FRIENDS_BOARD, **params).json()["total"]
    assert total == friends + 1
    return statements(client, FRIENDS_BOARD, headers, params)


def cohort_board_statements(
    client: TestClient,
    db: Database,
    ctx: Context,
    students: int,
    days: int,
    params: Any,
    *,
    anonymous: bool,
    as_student: bool,
) -> int:
    teacher = with_history(db, ctx, days)
    teacher_headers = auth(client, teacher.username)
    cohort = new_cohort(client, teacher_headers)
    if anonymous:
        change_cohort(client, teacher_headers, cohort["id"], leaderboard_names="anonymous")
    learners = [with_history(db, ctx, days) for _ in range(students)]
    for learner in learners:
        join(client, auth(client, learner.username), cohort)
    for friend in learners[1:3]:
        make_friends(db, ctx, learners[0], friend)
    headers = auth(client, learners[0].username) if as_student else teacher_headers
    path = cohort_path(cohort["id"])
    assert get_board(client, headers, path, **params).json()["total"] == students
    return statements(client, path, headers, params)


class TestFriendsBoardCost:
    @pytest.mark.parametrize("params", BOARDS, ids=IDS)
    def test_does_not_grow_with_friends_or_history(
        self, client: TestClient, db: Database, ctx: Context, params: Any
    ) -> None:
        small = friends_board_statements(client, db, ctx, 2, 1, params)
        large = friends_board_statements(client, db, ctx, 12, 6, params)
        assert small == large


class TestCohortBoardCost:
    @pytest.mark.parametrize("params", BOARDS, ids=IDS)
    @pytest.mark.parametrize(
        ("anonymous", "as_student"),
        [(False, False), (False, True), (True, True)],
        ids=["teacher", "student", "anonymous"],
    )
    def test_does_not_grow_with_students_or_history(
        self,
        client: TestClient,
        db: Database,
        ctx: Context,
        params: Any,
        anonymous: bool,
        as_student: bool,
    ) -> None:
        options = {"anonymous": anonymous, "as_student": as_student}
        small = cohort_board_statements(client, db, ctx, 3, 1, params, **options)
        large = cohort_board_statements(client, db, ctx, 12, 6, params, **options)
        assert small == large
