"""Layout defects seen on phones, measured in the browser: a class roster's buttons, a
profile's streak lines and badge rows."""

from typing import Any

import httpx2
from playwright.sync_api import Locator, Page

from tests import factories
from tests.e2e.conftest import Browsers, LiveServer, screenshot, unique_name
from tests.leaderboards.helpers import join, new_cohort


def _sign_in(page: Page, username: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("E-mail or username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return dict(box)


def _practise(api: Any, headers: dict[str, str], **body: Any) -> None:
    response = api.post("/v1/me/practice-events", json=body, headers=headers)
    assert response.status_code == 201, response.text


def test_a_class_rosters_buttons_stay_beside_long_names_on_a_phone(
    browsers: Browsers, server: LiveServer
) -> None:
    teacher = unique_name("teach")
    with httpx2.Client(base_url=server.url) as api:
        headers = factories.signed_up(api, username=teacher, display_name="Ms Teach")[1]
        cohort = new_cohort(api, headers)
        for name in ("Bo", "Maximiliana Wolkenstein-Habsburg", "Jo Li"):
            student = factories.signed_up(api, username=unique_name("st"), display_name=name)
            join(api, student[1], cohort)
    page = browsers.open(phone=True)
    _sign_in(page, teacher)
    page.goto(f"/classes/{cohort['id']}")

    rows = page.locator("ul.roster").last.locator("li")
    assert rows.count() == 3
    rights = set()
    for index in range(3):
        row, button = rows.nth(index), rows.nth(index).get_by_role("button", name="Remove")
        row_box, button_box = _box(row), _box(button)
        # The button sits inside its row's height, at the right, never on a line of its own.
        assert button_box["y"] >= row_box["y"] and button_box["height"] < row_box["height"] + 1
        assert _box(row.locator(".learner"))["y"] < button_box["y"] + button_box["height"]
        rights.add(round(button_box["x"] + button_box["width"]))
    assert len(rights) == 1
    screenshot(page, "class-roster-phone")


def test_a_profiles_streaks_read_cleanly_and_its_badges_line_up(
    browsers: Browsers, server: LiveServer
) -> None:
    name = unique_name("prof")
    with httpx2.Client(base_url=server.url) as api:
        headers = factories.signed_up(api, username=name, display_name="Pat Profile")[1]
        _practise(api, headers, type="word_learned", language="ar")
        _practise(api, headers, type="article_completed", language="es")
        _practise(api, headers, type="exercise", language="fr", outcome="correct")
    page = browsers.open(phone=True)
    _sign_in(page, name)
    page.goto(f"/learners/{name}")

    line = page.locator(".language-streak").filter(has_text="Arabic")
    assert line.inner_text() == "Arabic: 1 day"
    # No gap between the language's name and its colon (a flex gap once put one there).
    gap = line.evaluate(
        """span => { const name = span.querySelector('strong');
        const range = document.createRange(); range.setStart(name.nextSibling, 0);
        range.setEnd(name.nextSibling, 1);
        return range.getBoundingClientRect().left - name.getBoundingClientRect().right; }"""
    )
    assert abs(gap) < 1, gap
    badges = page.locator(".badge-strip li")
    assert badges.count() >= 3
    for index in range(badges.count()):
        badge = badges.nth(index)
        # Each badge's icon and name start at the top of its row, however long its text.
        assert abs(_box(badge.locator("img"))["y"] - _box(badge)["y"]) < 1
    screenshot(page, "profile-phone")
