"""Leaderboards in the browser: the friends board and class boards, picked by metric and
period, with the viewer's own row marked and classes' rules kept."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Learner
from tests.factories import signed_up
from tests.friends.helpers import befriend
from tests.leaderboards.helpers import change_cohort, join, new_cohort
from tests.web.conftest import SignedIn
from tests.web.helpers import text_of, title_of
from zeal.clock import FixedClock

Row = tuple[str, str, str, bool]


def rows(html: str) -> list[Row]:
    """The board's rows as (rank, learner, value, is the viewer), top first."""
    body = re.search(r'<table class="board">.*?<tbody>(.*?)</tbody>', html, re.DOTALL)
    if body is None:
        return []
    found: list[Row] = []
    for row_class, cells in re.findall(
        r'<tr class="([^"]*)"[^>]*>(.*?)</tr>', body.group(1), re.DOTALL
    ):
        rank, learner, value = (
            text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.DOTALL)
        )
        found.append((rank, learner, value, "is-self" in row_class.split()))
    return found


def podium(html: str) -> list[tuple[str, str, str]]:
    """The podium's steps left to right, as (rank, learner, value)."""
    found = re.search(r'<ol class="podium[^"]*"[^>]*>(.*?)</ol>', html, re.DOTALL)
    if found is None:
        return []
    steps = re.findall(
        r'data-rank="(\d+)">.*?<span class="step-name">(.*?)</span>\s*'
        r'<span class="step-value">(.*?)</span>',
        found.group(1),
        re.DOTALL,
    )
    return [(rank, text_of(name), text_of(value)) for rank, name, value in steps]


def bar_shares(html: str) -> list[str]:
    return re.findall(r'<svg class="bar"[^>]*data-share="([0-9.]+)"', html)


def heading(html: str) -> str:
    match = re.search(r'<h2 id="board-title">(.*?)</h2>', html, re.DOTALL)
    assert match is not None
    return text_of(match.group(1))


def exercises(client: TestClient, headers: dict[str, str], count: int) -> None:
    for _ in range(count):
        response = client.post(
            "/v1/me/practice-events",
            json={"type": "exercise", "language": "es", "outcome": "correct"},
            headers=headers,
        )
        assert response.status_code == 201, response.text


def reading(client: TestClient, headers: dict[str, str], seconds: int) -> None:
    response = client.post(
        "/v1/me/practice-events",
        json={"type": "reading", "language": "es", "duration_seconds": seconds},
        headers=headers,
    )
    assert response.status_code == 201, response.text


class TestFriendsBoard:
    def test_friends_are_ranked_and_the_viewers_row_is_marked(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        exercises(client, anna[1], 2)
        exercises(client, bob[1], 5)

        page = signed_in("anna").page("/boards")

        assert heading(page) == "You and your friends: Correct exercises, this week"
        assert rows(page) == [("1", "Bob", "5", False), ("2", "Anna K You", "2", True)]
        assert page.count('<span class="tag you">You</span>') == 1

    def test_strangers_are_not_on_the_friends_board(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        exercises(client, bob[1], 5)

        page = signed_in("anna").page("/boards")

        assert [row[1] for row in rows(page)] == ["Anna K You"]

    def test_the_metric_picks_what_is_ranked_and_how_it_reads(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        reading(client, anna[1], 3_900)
        reading(client, bob[1], 600)

        page = signed_in("anna").page("/boards?metric=reading_time&period=all")

        assert heading(page) == "You and your friends: Reading time, all time"
        assert "Since the start" in page
        assert rows(page) == [("1", "Anna K You", "1 h 5 min", True), ("2", "Bob", "10 min", False)]
        assert re.search(r'<option value="reading_time" selected>', page)
        assert re.search(r'value="all" checked>', page)

    def test_a_streak_board_greys_out_the_period_it_ignores(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        browser = signed_in("anna")

        streak = browser.page("/boards?metric=streak&period=all")
        assert heading(streak) == "You and your friends: Current streak"  # no period
        assert re.search(r'<fieldset class="periods" id="periods" disabled', streak)
        assert re.search(r'<p class="muted period-note" id="period-note" >', streak)
        assert "As of today, on each learner" in streak and "Mar 2026" not in streak

        exercises_page = browser.page("/boards?metric=correct_exercises")
        assert not re.search(r'id="periods" disabled', exercises_page)
        assert re.search(r'id="period-note" hidden', exercises_page)

    def test_last_week_is_the_calendar_week_before_this_one(
        self, client: TestClient, anna: Learner, signed_in: SignedIn, clock: FixedClock
    ) -> None:
        exercises(client, anna[1], 3)  # Tuesday 10 March
        clock.advance(timedelta(days=7))
        exercises(client, anna[1], 1)
        browser = signed_in("anna")

        last_week = browser.page("/boards?period=last-week")
        this_week = browser.page("/boards?period=week")

        assert "9 Mar 2026 \u2013 15 Mar 2026" in text_of(last_week)
        assert rows(last_week)[0][2] == "3"
        assert rows(this_week)[0][2] == "1"

    @pytest.mark.parametrize(
        "query", ["metric=popularity", "period=fortnight", "board=everyone", "board=1234567890"]
    )
    def test_a_board_that_does_not_exist_is_an_error_page(
        self, anna: Learner, signed_in: SignedIn, query: str
    ) -> None:
        response = signed_in("anna").get(f"/boards?{query}")

        assert response.status_code == 422
        assert response.headers["content-type"].startswith("text/html")
        assert title_of(response.text) == "That link or form is not valid"


class TestPodiumAndBars:
    def test_the_top_three_stand_on_a_podium_second_first_third(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        for name, count in (("cleo", 3), ("dan", 1)):
            friend = signed_up(client, username=name, display_name=name.title())
            befriend(client, anna[1], friend[1], name)
            exercises(client, friend[1], count)
        exercises(client, bob[1], 5)
        exercises(client, anna[1], 2)

        page = signed_in("anna").page("/boards")

        assert podium(page) == [("2", "Cleo", "3"), ("1", "Bob", "5"), ("3", "Anna K", "2")]
        assert 'class="step step-3 is-self"' in page
        # Every row's bar is its value beside the first's: 5, 3, 2, 1.
        assert bar_shares(page) == ["1.000", "0.600", "0.400", "0.200"]
        assert [row[1] for row in rows(page)] == ["Bob", "Cleo", "Anna K You", "Dan"]

    def test_nobody_stands_on_the_podium_for_nothing(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        exercises(client, bob[1], 2)

        page = signed_in("anna").page("/boards")

        assert podium(page) == [("1", "Bob", "2")]
        assert bar_shares(page) == ["1.000", "0.000"]
        quiet = signed_in("anna").page("/boards?period=last-week")
        assert podium(quiet) == []
        assert bar_shares(quiet) == []
        assert rows(quiet) == [("1", "Anna K You", "0", True)]


class TestClassBoard:
    def test_a_class_board_ranks_its_students(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1])
        join(client, bob[1], cohort)
        carl = signed_up(client, username="carl", display_name="Carl")
        join(client, carl[1], cohort)
        exercises(client, carl[1], 4)
        exercises(client, bob[1], 1)

        page = signed_in("bob").page(f"/boards?board={cohort['id']}")

        assert heading(page) == "Spanish 2B: Correct exercises, this week"
        assert rows(page) == [("1", "Carl", "4", False), ("2", "Bob You", "1", True)]
        assert re.search(rf'<option value="{cohort["id"]}" selected>Spanish 2B</option>', page)

    def test_an_anonymous_board_shows_students_only_their_own_name(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1])
        change_cohort(client, anna[1], cohort["id"], leaderboard_names="anonymous")
        join(client, bob[1], cohort)
        carl = signed_up(client, username="carl", display_name="Carl")
        join(client, carl[1], cohort)
        exercises(client, carl[1], 4)

        student_view = signed_in("bob").page(f"/boards?board={cohort['id']}")
        teacher_view = signed_in("anna").page(f"/boards?board={cohort['id']}")

        assert "Carl" not in text_of(student_view.split('id="board"')[1])
        assert 'href="/learners/carl"' not in student_view
        assert [row[1] for row in rows(student_view)][1] == "Bob You"
        assert [row[1] for row in rows(teacher_view)] == ["Carl", "Bob"]

    def test_a_class_you_are_not_in_is_not_found(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1])

        response = signed_in("bob").get(f"/boards?board={cohort['id']}")

        assert response.status_code == 404
        assert "Spanish 2B" not in response.text

    def test_a_class_with_the_board_off_is_refused(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1], has_leaderboard=False)
        join(client, bob[1], cohort)

        browser = signed_in("bob")
        response = browser.get(f"/boards?board={cohort['id']}")

        assert response.status_code == 403
        assert "has not turned this cohort's leaderboard on" in text_of(response.text)
        assert "Spanish 2B" not in browser.page("/boards")  # not offered in the picker
