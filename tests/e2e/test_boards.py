"""The boards page in a browser: a podium for the top three, bars to scale, and the learner's
own row kept in sight at the foot of the screen on a long board."""

from typing import Any

import httpx2
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import SCREENSHOTS, Browsers, LiveServer, screenshot, unique_name
from tests.friends.helpers import befriend

FRIENDS = 10


def _exercises(api: Any, headers: dict[str, str], count: int) -> None:
    for _ in range(count):
        body = {"type": "exercise", "language": "es", "outcome": "correct"}
        response = api.post("/v1/me/practice-events", json=body, headers=headers)
        assert response.status_code == 201, response.text


def _world(server: LiveServer) -> str:
    """A learner with FRIENDS friends who all did more exercises this week; their username."""
    with httpx2.Client(base_url=server.url) as api:
        me = factories.signed_up(api, username=unique_name("pia"), display_name="Pia Pinned")
        _exercises(api, me[1], 1)
        for n in range(FRIENDS):
            name = unique_name("fr")
            friend = factories.signed_up(api, username=name, display_name=f"Friend {n + 1:02}")
            befriend(api, me[1], friend[1], name)
            _exercises(api, friend[1], n + 2)
        return str(me[0]["username"])


def test_the_podium_and_the_learners_own_row_in_sight_on_a_long_board(
    browsers: Browsers, server: LiveServer
) -> None:
    username = _world(server)
    page = browsers.open(phone=True)
    page.goto("/sign-in")
    page.get_by_label("E-mail or username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/boards")

    steps = page.locator(".podium .step")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_contain_text("Friend 09")  # second, on the left
    expect(steps.nth(1)).to_contain_text("Friend 10")  # first, in the middle, tallest
    expect(steps.nth(2)).to_contain_text("Friend 08")
    heights = [steps.nth(i).locator(".step-block").bounding_box() for i in range(3)]
    assert all(box is not None for box in heights)
    second, first, third = (box["height"] for box in heights if box is not None)
    assert first > second > third

    # The learner is last of 11: once the board is scrolled to, their row stays at the foot of
    # a short phone screen although its place in the table is below it.
    page.set_viewport_size({"width": 390, "height": 600})
    page.evaluate("document.querySelector('table.board').scrollIntoView()")
    mine = page.locator("table.board tr.is-self td.rank")
    expect(page.locator("table.board tr.is-self")).to_contain_text("Pia Pinned")
    box = mine.bounding_box()
    assert box is not None
    assert 600 - box["height"] - 1 <= box["y"] <= 600 - box["height"] + 1
    natural = page.locator("table.board tr.is-self").bounding_box()
    assert natural is not None and natural["y"] > 600  # where the row sits: below the screen
    page.screenshot(path=str(SCREENSHOTS / "boards-pinned-phone.png"))

    page.set_viewport_size({"width": 1280, "height": 900})
    bars = page.locator("table.board .bar rect:not(.track)")
    widths = [float(bars.nth(i).get_attribute("width") or "nan") for i in range(FRIENDS + 1)]
    assert widths[0] == 100.0 and widths == sorted(widths, reverse=True)
    screenshot(page, "boards-podium")
