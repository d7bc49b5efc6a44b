"""A teacher's view of the class (issue 15, item 4): each student's streaks, last practice day,
this week's minutes, correct exercises and badges; lapsed students flagged; sortable; a CSV.
Teachers always see it, board or no board; students never do."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import START
from tests.factories import auth, make_learner, practise
from tests.http import assert_problem
from tests.leaderboards.helpers import Body, Headers, join, learner, new_cohort
from tests.statements import counted
from tests.web.helpers import Browser
from zeal.accounts.models import User
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database

DAY = timedelta(days=1)  # START is Tuesday 10 March 2026, noon UTC: the week began Monday 9th


@dataclass(frozen=True)
class Klass:
    id: int
    teacher: Headers
    users: dict[str, User]
    headers: dict[str, Headers]


@pytest.fixture
def klass(client: TestClient, db: Database, ctx: Context, clock: FixedClock) -> Klass:
    """Tia teaches, with the board off: Ann practised today, Dan yesterday, Bob last Friday
    (4 days ago) and Cal never. Eve, not in the class, practised today too."""
    users: dict[str, User] = {}
    headers: dict[str, Headers] = {}
    for name in ("tia", "ann", "bob", "cal", "dan", "eve"):
        users[name], headers[name] = learner(client, db, ctx, name)
    cohort = new_cohort(client, headers["tia"], has_leaderboard=False)
    for name in ("ann", "bob", "cal", "dan"):
        join(client, headers[name], cohort)
    practise(db, ctx, users["ann"], duration_seconds=40)
    practise(db, ctx, users["ann"], language="fr", type="reading", duration_seconds=600)
    practise(db, ctx, users["ann"], outcome="wrong")
    practise(db, ctx, users["dan"], at=START - DAY)
    clock.set(START - 4 * DAY)  # Bob practised (and earned his badges) last Friday
    practise(db, ctx, users["bob"], type="audio_lesson_completed", duration_seconds=300)
    clock.set(START)
    practise(db, ctx, users["eve"])
    return Klass(cohort["id"], headers["tia"], users, headers)


def progress(client: TestClient, klass: Klass, **params: Any) -> Body:
    response = client.get(f"/v1/cohorts/{klass.id}/progress", params=params, headers=klass.teacher)
    assert response.status_code == 200, response.text
    body: Body = response.json()
    return body


def by_name(body: Body) -> dict[str, Body]:
    return {student["username"]: student for student in body["students"]}


def badges_achieved_since(client: TestClient, headers: Headers, since: str) -> list[str]:
    metrics = client.get("/v1/me/badges", headers=headers).json()["metrics"]
    badges = [badge for metric in metrics for badge in metric["badges"]]
    return sorted(b["name"] for b in badges if (b["achieved_at"] or "") >= since)


class TestWhatTheTeacherSees:
    def test_every_current_student_and_nobody_else(self, client: TestClient, klass: Klass) -> None:
        body = progress(client, klass)
        assert body["week"] == {"kind": "week", "from": "2026-03-09", "to": "2026-03-15"}
        assert [s["username"] for s in body["students"]] == ["ann", "bob", "cal", "dan"]

    def test_streaks_last_practice_and_this_weeks_work(
        self, client: TestClient, klass: Klass
    ) -> None:
        students = by_name(progress(client, klass))
        ann, bob, cal, dan = (students[name] for name in ("ann", "bob", "cal", "dan"))
        assert [(s["language"], s["daily_streak"]) for s in ann["streaks"]] == [
            ("es", 1),
            ("fr", 1),
        ]
        assert (ann["last_practice_date"], ann["days_since_practice"]) == ("2026-03-10", 0)
        assert (ann["week_minutes"], ann["week_correct_exercises"]) == (10, 1)  # 640 s
        assert (dan["best_streak"], dan["days_since_practice"], dan["lapsed"]) == (1, 1, False)
        assert (dan["week_minutes"], dan["week_correct_exercises"]) == (0, 1)
        # Bob's practice was last week: nothing this week, and his streak is gone.
        assert (bob["streaks"], bob["best_streak"], bob["week_correct_exercises"]) == ([], 0, 0)
        assert (bob["last_practice_date"], bob["days_since_practice"]) == ("2026-03-06", 4)
        assert (cal["last_practice_date"], cal["days_since_practice"]) == (None, None)

    def test_students_three_days_or_more_without_practice_are_flagged(
        self, client: TestClient, klass: Klass, db: Database, ctx: Context
    ) -> None:
        frank, frank_headers = learner(client, db, ctx, "frank")
        join(client, frank_headers, {"invite_code": self_invite(client, klass)})
        practise(db, ctx, frank, at=START - 2 * DAY)  # Sunday: two days ago
        lapsed = {name: s["lapsed"] for name, s in by_name(progress(client, klass)).items()}
        assert lapsed == {"ann": False, "bob": True, "cal": True, "dan": False, "frank": False}

    def test_badges_earned_this_week_only(self, client: TestClient, klass: Klass) -> None:
        students = by_name(progress(client, klass))
        earned = badges_achieved_since(client, klass.headers["ann"], "2026-03-09")
        assert earned  # a first correct exercise earns a badge
        assert sorted(students["ann"]["week_badges"]) == earned
        assert badges_achieved_since(client, klass.headers["bob"], "2026-03-06")  # last week
        assert students["bob"]["week_badges"] == []

    def test_a_day_is_the_students_own(
        self, client: TestClient, klass: Klass, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        # 23:30 on Tuesday in Honolulu is already Wednesday for the teacher (UTC).
        clock.set(START + timedelta(hours=21, minutes=30))
        kai, kai_headers = learner(client, db, ctx, "kai", timezone="Pacific/Honolulu")
        join(client, kai_headers, {"invite_code": self_invite(client, klass)})
        practise(db, ctx, kai)
        kai_row = by_name(progress(client, klass))["kai"]
        assert (kai_row["last_practice_date"], kai_row["days_since_practice"]) == (
            "2026-03-10",
            0,
        )


def self_invite(client: TestClient, klass: Klass) -> str:
    cohort = client.get(f"/v1/cohorts/{klass.id}", headers=klass.teacher).json()
    code: str = cohort["invite_code"]
    return code


class TestSorting:
    @pytest.mark.parametrize(
        ("sort", "order"),
        [
            ("name", ["ann", "bob", "cal", "dan"]),
            ("-name", ["dan", "cal", "bob", "ann"]),
            ("-minutes", ["ann", "bob", "cal", "dan"]),  # ties keep the names' order
            ("-correct_exercises", ["ann", "dan", "bob", "cal"]),
            ("last_practice", ["cal", "bob", "dan", "ann"]),  # who needs a word first
            ("-streak", ["ann", "dan", "bob", "cal"]),
        ],
    )
    def test_by_any_column(
        self, client: TestClient, klass: Klass, sort: str, order: list[str]
    ) -> None:
        body = progress(client, klass, sort=sort)
        assert [s["username"] for s in body["students"]] == order

    def test_an_unknown_sort_is_refused(self, client: TestClient, klass: Klass) -> None:
        response = client.get(
            f"/v1/cohorts/{klass.id}/progress", params={"sort": "age"}, headers=klass.teacher
        )
        assert_problem(response, 422, "validation_error")


class TestWhoMaySeeIt:
    def test_a_student_is_refused_even_with_the_board_on(
        self, client: TestClient, klass: Klass
    ) -> None:
        path = f"/v1/cohorts/{klass.id}/progress"
        client.patch(
            f"/v1/cohorts/{klass.id}", json={"has_leaderboard": True}, headers=klass.teacher
        )
        assert_problem(client.get(path, headers=klass.headers["ann"]), 403, "teachers_only")
        assert_problem(client.get(path, headers=klass.headers["eve"]), 404, "cohort_not_found")

    def test_costs_the_same_statements_for_a_bigger_class(
        self, client: TestClient, klass: Klass, db: Database, ctx: Context
    ) -> None:
        def cost() -> int:
            with counted(client) as statements:
                progress(client, klass)
            return len(statements)

        before = cost()
        code = self_invite(client, klass)
        for n in range(10):
            student, headers = learner(client, db, ctx, f"extra{n}")
            join(client, headers, {"invite_code": code})
            practise(db, ctx, student)
        assert cost() == before


class TestThePage:
    def test_the_teacher_sees_the_table_with_the_lapsed_flagged(
        self, client: TestClient, klass: Klass
    ) -> None:
        browser = Browser(client).signed_in("tia")
        page = browser.get(f"/classes/{klass.id}")
        assert f'href="/classes/{klass.id}/progress"' in page.text
        page = browser.get(f"/classes/{klass.id}/progress?sort=-minutes")
        assert page.status_code == 200
        assert "2 without practice for 3 days or more" in page.text
        assert "4 days without practice" in page.text and "Not practised yet" in page.text
        assert 'aria-sort="descending"' in page.text
        assert f'href="/classes/{klass.id}/progress?sort=minutes"' in page.text  # the other way

    def test_a_student_gets_no_link_and_no_page(self, client: TestClient, klass: Klass) -> None:
        browser = Browser(client).signed_in("ann")
        assert "/progress" not in browser.get(f"/classes/{klass.id}").text
        assert browser.get(f"/classes/{klass.id}/progress").status_code == 403

    def test_the_csv_download(
        self, client: TestClient, klass: Klass, db: Database, ctx: Context
    ) -> None:
        make_learner(db, ctx, username="sneaky", display_name="=HYPERLINK(1)")
        join(client, auth(client, "sneaky"), {"invite_code": self_invite(client, klass)})
        response = Browser(client).signed_in("tia").get(f"/classes/{klass.id}/progress.csv")
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        # By display name: "=HYPERLINK(1)" sorts first.
        assert [row["username"] for row in rows] == ["sneaky", "ann", "bob", "cal", "dan"]
        ann = rows[1]
        assert (ann["streaks"], ann["week_minutes"], ann["lapsed"]) == (
            "Spanish 1; French 1",
            "10",
            "no",
        )
        assert (rows[3]["last_practice_date"], rows[3]["lapsed"]) == ("", "yes")
        # A display name never becomes a formula in a spreadsheet.
        assert rows[0]["display_name"] == "'=HYPERLINK(1)"
