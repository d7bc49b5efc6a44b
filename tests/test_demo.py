"""The demo world `make run` loads looks lived in (issue 15, item 5): friends mid-streak with
friend streaks of different lengths, a class with a student who lapsed, boards with few ties,
and a sign-in hint whose numbers are the data's."""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import make_settings
from tests.web.helpers import Browser
from zeal import demo
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.db import Database
from zeal.leagues.models import LeagueEntry, LeagueGroup
from zeal.leagues.rules import week_of

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


def league_of(client: TestClient, username: str) -> dict[str, Any]:
    """The learner's league as GET /v1/me/leagues shows it."""
    response = client.get("/v1/me/leagues", headers=signed_in(client, username))
    league: dict[str, Any] = response.json()
    return league


def test_the_league_runs_this_week_with_ana_in_a_group_ranked_by_xp(world: TestClient) -> None:
    ana = league_of(world, "ana")
    assert ana["leagues"] and ana["placed"]  # she practised this week
    rows = ana["rows"]
    assert len(rows) >= 2 and sum(row["is_self"] for row in rows) == 1
    xp = [row["xp"] for row in rows]
    assert xp == sorted(xp, reverse=True) and xp[0] > 0
    ranks = [row["rank"] for row in rows]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    assert ana["week"]["seconds_left"] > 0  # still running
    assert ana["last_week"] is not None  # and she played last week too


def test_last_weeks_promotions_put_this_week_in_several_tiers(
    world: TestClient, db: Database, clock: FixedClock
) -> None:
    leagues = [league_of(world, username) for username, *_ in demo.CAST]
    assert len({league["tier"]["name"] for league in leagues if league["placed"]}) >= 2
    promoted = [
        league for league in leagues
        if league["last_week"] and league["last_week"]["outcome"] == "promoted"
    ]  # fmt: skip
    assert len(promoted) >= 7
    for league in promoted:  # a tier up from where they played last week
        assert league["tier"]["position"] == league["last_week"]["tier"]["position"] + 1
    last_week = week_of(clock.now()) - timedelta(days=7)
    with db.transaction() as session:
        week = LeagueGroup.week_start == last_week
        closed = session.scalars(select(LeagueGroup.closed_at).where(week)).all()
        promotions = session.scalar(
            select(func.count()).where(
                LeagueEntry.week_start == last_week, LeagueEntry.outcome == "promoted"
            )
        )
    assert closed and None not in closed  # closed as the worker does, not only read as over
    assert promotions == len(promoted)
