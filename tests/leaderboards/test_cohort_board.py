"""A cohort's board: for its members only, when the teacher turned it on; students are ranked,
as members at the end of the period, by name or anonymously."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_friends, practise
from tests.http import assert_problem
from tests.leaderboards.helpers import (
    Body,
    Headers,
    change_cohort,
    cohort_board,
    cohort_path,
    friends_board,
    get_board,
    join,
    learner,
    names,
    new_cohort,
    remove,
    row_of,
    set_discoverable,
    standings,
    values,
)
from zeal.accounts.models import User
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database

HIDDEN = {"username": None, "display_name": "Hidden learner", "avatar": None, "is_friend": False}


@dataclass(frozen=True)
class Klass:
    id: int
    cohort: Body
    teacher: Headers
    users: dict[str, User]
    headers: dict[str, Headers]


@pytest.fixture
def klass(client: TestClient, db: Database, ctx: Context) -> Klass:
    """Tia teaches Ann (3 correct exercises this week), Bob (1) and Cal (0); Tia herself did 5
    and Eve, who is not in the class, did 9."""
    users: dict[str, User] = {}
    headers: dict[str, Headers] = {}
    for name in ("tia", "ann", "bob", "cal", "eve"):
        users[name], headers[name] = learner(client, db, ctx, name)
    cohort = new_cohort(client, headers["tia"])
    for name in ("ann", "bob", "cal"):
        join(client, headers[name], cohort)
    for name, correct in (("tia", 5), ("ann", 3), ("bob", 1), ("eve", 9)):
        for _ in range(correct):
            practise(db, ctx, users[name])
    return Klass(cohort["id"], cohort, headers["tia"], users, headers)


class TestWhoMaySeeIt:
    def test_students_and_teachers_of_the_class(self, client: TestClient, klass: Klass) -> None:
        for name in ("tia", "ann", "cal"):
            assert cohort_board(client, klass.headers[name], klass.id)["total"] == 3

    def test_anyone_else_is_told_there_is_no_such_cohort(
        self, client: TestClient, klass: Klass
    ) -> None:
        # B24: any learner could read any cohort's board.
        eve = klass.headers["eve"]
        outsider = assert_problem(
            get_board(client, eve, cohort_path(klass.id)), 404, "cohort_not_found"
        )
        unknown = assert_problem(
            get_board(client, eve, cohort_path(klass.id + 1000)), 404, "cohort_not_found"
        )
        assert outsider["title"] == unknown["title"]
        assert "ann" not in str(outsider) and "Spanish" not in str(outsider)

    def test_a_student_who_left_can_no_longer_see_it(
        self, client: TestClient, klass: Klass
    ) -> None:
        remove(client, klass.headers["cal"], klass.id, "cal")
        response = get_board(client, klass.headers["cal"], cohort_path(klass.id))
        assert_problem(response, 404, "cohort_not_found")

    def test_nobody_can_use_it_signed_out(self, client: TestClient, klass: Klass) -> None:
        assert_problem(get_board(client, {}, cohort_path(klass.id)), 401, "invalid_token")


class TestTurnedOff:
    @pytest.fixture
    def quiet(self, client: TestClient, klass: Klass) -> Body:
        """A second class of Tia's, without a board; Ann is in it."""
        cohort = new_cohort(client, klass.teacher, has_leaderboard=False)
        join(client, klass.headers["ann"], cohort)
        return cohort

    def test_members_are_told_it_is_off(
        self, client: TestClient, klass: Klass, quiet: Body
    ) -> None:
        for name in ("tia", "ann"):
            response = get_board(client, klass.headers[name], cohort_path(quiet["id"]))
            assert_problem(response, 403, "leaderboard_disabled")

    def test_outsiders_still_see_no_cohort(
        self, client: TestClient, klass: Klass, quiet: Body
    ) -> None:
        response = get_board(client, klass.headers["bob"], cohort_path(quiet["id"]))
        assert_problem(response, 404, "cohort_not_found")

    def test_the_teacher_turns_it_on_and_off(
        self, client: TestClient, klass: Klass, quiet: Body
    ) -> None:
        ann = klass.headers["ann"]
        change_cohort(client, klass.teacher, quiet["id"], has_leaderboard=True)
        assert standings(cohort_board(client, ann, quiet["id"])) == [(1, "ann", 3)]
        change_cohort(client, klass.teacher, quiet["id"], has_leaderboard=False)
        response = get_board(client, ann, cohort_path(quiet["id"]))
        assert_problem(response, 403, "leaderboard_disabled")


class TestRows:
    def test_ranks_the_students_and_not_the_teacher(self, client: TestClient, klass: Klass) -> None:
        board = cohort_board(client, klass.teacher, klass.id)
        assert standings(board) == [(1, "ann", 3), (2, "bob", 1), (3, "cal", 0)]
        assert board["total"] == 3
        assert not any(row["is_self"] for row in board["rows"])

    def test_a_student_sees_their_own_row_below_the_limit(
        self, client: TestClient, klass: Klass
    ) -> None:
        board = cohort_board(client, klass.headers["cal"], klass.id, limit=1)
        assert standings(board) == [(1, "ann", 3), (3, "cal", 0)]
        assert row_of(board, "cal")["is_self"] is True
        assert board["total"] == 3

    def test_marks_the_classmates_who_are_friends(
        self, client: TestClient, db: Database, ctx: Context, klass: Klass
    ) -> None:
        make_friends(db, ctx, klass.users["bob"], klass.users["ann"])
        board = cohort_board(client, klass.headers["bob"], klass.id)
        flags = {row["username"]: row["is_friend"] for row in board["rows"]}
        assert flags == {"ann": True, "bob": False, "cal": False}

    def test_a_learner_hidden_from_search_is_still_on_it(
        self, client: TestClient, klass: Klass
    ) -> None:
        set_discoverable(client, klass.headers["ann"], False)
        board = cohort_board(client, klass.headers["bob"], klass.id)
        assert names(board) == ["ann", "bob", "cal"]

    def test_a_student_made_teacher_leaves_the_board(
        self, client: TestClient, klass: Klass
    ) -> None:
        response = client.post(
            f"/v1/cohorts/{klass.id}/teachers", json={"username": "bob"}, headers=klass.teacher
        )
        assert response.status_code == 201, response.text
        assert names(cohort_board(client, klass.teacher, klass.id)) == ["ann", "cal"]

    def test_measures_what_was_asked_for(
        self, client: TestClient, db: Database, ctx: Context, klass: Klass
    ) -> None:
        practise(db, ctx, klass.users["cal"], type="reading", language="de", duration_seconds=90)
        board = cohort_board(client, klass.teacher, klass.id, metric="reading_time", language="de")
        assert board["unit"] == "seconds"
        assert standings(board) == [(1, "cal", 90), (2, "ann", 0), (2, "bob", 0)]


class TestMembersOverTime:
    """Ann and Bob practised in March (Bob once, on 10 March). Tia removed Cal on 20 March; Bob
    left on Thursday 2 April; Dan joined on Monday 6 April. It is Wednesday 8 April."""

    @pytest.fixture
    def tia(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock, klass: Klass
    ) -> Headers:
        clock.set(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
        remove(client, klass.teacher, klass.id, "cal")
        clock.set(datetime(2026, 4, 2, 12, 0, tzinfo=UTC))
        remove(client, klass.headers["bob"], klass.id, "bob")
        clock.set(datetime(2026, 4, 6, 9, 0, tzinfo=UTC))
        dan, dan_headers = learner(client, db, ctx, "dan")
        join(client, dan_headers, klass.cohort)
        practise(db, ctx, dan)
        clock.set(datetime(2026, 4, 8, 12, 0, tzinfo=UTC))
        return klass.teacher

    def test_this_week_shows_the_students_of_now(
        self, client: TestClient, klass: Klass, tia: Headers
    ) -> None:
        assert standings(cohort_board(client, tia, klass.id)) == [(1, "dan", 1), (2, "ann", 0)]

    def test_last_month_shows_the_students_at_its_end(
        self, client: TestClient, klass: Klass, tia: Headers
    ) -> None:
        board = cohort_board(client, tia, klass.id, from_="2026-03-01", to="2026-03-31")
        assert standings(board) == [(1, "ann", 3), (2, "bob", 1)]

    def test_a_student_who_left_last_week_is_not_on_last_weeks_board(
        self, client: TestClient, klass: Klass, tia: Headers
    ) -> None:
        board = cohort_board(client, tia, klass.id, from_="2026-03-30", to="2026-04-05")
        assert names(board) == ["ann"]

    def test_the_students_who_stayed_see_the_same(
        self, client: TestClient, klass: Klass, tia: Headers
    ) -> None:
        ann = klass.headers["ann"]
        board = cohort_board(client, ann, klass.id, from_="2026-03-01", to="2026-03-31")
        assert values(board) == {"ann": 3, "bob": 1}


class TestAnonymous:
    @pytest.fixture
    def anonymous(self, client: TestClient, db: Database, ctx: Context, klass: Klass) -> Klass:
        make_friends(db, ctx, klass.users["bob"], klass.users["ann"])
        change_cohort(client, klass.teacher, klass.id, leaderboard_names="anonymous")
        return klass

    def test_a_student_sees_only_their_own_name(self, client: TestClient, anonymous: Klass) -> None:
        board = cohort_board(client, anonymous.headers["bob"], anonymous.id)
        assert [(row["rank"], row["value"]) for row in board["rows"]] == [(1, 3), (2, 1), (3, 0)]
        ann_row, bob_row, cal_row = board["rows"]
        for row in (ann_row, cal_row):
            assert {key: row[key] for key in HIDDEN} == HIDDEN
            assert row["is_self"] is False
        assert bob_row["username"] == "bob"
        assert bob_row["display_name"] == "Bob"
        assert bob_row["avatar"] is not None
        assert bob_row["is_self"] is True

    def test_the_teacher_still_sees_names(self, client: TestClient, anonymous: Klass) -> None:
        board = cohort_board(client, anonymous.teacher, anonymous.id)
        assert standings(board) == [(1, "ann", 3), (2, "bob", 1), (3, "cal", 0)]
        assert all(row["avatar"] is not None for row in board["rows"])

    def test_the_friends_board_still_shows_names(
        self, client: TestClient, anonymous: Klass
    ) -> None:
        assert names(friends_board(client, anonymous.headers["bob"])) == ["ann", "bob"]

    def test_names_come_back_when_the_teacher_says_so(
        self, client: TestClient, anonymous: Klass
    ) -> None:
        change_cohort(client, anonymous.teacher, anonymous.id, leaderboard_names="visible")
        board = cohort_board(client, anonymous.headers["bob"], anonymous.id)
        assert names(board) == ["ann", "bob", "cal"]
        assert row_of(board, "ann")["is_friend"] is True


def test_the_openapi_document_declares_the_refusals_of_a_class_board(
    client: TestClient, klass: Klass
) -> None:
    # Found by the fuzzer: a 404 (and a 403) the route gives were missing from /openapi.json.
    quiet = new_cohort(client, klass.teacher, has_leaderboard=False)
    join(client, klass.headers["ann"], quiet)
    off = get_board(client, klass.headers["ann"], cohort_path(quiet["id"]))
    outside = get_board(client, klass.headers["eve"], cohort_path(klass.id))

    assert_problem(off, 403, "leaderboard_disabled")
    assert_problem(outside, 404, "cohort_not_found")
    paths = client.get("/openapi.json").json()["paths"]
    answers = paths["/v1/cohorts/{cohort_id}/leaderboard"]["get"]["responses"]
    for status in ("403", "404"):
        assert "application/problem+json" in answers[status]["content"]
