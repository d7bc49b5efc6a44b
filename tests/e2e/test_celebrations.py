"""A celebration in the browser: after the practice that earned it, once, with motion only
for those who have not asked for less."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Browsers, LiveServer, log_practice, screenshot, sign_up, unique_name


def _animations(page: Page, selector: str) -> str:
    return str(page.locator(selector).first.evaluate("e => getComputedStyle(e).animationName"))


def test_a_new_badge_is_celebrated_once(browsers: Browsers) -> None:
    page = browsers.open()
    sign_up(page, unique_name("cele"))
    log_practice(page, language="Spanish", what="Exercises", result="Correct")
    expect(page.locator(".celebration")).to_have_count(0)

    log_practice(page, language="French", what="Reading", minutes="10")

    celebration = page.get_by_role("dialog", name="Well done!")
    expect(celebration).to_contain_text("New badge: Two Tongues")
    expect(page.locator(".confetti i").first).to_be_visible()
    assert _animations(page, ".celebration-card") == "pop"
    screenshot(page, "celebration-badge")
    celebration.get_by_role("button", name="Keep going").click()
    expect(celebration).to_have_count(0)

    page.reload()  # the page told Zeal it showed it: not again
    expect(page.locator(".celebration")).to_have_count(0)
    page.goto("/boards")
    expect(page.locator(".celebration")).to_have_count(0)


def test_a_seven_day_streak_is_celebrated_without_motion_when_asked(
    browsers: Browsers, server: LiveServer
) -> None:
    page = browsers.open(phone=True, less_motion=True)
    sign_up(page, unique_name("week"))
    for _ in range(6):
        log_practice(page, language="Italian", what="Reading", minutes="10")
        server.clock.advance(timedelta(days=1))
    page.goto("/profile")  # leave the first days' badge celebrations behind
    expect(page.locator(".celebration")).to_have_count(0)

    log_practice(page, language="Italian", what="Reading", minutes="10")

    celebration = page.get_by_role("dialog", name="Well done!")
    expect(celebration).to_contain_text("7-day Italian streak!")
    expect(celebration.get_by_role("button", name="Keep going")).to_be_focused()
    expect(page.locator(".confetti")).to_be_hidden()
    assert _animations(page, ".celebration-card") == "none"
    assert _animations(page, ".celebrated .flame") == "none"
    screenshot(page, "celebration-streak-phone")
    page.keyboard.press("Escape")
    expect(celebration).to_have_count(0)
