"""The home page: streak flames, the practice calendar, recent badges, and the log-practice
form, which records through the same service as the API."""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Learner, make_settings
from tests.factories import signed_up
from tests.web.conftest import NewBrowser, SignedIn
from tests.web.helpers import (
    Browser,
    badge_count,
    field_error,
    flash_of,
    form_error,
    hidden_values,
    input_value,
    text_of,
)
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.practice import freezes


def practice_form(**fields: str) -> dict[str, str]:
    form = {"language": "es", "type": "exercise", "minutes": "5", "outcome": "correct"}
    form.update(fields)
    return form


def log(browser: Browser, **fields: str) -> str:
    """Fill in the form on a freshly loaded home page and send it; the page it leads to."""
    home = browser.page("/")
    (key,) = hidden_values(home, "idempotency_key")
    return browser.submit("/practice", {"idempotency_key": key, **practice_form(**fields)})


def streak_cards(html: str) -> dict[str, tuple[str, int]]:
    """Language -> (flame state, days), as the streak cards show them."""
    cards = re.findall(
        r'<li class="streak card streak-([a-z-]+)" data-language="([a-z]+)">.*?'
        r'<span class="streak-days">(\d+)</span>',
        html,
        re.DOTALL,
    )
    return {language: (state, int(days)) for state, language, days in cards}


def calendar_cell(html: str, day: str) -> tuple[list[str], str]:
    """The classes and the label of the calendar's cell for an ISO date."""
    match = re.search(rf'<td class="([^"]*)" title="([^"]*)" data-day="{day}">', html)
    assert match is not None, f"no calendar cell for {day}"
    return match.group(1).split(), match.group(2)


def hero_of(html: str) -> tuple[str, str] | None:
    """The hero's flame state and what it says, or None when there is no hero."""
    match = re.search(r'<section class="hero card streak-([a-z-]+)".*?</section>', html, re.DOTALL)
    return (match.group(1), text_of(match.group(0))) if match else None


def month_names(html: str) -> list[tuple[int, str]]:
    """The calendar's month names, with the week (column) each stands over."""
    header = re.search(r"<thead>(.*?)</thead>", html, re.DOTALL)
    assert header is not None
    cells = re.findall(r'<th scope="col" class="month[^"]*">([^<]*)</th>', header.group(1))
    return [(week, name) for week, name in enumerate(cells) if name]


def streaks(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/v1/me/streaks", headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["streaks"]
    return found


def events_today(client: TestClient, headers: dict[str, str]) -> int:
    response = client.get("/v1/me/practice-days", headers=headers)
    assert response.status_code == 200, response.text
    return sum(day["events"] for day in response.json()["days"])


class TestLoggingPractice:
    def test_practice_logged_on_the_page_is_the_apis_practice(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")

        home = log(browser, language="es", type="reading", minutes="12")

        assert flash_of(home) == ("Practice recorded: +12 XP. Your Spanish streak: 1 day.", False)
        assert 'data-xp-today="12" data-goal="20"' in home
        assert "12 / 20 XP" in home
        assert streak_cards(home) == {"es": ("lit", 1)}
        (streak,) = streaks(client, anna[1])
        assert (streak["language"], streak["daily_streak"]) == ("es", 1)
        assert (streak["practiced_today"], streak["practice_seconds_today"]) == (True, 720)

    def test_the_same_form_sent_twice_is_recorded_once(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")
        (key,) = hidden_values(browser.page("/"), "idempotency_key")
        form = {"idempotency_key": key, **practice_form()}

        first = browser.submit("/practice", form)
        again = browser.submit("/practice", form)

        assert flash_of(first) == ("Practice recorded: +10 XP. Your Spanish streak: 1 day.", False)
        assert flash_of(again) == ("That practice was already recorded.", False)
        assert events_today(client, anna[1]) == 1
        _, label = calendar_cell(again, "2026-03-10")
        assert label == "Tue 10 Mar: 1 event, 5 min"

    def test_each_time_the_form_is_shown_it_records_a_new_event(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")

        log(browser)
        home = log(browser)

        assert events_today(client, anna[1]) == 2
        _, label = calendar_cell(home, "2026-03-10")
        assert label == "Tue 10 Mar: 2 events, 10 min"

    def test_a_second_language_earns_a_badge_shown_on_home(
        self, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")
        log(browser, language="es")

        home = log(browser, language="fr")

        flash = flash_of(home)
        assert flash is not None
        assert "New badge: Two Tongues!" in flash[0]
        assert "Two Tongues" in home.split('id="recent-title"')[1]
        assert badge_count(home) == 1
        assert set(streak_cards(home)) == {"es", "fr"}

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"minutes": "abc"}, "minutes", "Minutes are a whole number, like 5."),
            ({"minutes": "-5"}, "minutes", "Minutes cannot be negative: how long was it?"),
            ({"minutes": "0"}, "minutes", "Enter at least 1 minute, or leave it empty"),
            ({"minutes": "000"}, "minutes", "Enter at least 1 minute, or leave it empty"),
            ({"minutes": "²"}, "minutes", "Minutes are a whole number, like 5."),
            ({"minutes": "600"}, "minutes", "At most 240 minutes at once."),
            ({"minutes": "9" * 5000}, "minutes", "At most 240 minutes at once."),
            ({"language": "xx"}, "language", "'xx' is not an ISO 639-1 language code"),
            ({"type": "dancing"}, "type", "exercise"),
            ({"outcome": "brilliant"}, "outcome", "correct"),
        ],
    )
    def test_a_refused_form_says_why_beside_the_field_and_records_nothing(
        self,
        client: TestClient,
        anna: Learner,
        signed_in: SignedIn,
        fields: dict[str, str],
        field: str,
        message: str,
    ) -> None:
        browser = signed_in("anna")
        (key,) = hidden_values(browser.page("/"), "idempotency_key")

        response = browser.post("/practice", {"idempotency_key": key, **practice_form(**fields)})

        assert response.status_code == 422
        assert message in (field_error(response.text, field) or "")
        assert f'aria-describedby="{field}-error"' in response.text
        if field == "minutes":
            assert input_value(response.text, "minutes") == fields["minutes"]
        assert streaks(client, anna[1]) == []
        assert events_today(client, anna[1]) == 0

    def test_the_form_offers_the_language_practised_last_first(
        self, anna: Learner, signed_in: SignedIn, clock: FixedClock
    ) -> None:
        browser = signed_in("anna")
        log(browser, language="es")
        clock.advance(timedelta(days=1))
        log(browser, language="es")
        clock.advance(timedelta(days=1))

        home = log(browser, language="fr")

        # Spanish has the longer streak, but French was practised last.
        assert list(streak_cards(home)) == ["es", "fr"]
        languages = home.split('id="language"')[1].split("</select>")[0]
        options = re.findall(r'<option value="([a-z]+)" (selected)?', languages)
        assert [code for code, _ in options[:2]] == ["fr", "es"]
        assert [code for code, chosen in options if chosen] == ["fr"]

    def test_the_exercise_result_is_asked_for_exercises_only(
        self, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")
        home = browser.page("/")
        refused = browser.post(
            "/practice",
            {"idempotency_key": "k1", **practice_form(type="reading", minutes="0")},
        ).text

        assert re.search(r'<div class="outcome-field" data-shown-for="exercise">', home)
        assert re.search(r'<div class="outcome-field" data-shown-for="exercise" hidden>', refused)

    def test_reusing_a_key_for_different_practice_is_refused_at_the_top_of_the_form(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")
        (key,) = hidden_values(browser.page("/"), "idempotency_key")
        browser.submit("/practice", {"idempotency_key": key, **practice_form(minutes="5")})

        response = browser.post(
            "/practice", {"idempotency_key": key, **practice_form(minutes="50")}
        )

        assert response.status_code == 422
        assert "already used" in (form_error(response.text) or "")
        assert events_today(client, anna[1]) == 1


class TestStreaksAndCalendar:
    def test_a_new_learner_is_told_how_streaks_start(
        self, anna: Learner, signed_in: SignedIn
    ) -> None:
        home = signed_in("anna").page("/")

        assert streak_cards(home) == {}
        assert "No practice yet." in home
        assert "No badges yet" in home
        classes, label = calendar_cell(home, "2026-03-10")
        assert classes == ["level-0", "today"]
        assert label == "Tue 10 Mar: no practice"

    def test_the_flame_is_lit_then_at_risk_then_out(
        self, anna: Learner, signed_in: SignedIn, clock: FixedClock
    ) -> None:
        browser = signed_in("anna")
        log(browser)
        assert streak_cards(browser.page("/")) == {"es": ("lit", 1)}

        clock.advance(timedelta(days=1))
        next_day = browser.page("/")
        assert streak_cards(next_day) == {"es": ("at-risk", 1)}
        assert "Practise today to keep your streak." in next_day

        clock.advance(timedelta(days=1))
        broken = browser.page("/")
        assert streak_cards(broken) == {"es": ("out", 0)}
        assert "Practise today to start a new streak." in broken

    def test_practising_on_an_at_risk_day_lights_the_flame_again(
        self, anna: Learner, signed_in: SignedIn, clock: FixedClock
    ) -> None:
        browser = signed_in("anna")
        log(browser)
        clock.advance(timedelta(days=1))

        home = log(browser)

        assert streak_cards(home) == {"es": ("lit", 2)}
        assert calendar_cell(home, "2026-03-10")[0] == ["level-1"]
        assert calendar_cell(home, "2026-03-11")[0] == ["level-1", "today"]

    def test_today_is_the_learners_own_date(
        self, client: TestClient, new_browser: NewBrowser
    ) -> None:
        # Noon UTC on 10 March is already 01:00 on 11 March in Auckland.
        signed_up(client, username="kiri", timezone="Pacific/Auckland")
        home = new_browser().signed_in("kiri").page("/")

        assert "today" in calendar_cell(home, "2026-03-11")[0]
        assert "today" not in calendar_cell(home, "2026-03-10")[0]
        assert 'data-day="2026-03-12"' not in home

    def test_more_practice_shades_the_day_darker(self, anna: Learner, signed_in: SignedIn) -> None:
        browser = signed_in("anna")
        log(browser, minutes="5")
        light = calendar_cell(browser.page("/"), "2026-03-10")[0]

        home = log(browser, type="reading", minutes="60")

        assert light == ["level-1", "today"]
        assert calendar_cell(home, "2026-03-10")[0] == ["level-4", "today"]
        assert "You practised on 1 day of the last 20 weeks." in text_of(home)


class TestHero:
    def test_a_new_learner_has_no_hero(self, anna: Learner, signed_in: SignedIn) -> None:
        assert hero_of(signed_in("anna").page("/")) is None

    def test_the_hero_is_the_longest_streak_and_says_today_counts(
        self, anna: Learner, signed_in: SignedIn, clock: FixedClock
    ) -> None:
        browser = signed_in("anna")
        log(browser, language="es")
        clock.advance(timedelta(days=1))
        log(browser, language="fr")

        home = log(browser, language="es")

        assert hero_of(home) == (
            "lit",
            "Your best streak 2 days of Spanish Today counts. Come back tomorrow to make it 3.",
        )

    def test_an_at_risk_hero_counts_down_to_the_learners_own_midnight(
        self, client: TestClient, new_browser: NewBrowser, clock: FixedClock
    ) -> None:
        signed_up(client, username="kiri", timezone="Pacific/Auckland")
        browser = new_browser().signed_in("kiri")
        log(browser, language="es")
        log(browser, language="fr")
        # 12:00 UTC on 10 March is 01:00 on the 11th in Auckland (UTC+13): the next day
        # there begins at 11:00 UTC on the 11th; at 19:35 UTC it is 08:35 on the 12th.
        clock.advance(timedelta(days=1, hours=7, minutes=35))

        state, says = hero_of(browser.page("/")) or ("", "")

        assert state == "at-risk"
        assert "1 day of Spanish" in says  # a tie goes to the first language by name
        assert "practise in the next 15 h 25 min, before midnight, to keep it." in says
        assert "Also at risk today: French." in says

    def test_a_broken_streak_asks_for_a_new_start_and_recalls_the_best(
        self, anna: Learner, signed_in: SignedIn, clock: FixedClock
    ) -> None:
        browser = signed_in("anna")
        log(browser)
        clock.advance(timedelta(days=3))

        assert hero_of(browser.page("/")) == (
            "out",
            "Your best streak 0 days of Spanish "
            "Practise today to start a new streak. Your best is 1 day.",
        )


class TestCalendarMonths:
    def test_each_month_is_named_over_the_week_of_its_first_day(
        self, anna: Learner, signed_in: SignedIn
    ) -> None:
        # Today is Tue 10 March 2026: the 20 weeks start on Mon 27 October 2025.
        home = signed_in("anna").page("/")

        assert month_names(home) == [(0, "Nov"), (5, "Dec"), (9, "Jan"), (13, "Feb"), (17, "Mar")]


@pytest.fixture
def no_form_browser(db: Database, database_url: str, clock: FixedClock) -> Iterator[Browser]:
    """A browser on a Zeal whose learning app sends the practice (no form on the page)."""
    settings = make_settings(database_url, practice_form=False)
    with TestClient(create_app(settings, clock)) as other:
        yield Browser(other)


class TestWithoutThePracticeForm:
    def test_the_form_is_not_shown_and_posting_it_records_nothing(
        self, client: TestClient, anna: Learner, no_form_browser: Browser
    ) -> None:
        browser = no_form_browser.signed_in("anna")
        home = browser.page("/")
        assert 'action="/practice"' not in home
        assert "Log practice" not in home

        response = browser.post("/practice", {"idempotency_key": "k", **practice_form()})

        assert response.status_code == 303
        assert flash_of(browser.follow(response)) == (
            "Practice is recorded by your learning app here.",
            False,
        )
        assert streaks(client, anna[1]) == []


class TestStreakFreezes:
    def test_home_shows_freezes_held_and_the_day_one_kept(
        self,
        anna: Learner,
        signed_in: SignedIn,
        client: TestClient,
        db: Database,
        ctx: Context,
        clock: FixedClock,
    ) -> None:
        browser = signed_in("anna")
        home = browser.page("/")
        assert 'data-held="0"' in home and "<strong>0 of 2</strong> held" in home
        log(browser)  # 10 March
        with db.transaction() as session:
            freezes.grant_to(session, ctx, anna[0]["id"], freezes.Grant("welcome"))
        assert "<strong>1 of 2</strong> held" in browser.page("/")
        clock.advance(timedelta(days=2))  # the 11th passes unpractised: the freeze keeps it
        home = browser.page("/")
        assert streak_cards(home) == {"es": ("at-risk", 1)}
        classes, label = calendar_cell(home, "2026-03-11")
        assert classes == ["level-0", "kept", "frozen"]
        assert label == "Wed 11 Mar: a streak freeze kept your Spanish streak"
        hero = hero_of(home)
        assert hero is not None and "A streak freeze kept it on 11 Mar 2026." in hero[1]
        assert "<strong>0 of 2</strong> held" in home


@pytest.fixture
def self_repair_browser(db: Database, database_url: str, clock: FixedClock) -> Iterator[Browser]:
    """A browser on a Zeal whose platform lets learners repair their own streaks."""
    settings = make_settings(database_url, self_repair=True)
    with TestClient(create_app(settings, clock)) as other:
        yield Browser(other)


class TestSelfRepair:
    def test_a_broken_streak_is_offered_for_repair_and_repaired_from_home(
        self, anna: Learner, self_repair_browser: Browser, clock: FixedClock
    ) -> None:
        browser = self_repair_browser.signed_in("anna")
        for _ in range(3):
            log(browser)
            clock.advance(timedelta(days=1))
        assert 'class="repair card"' not in browser.page("/")  # nothing broke yet
        clock.advance(timedelta(days=1))  # 13 March passed without practice
        home = browser.page("/")
        assert streak_cards(home) == {"es": ("out", 0)}
        assert "Your 3-day Spanish streak can be repaired until" in text_of(home)
        assert "Mon 16 Mar, 00:00" in home  # 48 hours from the break, on Anna's clock (UTC)

        repaired = browser.submit("/streak-repairs", {"language": "es"})

        assert flash_of(repaired) == ("Streak repaired: your Spanish streak is 3 days.", False)
        assert streak_cards(repaired) == {"es": ("at-risk", 3)}
        classes, label = calendar_cell(repaired, "2026-03-13")
        assert classes == ["level-0", "kept", "repaired"]
        assert label == "Fri 13 Mar: you repaired your Spanish streak"
        assert 'class="repair card"' not in repaired  # once every 30 days

    def test_refused_where_the_platform_does_not_allow_it(
        self, anna: Learner, signed_in: SignedIn, clock: FixedClock
    ) -> None:
        browser = signed_in("anna")
        log(browser)
        clock.advance(timedelta(days=2))
        assert 'class="repair card"' not in browser.page("/")
        answer = browser.post("/streak-repairs", {"language": "es"})
        assert flash_of(browser.follow(answer)) == (
            "Streaks are repaired by your learning platform here.",
            True,
        )
