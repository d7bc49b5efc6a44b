"""The demo world `make run` loads looks lived in (issue 15, item 5): friends mid-streak with
friend streaks of different lengths, a class with a student who lapsed, boards with few ties,
and a sign-in hint whose numbers are the data's."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from tests.web.helpers import Browser
from zeal import demo
from zeal.app import create_app
from zeal.clock import FixedClock

Headers = dict[str, str]


@pytest.fixture
def world(database_url: str, clock: FixedClock, db: object) -> Iterator[TestClient]:
    settings = make_settings(database_url, demo_hint=True)
    demo.load_world(settings, learners=30, days=35, clock=clock)
    with TestClient(create_app(settings, clock)) as client:
        yield client


def signed_in(client: TestClient, username: str) -> Headers:
    body = {"login": username, "password": demo.PASSWORD}
    token = client.post("/v1/sessions", json=body).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_friends_are_mid_streak_with_friend_streaks_of_different_lengths(
    world: TestClient,
) -> None:
    friends = world.get("/v1/me/friends", headers=signed_in(world, "ana")).json()
    rows = friends.get("friends", friends.get("items", []))
    streaks = sorted(row["friend_streak"] for row in rows)
    alive = [streak for streak in streaks if streak > 0]
    assert len(set(alive)) >= 3, streaks  # e.g. a long one, a medium one, a new one
    assert max(alive) >= 20


def test_the_first_page_celebrates_nothing_from_the_loaded_history(world: TestClient) -> None:
    browser = Browser(world).signed_in("ana", demo.PASSWORD)
    home = browser.page("/")
    assert 'class="celebration"' not in home
    assert "Recent badges" in home and 'class="badge-strip"' in home  # there was plenty


def test_the_class_has_a_student_who_lapsed(world: TestClient) -> None:
    ana = signed_in(world, "ana")
    spanish = next(
        c for c in world.get("/v1/me/cohorts", headers=ana).json()["cohorts"]
        if c["name"] == "Spanish 2B"
    )  # fmt: skip
    progress = world.get(f"/v1/cohorts/{spanish['id']}/progress", headers=ana).json()
    lapsed = {s["username"] for s in progress["students"] if s["lapsed"]}
    assert "dara" in lapsed
    assert len(lapsed) < len(progress["students"]) // 2  # most of the class is practising


def test_boards_have_few_ties(world: TestClient) -> None:
    ana = signed_in(world, "ana")
    for period in ("week", "all"):
        board = world.get(
            "/v1/leaderboards/friends",
            params={"metric": "correct_exercises", "period": period},
            headers=ana,
        ).json()
        values = [row["value"] for row in board["rows"]]
        assert len(values) >= 4
        assert len(values) - len(set(values)) <= 1, values


def test_the_sign_in_hint_counts_from_the_data(world: TestClient) -> None:
    text = re.sub(r"\s+", " ", Browser(world).page("/sign-in"))
    assert "teaches “Spanish 2B” to 14 students" in text
    assert "has 3 friend requests waiting" in text
    assert "any of the 29 other learners" in text


def test_a_learner_had_a_missed_day_kept_by_a_freeze(world: TestClient, clock: FixedClock) -> None:
    elif_ = signed_in(world, "elif")
    three_days_ago = (clock.now().date() - timedelta(days=3)).isoformat()
    ledger = world.get("/v1/me/practice-days", headers=elif_).json()
    assert three_days_ago in {day["day"] for day in ledger["kept_days"]}
    streaks = world.get("/v1/me/streaks", headers=elif_).json()["streaks"]
    assert streaks[0]["daily_streak"] >= 20  # the run went on through the kept day
