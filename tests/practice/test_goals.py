"""Daily XP goals: chosen from the presets, each day judged by the goal it had, and the goal
streak (with its badges)."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from tests.conftest import make_settings
from tests.factories import signed_up
from tests.http import assert_problem
from zeal.clock import FixedClock

Headers = dict[str, str]
DAY = timedelta(days=1)


def earn(client: TestClient, me: Headers, correct: int) -> dict[str, Any]:
    """`correct` right exercises: 10 XP each by the default table."""
    body: dict[str, Any] = {}
    for _ in range(correct):
        answer = client.post(
            "/v1/me/practice-events",
            headers=me,
            json={"type": "exercise", "language": "es", "outcome": "correct"},
        )
        assert answer.status_code == 201, answer.text
        body = answer.json()
    return body


def goal(client: TestClient, me: Headers) -> dict[str, Any]:
    answer = client.get("/v1/me/goal", headers=me)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def choose(client: TestClient, me: Headers, xp: int) -> Any:
    return client.patch("/v1/me", headers=me, json={"daily_goal_xp": xp})


def test_a_new_learner_has_the_default_goal_and_the_presets(client: TestClient) -> None:
    _, me = signed_up(client)
    shown = goal(client, me)
    assert {k: shown[k] for k in ("goal_xp", "xp_today", "met", "goal_streak")} == {
        "goal_xp": 20,
        "xp_today": 0,
        "met": False,
        "goal_streak": 0,
    }
    assert shown["presets"] == [10, 20, 30, 50]
    assert client.get("/v1/me", headers=me).json()["daily_goal_xp"] is None


def test_a_goal_is_chosen_from_the_presets_only(client: TestClient) -> None:
    _, me = signed_up(client)
    refused = assert_problem(choose(client, me, 25), 422, "daily_goal_invalid")
    assert "10, 20, 30, 50" in refused["detail"]
    assert goal(client, me)["goal_xp"] == 20
    assert choose(client, me, 30).json()["daily_goal_xp"] == 30
    assert goal(client, me)["goal_xp"] == 30


def test_reaching_the_goal_meets_today_and_starts_the_goal_streak(client: TestClient) -> None:
    _, me = signed_up(client)
    earn(client, me, 1)
    assert (goal(client, me)["met"], goal(client, me)["goal_streak"]) == (False, 0)
    earn(client, me, 1)
    assert (goal(client, me)["met"], goal(client, me)["goal_streak"]) == (True, 1)


def test_a_goal_raised_mid_day_judges_today_and_leaves_yesterday_met(
    client: TestClient, clock: FixedClock
) -> None:
    _, me = signed_up(client)
    earn(client, me, 2)  # 20 XP: yesterday's goal of 20 met
    clock.advance(DAY)
    earn(client, me, 2)
    assert goal(client, me)["goal_streak"] == 2
    choose(client, me, 30)  # today now needs 30
    shown = goal(client, me)
    assert (shown["met"], shown["goal_streak"]) == (False, 1)  # yesterday still counts
    earn(client, me, 1)
    shown = goal(client, me)
    assert (shown["met"], shown["xp_today"], shown["goal_streak"]) == (True, 30, 2)


def test_a_goal_lowered_later_never_rewrites_the_days_before(
    client: TestClient, clock: FixedClock
) -> None:
    _, me = signed_up(client)
    choose(client, me, 50)
    earn(client, me, 2)  # 20 of 50: not met
    clock.advance(DAY)
    choose(client, me, 10)
    earn(client, me, 1)
    shown = goal(client, me)
    assert (shown["goal_xp"], shown["met"], shown["goal_streak"]) == (10, True, 1)


def test_a_day_without_the_goal_breaks_the_goal_streak(
    client: TestClient, clock: FixedClock
) -> None:
    _, me = signed_up(client)
    earn(client, me, 2)
    clock.advance(DAY)
    earn(client, me, 1)  # 10 of 20
    clock.advance(DAY)
    assert goal(client, me)["goal_streak"] == 0  # yesterday missed, today not yet
    earn(client, me, 2)
    assert goal(client, me)["goal_streak"] == 1


def test_three_goals_in_a_row_earn_goal_getter_on_the_event_that_makes_the_third(
    client: TestClient, clock: FixedClock
) -> None:
    _, me = signed_up(client)
    for _ in range(2):
        earn(client, me, 2)
        clock.advance(DAY)
    earn(client, me, 1)
    third = earn(client, me, 1)
    assert "Goal Getter" in {badge["name"] for badge in third["new_badges"]}
    again = earn(client, me, 1)  # the goal was already met today
    assert "Goal Getter" not in {badge["name"] for badge in again["new_badges"]}


def test_the_default_goal_must_be_on_offer() -> None:
    with pytest.raises(ValidationError):
        make_settings("sqlite://", daily_goal_presets="10,30", daily_goal_default=20)
