"""The friends list comes a page at a time: the longest friend streak first, then by name,
each page with the cursor of the next, so a learner with hundreds of friends costs what one
with fifty does."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import auth, make_friends, make_learner
from tests.friends.helpers import practise
from tests.http import assert_problem
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database


def all_pages(client: TestClient, headers: dict[str, str], limit: int) -> list[list[Any]]:
    pages, cursor = [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/me/friends", params=params, headers=headers).json()
        pages.append([(f["username"], f["friend_streak"]) for f in page["friends"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


def test_the_longest_friend_streak_comes_first_then_names(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock
) -> None:
    me = make_learner(db, ctx, username="me_myself")
    friends = {name: make_learner(db, ctx, username=name) for name in ("anna", "bruno", "Carla")}
    friends |= {name: make_learner(db, ctx, username=name) for name in ("dora", "emil")}
    for friend in friends.values():
        make_friends(db, ctx, me, friend)
    headers = {name: auth(client, name) for name in [me.username, *friends]}
    # Three days: emil practises with me on all of them, dora on two, bruno on the first.
    for practisers in (["bruno", "dora", "emil"], ["dora", "emil"], ["emil"]):
        for name in [me.username, *practisers]:
            practise(client, headers[name])
        if practisers != ["emil"]:
            clock.advance(timedelta(days=1))

    pages = all_pages(client, headers[me.username], limit=2)

    # Bruno's one shared day ended a day ago without him: his friend streak shows 0, so he
    # sorts by name among those without one, although one day is still stored.
    assert pages == [
        [("emil", 3), ("dora", 2)],
        [("anna", 0), ("bruno", 0)],
        [("Carla", 0)],
    ]


def test_without_friend_streaks_pages_follow_in_name_order_until_the_cursor_is_null(
    client: TestClient, db: Database, ctx: Context
) -> None:
    me = make_learner(db, ctx, username="me_myself")
    for name in ("Carla", "anna", "bruno", "dora", "Emil"):
        make_friends(db, ctx, me, make_learner(db, ctx, username=name))
    headers = auth(client, me.username)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/me/friends", params=params, headers=headers).json()
        seen += [friend["username"] for friend in page["friends"]]
        pages, cursor = pages + 1, page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["anna", "bruno", "Carla", "dora", "Emil"]
    assert pages == 3


def test_the_default_page_is_fifty(client: TestClient, db: Database, ctx: Context) -> None:
    me = make_learner(db, ctx)
    for _ in range(51):
        make_friends(db, ctx, me, make_learner(db, ctx))
    headers = auth(client, me.username)
    first = client.get("/v1/me/friends", headers=headers).json()
    assert len(first["friends"]) == 50
    rest = client.get(f"/v1/me/friends?cursor={first['next_cursor']}", headers=headers).json()
    assert len(rest["friends"]) == 1 and rest["next_cursor"] is None


def test_a_cursor_zeal_did_not_give_out_is_refused(
    client: TestClient, db: Database, ctx: Context
) -> None:
    me = make_learner(db, ctx)
    headers = auth(client, me.username)
    # Not base64; base64 of a byte that is not UTF-8; base64 of "anna" (no position of ours).
    for cursor in ("%%%", "_w", "YW5uYQ"):
        response = client.get(f"/v1/me/friends?cursor={cursor}", headers=headers)
        assert_problem(response, 422, "cursor_invalid")
    assert_problem(client.get("/v1/me/friends?limit=0", headers=headers), 422, "validation_error")
    assert_problem(client.get("/v1/me/friends?limit=201", headers=headers), 422, "validation_error")


def test_the_page_shows_the_whole_count_and_links_to_more(
    client: TestClient, db: Database, ctx: Context
) -> None:
    me = make_learner(db, ctx)
    for _ in range(52):
        make_friends(db, ctx, me, make_learner(db, ctx))
    client.cookies.update(
        {"zeal_session": auth(client, me.username)["Authorization"].removeprefix("Bearer ")}
    )
    page = client.get("/friends").text
    assert "Your friends (52)" in page
    assert page.count('class="friend-streak"') == 50
    more = page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    rest = client.get(more.replace("&amp;", "&")).text
    assert rest.count('class="friend-streak"') == 2
    assert 'rel="next"' not in rest
