"""The league page: this week's group best first, its zones coloured and named, the time left
in a week that ends at one instant for everyone (and when that is on the learner's clock), and
how last week ended."""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Learner, make_settings
from tests.factories import make_learner, practise
from tests.web.conftest import SignedIn
from tests.web.helpers import Browser, text_of, title_of
from zeal.accounts.models import User
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.friends import blocks
from zeal.leagues.closing import close_weeks
from zeal.web.league import ordinal, week_left

WEEK = timedelta(days=7)  # the clock starts on Tuesday 10 March 2026, 12:00 UTC

Row = tuple[str, str, str, str, bool]  # rank, learner, XP, zone, is the viewer
AppSignedIn = Callable[..., SignedIn]


def rows(html: str) -> list[Row]:
    """The group's rows top first, as (rank, learner, XP, zone, is the viewer)."""
    table = re.search(r'<table class="board league-board">(.*?)</table>', html, re.DOTALL)
    if table is None:
        return []
    found: list[Row] = []
    for row_class, cells in re.findall(
        r'<tr class="member ([^"]*)"[^>]*>(.*?)</tr>', table.group(1), re.DOTALL
    ):
        classes = row_class.split()
        (zone,) = (c.removeprefix("zone-") for c in classes if c.startswith("zone-"))
        rank, learner, xp = (
            text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.DOTALL)
        )
        found.append((rank, learner, xp, zone, "is-self" in classes))
    return found


def zone_headings(html: str) -> list[str]:
    """The headings that name each zone of the table, top first."""
    found = re.findall(r'<th scope="rowgroup"[^>]*>(.*?)</th>', html, re.DOTALL)
    return [text_of(heading) for heading in found]


def by_id(html: str, element_id: str) -> str:
    """What a reader sees of the element with this id ("" when there is none)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, re.DOTALL)
    return text_of(match.group(2)) if match else ""


def nav_link(html: str) -> tuple[str, bool]:
    """The main navigation's link to the league: its text, and whether it marks this page."""
    match = re.search(r'<a href="/league"([^>]*)>(.*?)</a>', html, re.DOTALL)
    assert match is not None, "no link to the league"
    return text_of(match.group(2)), 'aria-current="page"' in match.group(1)


def heading(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL)
    assert match is not None
    return text_of(match.group(1))


def learner(db: Database, ctx: Context, name: str, **fields: str) -> User:
    return make_learner(db, ctx, username=name, display_name=name.title(), **fields)


def earn(db: Database, ctx: Context, user: User, exercises: int) -> None:
    """10 XP a correct exercise."""
    for _ in range(exercises):
        practise(db, ctx, user)


@pytest.fixture
def app_with(db: Database, database_url: str, clock: FixedClock) -> Iterator[AppSignedIn]:
    """An app on other settings (the same database and clock): its browsers, signed in."""
    opened: list[TestClient] = []
    apps: list[FastAPI] = []

    def build(**overrides: object) -> SignedIn:
        app = create_app(make_settings(database_url, **overrides), clock)
        apps.append(app)

        def open_as(login: str) -> Browser:
            other = TestClient(app)
            opened.append(other)
            return Browser(other).signed_in(login)

        return open_as

    yield build
    for other in opened:
        other.close()
    for app in apps:  # its own engine: its connections are closed, not left to the collector
        app.state.database.dispose()


def test_a_signed_out_browser_is_sent_to_sign_in_and_back(browser: Browser) -> None:
    response = browser.get("/league")

    assert (response.status_code, response.headers["location"]) == (
        303,
        "/sign-in?next=%2Fleague",
    )


def test_the_navigation_leads_to_the_league(anna: Learner, signed_in: SignedIn) -> None:
    browser = signed_in("anna")

    assert nav_link(browser.page("/")) == ("League", False)
    page = browser.page("/league")
    assert title_of(page) == "League"
    assert nav_link(page) == ("League", True)


def test_before_any_xp_this_week_the_learner_is_asked_to_earn_some(
    anna: Learner, signed_in: SignedIn
) -> None:
    page = signed_in("anna").page("/league")

    assert heading(page) == "Bronze league"
    assert by_id(page, "league-empty") == "Earn XP this week to join a Bronze league group."
    assert rows(page) == []
    assert by_id(page, "last-week") == ""


def test_the_group_is_ranked_best_first_with_xp_and_the_viewers_row_marked(
    db: Database, ctx: Context, signed_in: SignedIn
) -> None:
    ana, ben, cy = (learner(db, ctx, name) for name in ("ana", "ben", "cyd"))
    earn(db, ctx, ana, 2)
    earn(db, ctx, ben, 5)
    practise(db, ctx, cy, type="article_completed")  # 20 XP, as much as Ana

    page = signed_in("ana").page("/league")

    assert heading(page) == "Bronze league"
    # Ties share a rank and stay in the order the learners joined.
    assert [row[:3] + row[4:] for row in rows(page)] == [
        ("1", "Ben", "50 XP", False),
        ("2", "Ana You", "20 XP", True),
        ("2", "Cyd", "20 XP", False),
    ]
    assert 'aria-current="true"' in page
    assert 'href="/learners/ben"' in page
    assert "3 learners, ranked by XP earned this week" in by_id(page, "league-rules")


def test_a_large_group_shows_the_promotion_zone_apart_and_named(
    db: Database, ctx: Context, signed_in: SignedIn
) -> None:
    learners = [learner(db, ctx, f"learner{n:02}") for n in range(13)]
    for n, user in enumerate(learners):
        earn(db, ctx, user, 13 - n)  # learner00 earns the most

    page = signed_in("learner09").page("/league")

    table = rows(page)
    # 7 of 30 move up: of 13, the same share rounded up, 4.
    assert [row[3] for row in table] == ["promotion"] * 4 + ["safe"] * 9
    assert [row[0] for row in table] == [str(n) for n in range(1, 14)]
    assert (table[0][1], table[0][2]) == ("Learner00", "130 XP")
    assert table[9][1:] == ("Learner09 You", "40 XP", "safe", True)
    # In the first tier nobody moves down: there is no demotion zone to show.
    assert zone_headings(page) == [
        "Promotion zone: moving up to Silver league",
        "Safe zone: staying in Bronze league",
    ]
    assert "When the week ends, the top 4 move up to Silver league." in by_id(page, "league-rules")
    assert 'class="zone zone-promotion"' in page and 'class="zone zone-safe"' in page


def test_the_time_left_and_the_end_of_the_week_on_the_learners_clock(
    db: Database, ctx: Context, signed_in: SignedIn, clock: FixedClock
) -> None:
    user = learner(db, ctx, "nora", timezone="America/New_York")
    practise(db, ctx, user)

    page = signed_in("nora").page("/league")

    assert "5 days 12 hours left this week" in text_of(page)
    # Monday 16 March 00:00 UTC is Sunday evening in New York (summer time since 8 March).
    assert by_id(page, "week-end") == (
        "The week ends for everyone at the same moment, Monday 00:00 UTC, so every group "
        "races over the same hours. On your clock that is Sun 15 Mar, 20:00 (America/New_York)."
    )
    clock.advance(timedelta(days=5, hours=11, minutes=20))  # Sunday 15 March, 23:20 UTC
    assert "40 minutes left this week" in text_of(signed_in("nora").page("/league"))


def test_a_learner_in_utc_is_told_monday_midnight(anna: Learner, signed_in: SignedIn) -> None:
    page = signed_in("anna").page("/league")

    assert "On your clock that is Mon 16 Mar, 00:00 (UTC)." in by_id(page, "week-end")


def test_last_weeks_result_once_the_week_ended(
    db: Database, ctx: Context, signed_in: SignedIn, clock: FixedClock
) -> None:
    ana, ben = learner(db, ctx, "ana"), learner(db, ctx, "ben")
    earn(db, ctx, ana, 1)
    earn(db, ctx, ben, 1)  # tied first of two: both move up

    clock.advance(WEEK)  # Tuesday 17 March: the week of 9 March ended, not closed yet
    page = signed_in("ben").page("/league")

    assert by_id(page, "last-week") == (
        "Last week: 1st of 2 in Bronze league — promoted to Silver league (10 XP)"
    )
    assert heading(page) == "Silver league"
    assert by_id(page, "league-empty") == "Earn XP this week to join a Silver league group."

    close_weeks(db, ctx)
    assert "1st of 2 in Bronze league — promoted to Silver league" in by_id(
        signed_in("ana").page("/league"), "last-week"
    )


def test_a_learner_who_stayed_is_told_so(
    db: Database, database_url: str, clock: FixedClock, app_with: AppSignedIn
) -> None:
    one_up = Context(make_settings(database_url, league_promoted=1), clock)
    ana, ben = learner(db, one_up, "ana"), learner(db, one_up, "ben")
    earn(db, one_up, ana, 3)
    earn(db, one_up, ben, 1)
    clock.advance(WEEK)
    close_weeks(db, one_up)

    page = app_with(league_promoted=1)("ben").page("/league")

    assert by_id(page, "last-week") == (
        "Last week: 2nd of 2 in Bronze league — stayed in Bronze league (10 XP)"
    )
    assert heading(page) == "Bronze league"


def test_above_the_first_tier_the_group_has_all_three_zones_and_a_demotion_is_told(
    db: Database, database_url: str, clock: FixedClock, app_with: AppSignedIn
) -> None:
    # A first week in which all three move up to Silver, then weeks with one up and one down.
    all_up = Context(make_settings(database_url, league_promoted=3), clock)
    ana, ben, cy = (learner(db, all_up, name) for name in ("ana", "ben", "cyd"))
    for user in (ana, ben, cy):
        earn(db, all_up, user, 1)
    clock.advance(WEEK)
    close_weeks(db, all_up)
    zones = Context(make_settings(database_url, league_promoted=1, league_demoted=1), clock)
    earn(db, zones, ana, 3)
    earn(db, zones, ben, 2)
    earn(db, zones, cy, 1)
    open_as = app_with(league_promoted=1, league_demoted=1)

    page = open_as("cyd").page("/league")

    assert heading(page) == "Silver league"
    assert [(row[1], row[3], row[4]) for row in rows(page)] == [
        ("Ana", "promotion", False),
        ("Ben", "safe", False),
        ("Cyd You", "demotion", True),
    ]
    assert zone_headings(page) == [
        "Promotion zone: moving up to Gold league",
        "Safe zone: staying in Silver league",
        "Demotion zone: moving down to Bronze league",
    ]
    assert (
        "When the week ends, the top learner moves up to Gold league and the bottom learner "
        "moves down to Bronze league."
    ) in by_id(page, "league-rules")

    clock.advance(WEEK)
    close_weeks(db, zones)
    assert by_id(open_as("cyd").page("/league"), "last-week") == (
        "Last week: 3rd of 3 in Silver league — demoted to Bronze league (10 XP)"
    )


def test_a_learner_who_opted_out_is_told_how_to_opt_back_in(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    _, headers = anna
    response = client.patch("/v1/me", json={"leagues": False}, headers=headers)
    assert response.status_code == 200, response.text

    page = signed_in("anna").page("/league")

    assert by_id(page, "league-out") == (
        "You opted out of leagues, so you are not in a group this week. You can opt back in "
        "at any time: turn leagues on in your learning app's settings, and your next XP "
        "places you in a Bronze league group."
    )
    assert rows(page) == [] and by_id(page, "league-empty") == ""
    assert "left this week" not in page


def test_where_leagues_are_off_the_page_says_so_and_the_navigation_leaves_it_out(
    anna: Learner, app_with: AppSignedIn
) -> None:
    browser = app_with(leagues=False)("anna")

    assert 'href="/league"' not in browser.page("/")
    page = browser.page("/league")
    assert by_id(page, "league-off") == "Leagues are not running here at the moment."
    assert rows(page) == []


def test_the_page_runs_no_inline_script_or_style(
    db: Database, ctx: Context, signed_in: SignedIn
) -> None:
    earn(db, ctx, learner(db, ctx, "ana"), 1)

    page = signed_in("ana").page("/league")

    assert "<style" not in page and " style=" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (5 * 86400 + 12 * 3600, "5 days 12 hours"),
        (86400 + 59 * 60, "1 day"),
        (2 * 86400 + 3600, "2 days 1 hour"),
        (3 * 3600 + 60, "3 hours 1 minute"),
        (3600, "1 hour"),
        (40 * 60 + 59, "40 minutes"),
        (59, "under a minute"),
    ],
)
def test_the_time_left_reads_in_days_and_hours_then_hours_and_minutes(
    seconds: int, said: str
) -> None:
    assert week_left(seconds) == said


def test_ranks_read_as_ordinals() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st",
        "111th",
    ]  # fmt: skip


def test_a_learner_blocked_after_the_two_were_placed_together_is_nameless(
    db: Database, ctx: Context, signed_in: SignedIn
) -> None:
    ana, ben = learner(db, ctx, "ana"), learner(db, ctx, "ben")
    earn(db, ctx, ana, 2)
    earn(db, ctx, ben, 1)
    with db.transaction() as session:
        blocks.block(session, ctx, ben, username="ana")

    page = signed_in("ben").page("/league")

    assert [row[:3] for row in rows(page)] == [
        ("1", "Hidden learner", "20 XP"),
        ("2", "Ben You", "10 XP"),
    ]
    assert 'href="/learners/ana"' not in page
