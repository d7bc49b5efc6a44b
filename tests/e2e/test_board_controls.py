"""The boards page's controls in the browser: a streak ignores the period, so it greys out."""

from playwright.sync_api import expect

from tests.e2e.conftest import Browsers, screenshot, sign_up, unique_name


def test_choosing_the_streak_greys_out_the_period_and_back(browsers: Browsers) -> None:
    page = browsers.open()
    sign_up(page, unique_name("rory"), display_name="Rory Reed")
    page.goto("/boards")
    all_time = page.get_by_label("All time")
    expect(all_time).to_be_enabled()

    page.get_by_label("Ranked by").select_option(label="Current streak")
    expect(all_time).to_be_disabled()
    expect(page.locator("#period-note")).to_be_visible()
    expect(page.locator("#board-title")).to_have_text("You and your friends: Current streak")
    screenshot(page, "boards-streak")

    page.get_by_label("Ranked by").select_option(label="Correct exercises")
    expect(all_time).to_be_enabled()
    expect(page.locator("#period-note")).to_be_hidden()
