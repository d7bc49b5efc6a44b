"""The home page in a browser: the streak hero, a calendar that fills its card, and a
practice form that asks for an exercise's result only for exercises."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Browsers, LiveServer, log_practice, screenshot, sign_up, unique_name


def test_the_hero_shows_the_best_streak_and_the_time_left_today(
    browsers: Browsers, server: LiveServer
) -> None:
    page = browsers.open(timezone="UTC")
    sign_up(page, unique_name("hana"))
    log_practice(page, language="Japanese", what="Exercises", result="Correct")

    hero = page.locator("section.hero")
    expect(hero).to_have_class("hero card streak-lit")
    expect(hero.locator(".hero-days")).to_have_text("1")
    expect(hero).to_contain_text("Today counts. Come back tomorrow to make it 2.")
    screenshot(page, "home-hero")

    # The clock starts at 12:00 UTC; the next day at 15:00 the learner has 9 hours left.
    server.clock.advance(timedelta(days=1, hours=3))
    page.reload()
    expect(hero).to_have_class("hero card streak-at-risk")
    flame = hero.get_by_role("img", name="Japanese flame: practise today to keep it")
    expect(flame).to_be_visible()
    expect(hero.locator("time.time-left")).to_have_text("9 h")
    screenshot(page, "home-hero-at-risk")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_calendar_fills_its_card_with_rows_of_one_height(
    browsers: Browsers, phone: bool
) -> None:
    page = browsers.open(phone=phone)
    sign_up(page, unique_name("cal"))
    log_practice(page, language="Spanish", what="Reading", minutes="30")

    card = page.locator("section.card", has=page.locator("#calendar-title")).bounding_box()
    table = page.locator("table.calendar").bounding_box()
    heights = [_height(page, row) for row in range(7)]
    assert card is not None and table is not None
    # Inside the card's border (1 px) and padding (16 px) on each side.
    assert table["width"] >= card["width"] - 2 * (1 + 16) - 0.5
    assert max(heights) - min(heights) < 0.5, heights
    expect(page.locator("table.calendar th.month").filter(has_text="Mar")).to_be_visible()
    screenshot(page, "home-calendar-phone" if phone else "home-calendar")


def _height(page: Page, row: int) -> float:
    box = page.locator("table.calendar tbody tr").nth(row).bounding_box()
    assert box is not None
    return float(box["height"])


def test_the_exercise_result_is_asked_for_exercises_only(browsers: Browsers) -> None:
    page = browsers.open(phone=True)
    sign_up(page, unique_name("ola"))
    form = page.locator("form.practice-form")
    result = form.get_by_label("Exercise result")
    expect(result).to_be_visible()

    form.get_by_label("What you did").select_option(label="Listening")
    expect(result).to_be_hidden()
    form.get_by_label("Minutes").fill("0")
    form.get_by_role("button", name="Log practice").click()
    expect(page.locator("#minutes-error")).to_have_text(
        "Enter at least 1 minute, or leave it empty if you did not time it."
    )
    expect(result).to_be_hidden()

    form.get_by_label("What you did").select_option(label="Exercises")
    expect(result).to_be_visible()


def test_a_week_earns_a_freeze_that_keeps_a_missed_day_in_the_calendar(
    browsers: Browsers, server: LiveServer
) -> None:
    page = browsers.open(phone=True, timezone="UTC")
    sign_up(page, unique_name("ice"))
    for _ in range(7):
        log_practice(page, language="Spanish", what="Reading", minutes="10")
        server.clock.advance(timedelta(days=1))
    page.reload()
    freezes = page.locator("section.freezes")
    expect(freezes).to_contain_text("1 of 2 held")

    server.clock.advance(timedelta(days=1))  # a day went by without practice
    page.reload()
    expect(freezes).to_contain_text("0 of 2 held")
    kept = page.locator("table.calendar td.kept")
    expect(kept).to_have_count(1)
    expect(kept).to_have_attribute("title", re.compile("a streak freeze kept your Spanish streak"))
    expect(page.locator("section.hero .hero-days")).to_have_text("7")
    expect(page.locator("section.hero")).to_contain_text("A streak freeze kept it on")
    overflow = freezes.evaluate("card => card.scrollWidth - card.clientWidth")
    assert overflow <= 0
    screenshot(page, "home-freeze-phone")
