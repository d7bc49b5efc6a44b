"""What every page shares: signed-out visitors sent to sign in, errors as pages for browsers and
as problems for API clients, one-time messages, escaping, and the security headers."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Learner, make_settings
from tests.factories import signed_up
from tests.http import assert_problem
from tests.web.conftest import SignedIn
from tests.web.helpers import HTML, Browser, flash_of, title_of
from zeal.app import create_app
from zeal.clock import FixedClock

LEARNER_PAGES = [
    "/",
    "/friends",
    "/badges",
    "/boards",
    "/league",
    "/profile",
    "/classes",
    "/learners/anna",
]
CSP = "script-src 'self'"


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/", "/sign-in"),
        ("/friends", "/sign-in?next=%2Ffriends"),
        ("/badges", "/sign-in?next=%2Fbadges"),
        (
            "/boards?metric=streak&period=all",
            "/sign-in?next=%2Fboards%3Fmetric%3Dstreak%26period%3Dall",
        ),
        ("/league", "/sign-in?next=%2Fleague"),
        ("/profile", "/sign-in?next=%2Fprofile"),
        ("/classes/7", "/sign-in?next=%2Fclasses%2F7"),
        ("/learners/anna", "/sign-in?next=%2Flearners%2Fanna"),
    ],
)
def test_a_signed_out_browser_is_sent_to_sign_in_and_back(
    browser: Browser, path: str, target: str
) -> None:
    response = browser.get(path)

    assert (response.status_code, response.headers["location"]) == (303, target)


def test_htmx_is_told_to_go_to_sign_in_instead_of_swapping_the_page_in(browser: Browser) -> None:
    response = browser.get("/friends/search?q=an", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/sign-in?next=%2Ffriends%2Fsearch%3Fq%3Dan"
    assert response.content == b""


def test_the_sign_in_page_names_no_demo_accounts_where_there_is_no_demo_world(
    database_url: str, clock: FixedClock, db: object
) -> None:
    # The hint with the demo world loaded: tests/test_demo.py.
    app = create_app(make_settings(database_url, demo_hint=True), clock)
    with TestClient(app) as client:
        page = Browser(client).page("/sign-in")
    assert "zeal-demo" not in page


def test_a_cookie_that_is_no_session_counts_as_signed_out(
    client: TestClient, browser: Browser
) -> None:
    client.cookies.set("zeal_session", "zs_forged")

    response = browser.get("/friends")

    assert response.headers["location"] == "/sign-in?next=%2Ffriends"
    assert title_of(browser.page("/sign-in")) == "Sign in"


def test_an_api_client_gets_problems_not_pages(client: TestClient) -> None:
    assert_problem(client.get("/friends"), 401, "sign_in_required")
    assert_problem(client.get("/no-such-page"), 404, "not_found")


def test_the_api_answers_problems_even_to_a_browser(client: TestClient) -> None:
    assert_problem(client.get("/v1/me", headers=HTML), 401, "invalid_token")
    assert_problem(client.get("/v1/no-such-thing", headers=HTML), 404, "not_found")


def test_an_unknown_page_is_a_page_saying_so(browser: Browser) -> None:
    response = browser.get("/no-such-page")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert title_of(response.text) == "Page not found"
    assert 'href="/">Back to your home page' in response.text


def test_a_form_address_opened_as_a_link_is_a_page_saying_so(
    anna: Learner, signed_in: SignedIn
) -> None:
    response = signed_in("anna").get("/sign-out")

    assert response.status_code == 405
    assert title_of(response.text) == "That does not work here"


def test_a_message_after_a_form_shows_once(
    client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
) -> None:
    browser = signed_in("anna")
    browser.page("/friends")
    response = browser.post("/friends/requests", {"username": "bob", "back": "/friends"})

    first = browser.follow(response)
    again = browser.page("/friends")

    assert flash_of(first) == ("Friend request sent to bob.", False)
    assert flash_of(again) is None


def test_what_learners_type_is_shown_as_text_never_run(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    signed_up(client, username="mallory", display_name='<script>alert("hi")</script>')
    browser = signed_in("anna")

    browser.page("/friends")
    refused = browser.post("/friends/requests", {"username": "<b>x</b>", "back": "/friends"})
    pages = [
        browser.follow(refused),
        browser.page("/learners/mallory"),
        browser.page("/friends?q=mall"),
    ]

    for page in pages:
        assert "<script>alert" not in page
        assert "<b>" not in page
    assert flash_of(pages[0]) == ("No learner is called '<b>x</b>'.", True)
    assert "&lt;b&gt;x&lt;/b&gt;" in pages[0]
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;" in pages[1]


@pytest.mark.parametrize("path", LEARNER_PAGES)
def test_every_learner_page_carries_the_security_headers(
    anna: Learner, signed_in: SignedIn, path: str
) -> None:
    response = signed_in("anna").get(path)

    assert response.status_code == 200
    headers = response.headers
    assert CSP in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/sign-in", "/sign-up", "/no-such-page"])
def test_signed_out_and_error_pages_carry_them_too(browser: Browser, path: str) -> None:
    response = browser.get(path)

    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_pictures_may_be_cached_while_pages_may_not(client: TestClient) -> None:
    response = client.get("/v1/avatars/fox.svg")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert "content-security-policy" not in response.headers
