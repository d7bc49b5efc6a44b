"""Leagues over HTTP: this week's group with zones and the week's end on the learner's clock,
opting out, last week's result and the history; XP from a platform's batch counts too."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import signed_up
from tests.platform.test_batch import event, send
from tests.platform.test_learners import key_of, put
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.leagues.closing import close_weeks

Headers = dict[str, str]


def practise(client: TestClient, me: Headers, times: int = 1) -> None:
    for _ in range(times):
        body = {"type": "exercise", "language": "es", "outcome": "correct"}
        answer = client.post("/v1/me/practice-events", headers=me, json=body)
        assert answer.status_code == 201, answer.text


def league(client: TestClient, me: Headers) -> dict[str, Any]:
    answer = client.get("/v1/me/leagues", headers=me)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_before_any_xp_the_learner_is_not_yet_in_a_group(
    client: TestClient, anna: tuple[dict[str, Any], Headers]
) -> None:
    body = league(client, anna[1])
    assert (body["placed"], body["rows"], body["tier"]) == (
        False,
        [],
        {"position": 1, "name": "Bronze"},
    )
    assert body["leagues"] is True and body["last_week"] is None


def test_the_group_ranks_by_xp_and_says_when_the_week_ends_on_each_clock(
    client: TestClient, anna: tuple[dict[str, Any], Headers]
) -> None:
    _, bob = signed_up(client, username="bob", email="bob@example.com", timezone="America/New_York")
    practise(client, anna[1], 1)
    practise(client, bob, 3)
    body = league(client, bob)
    assert [(r["rank"], r["username"], r["xp"], r["is_self"]) for r in body["rows"]] == [
        (1, "bob", 30, True),
        (2, "anna", 10, False),
    ]
    # A group of two moves one up and one down (Bronze has nothing below: anna is safe).
    assert [r["zone"] for r in body["rows"]] == ["promotion", "safe"]
    week = body["week"]
    assert week["starts_at"] == "2026-03-09T00:00:00Z"
    assert week["ends_at"] == "2026-03-16T00:00:00Z"
    assert week["ends_at_local"] == "2026-03-15T20:00:00-04:00"  # Sunday evening in New York
    assert week["seconds_left"] == (5 * 24 + 12) * 3600  # from Tuesday noon UTC
    assert (body["promoted"], body["demoted"]) == (1, 1)  # 7 and 5 of 30, scaled to 2


def test_opting_out_leaves_the_group_and_shows_as_such(
    client: TestClient, anna: tuple[dict[str, Any], Headers], bob: tuple[dict[str, Any], Headers]
) -> None:
    practise(client, anna[1])
    practise(client, bob[1])
    answer = client.patch("/v1/me", headers=anna[1], json={"leagues": False})
    assert answer.status_code == 200 and answer.json()["leagues"] is False
    mine = league(client, anna[1])
    assert (mine["leagues"], mine["placed"]) == (False, False)
    assert [r["username"] for r in league(client, bob[1])["rows"]] == ["bob"]


def test_a_block_made_mid_week_leaves_both_in_place_but_nameless_to_each_other(
    client: TestClient, anna: tuple[dict[str, Any], Headers], bob: tuple[dict[str, Any], Headers]
) -> None:
    practise(client, anna[1], 2)
    practise(client, bob[1], 1)
    answer = client.post("/v1/me/blocks", headers=bob[1], json={"username": "anna"})
    assert answer.status_code in (200, 201), answer.text
    seen_by_bob = [
        (r["rank"], r["username"], r["display_name"], r["avatar"])
        for r in league(client, bob[1])["rows"]
    ]
    assert seen_by_bob[0] == (1, None, "Hidden learner", None)  # anna keeps first place
    assert seen_by_bob[1][:2] == (2, "bob")
    assert league(client, anna[1])["rows"][1]["username"] is None


def test_last_weeks_result_and_the_history_after_the_week_ends(
    client: TestClient,
    db: Database,
    ctx: Context,
    clock: FixedClock,
    anna: tuple[dict[str, Any], Headers],
    bob: tuple[dict[str, Any], Headers],
) -> None:
    practise(client, anna[1], 2)
    practise(client, bob[1], 1)
    clock.advance(timedelta(days=7))
    # Before the close has run, the result is already known; after, it is the same.
    before = league(client, anna[1])["last_week"]
    close_weeks(db, ctx)
    body = league(client, anna[1])
    assert body["last_week"] == before
    assert body["last_week"] == {
        "week_start": "2026-03-09",
        "tier": {"position": 1, "name": "Bronze"},
        "rank": 1,
        "xp": 20,
        "group_size": 2,
        "outcome": "promoted",
        "next_tier": {"position": 2, "name": "Silver"},
    }
    assert body["tier"] == {"position": 2, "name": "Silver"} and body["placed"] is False
    exported = client.get("/v1/me/export", headers=anna[1]).json()["league_weeks"]
    assert [(w["week_start"], w["tier"], w["xp"], w["rank"], w["outcome"]) for w in exported] == [
        ("2026-03-09", 1, 20, 1, "promoted")
    ]
    history = client.get("/v1/me/leagues/history", headers=bob[1]).json()["weeks"]
    assert [(w["week_start"], w["rank"], w["outcome"]) for w in history] == [
        ("2026-03-09", 2, "stayed")
    ]


def test_xp_from_a_platforms_batch_places_and_grows_its_learners(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock
) -> None:
    lingo = key_of(db, ctx, "Lingo Land")
    put(client, lingo, "ana")
    items = [event("ana", f"a{n}") for n in range(3)] + [event("ana", "old", days_ago=3)]
    assert send(client, clock, lingo, items).status_code == 200
    token = client.post("/v1/platform/learners/ana/tokens", headers=lingo, json={})
    me = {"Authorization": f"Bearer {token.json()['token']}"}
    rows = league(client, me)["rows"]
    # Three events this week (Tuesday); the one from Saturday was last week's.
    assert [(r["username"], r["xp"]) for r in rows] == [(rows[0]["username"], 30)]
