"""Forms another site could forge are refused, and refused before anything changes: no token,
a wrong token, a request from another origin, or a browser saying it is cross-site."""

from collections.abc import Mapping

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Learner
from tests.friends.helpers import pending
from tests.http import assert_problem
from tests.web.conftest import SignedIn
from tests.web.helpers import HTML, Browser, cookie_attributes, set_cookie, title_of

PRACTICE = {"language": "es", "type": "reading", "minutes": "10", "idempotency_key": "k-1"}

# (what to send besides the form, whether the form carries the page's token)
FORGERIES: dict[str, tuple[Mapping[str, str], str | None]] = {
    "no token": ({}, ""),
    "wrong token": ({}, "a-token-another-site-made-up"),
    "another origin": ({"Origin": "https://evil.example"}, None),
    "cross-site fetch": ({"Sec-Fetch-Site": "cross-site"}, None),
    "opaque origin": ({"Origin": "null"}, None),
}


def post_forged(
    browser: Browser, path: str, data: Mapping[str, str], forgery: str
) -> tuple[int, str]:
    headers, token = FORGERIES[forgery]
    if token is None:  # the right token: the refusal must come from the headers alone
        response = browser.post(path, data, headers=headers)
    elif token == "":
        response = browser.client.post(path, data=data, headers=HTML, follow_redirects=False)
    else:
        response = browser.post(path, data, token=token, headers=headers)
    return response.status_code, response.text


def streak_count(client: TestClient, headers: dict[str, str]) -> int:
    response = client.get("/v1/me/streaks", headers=headers)
    assert response.status_code == 200, response.text
    return len(response.json()["streaks"])


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_friend_request_is_refused_and_sends_nothing(
    client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn, forgery: str
) -> None:
    browser = signed_in("anna")

    status, html = post_forged(
        browser, "/friends/requests", {"username": "bob", "back": "/friends"}, forgery
    )

    assert status == 403
    assert title_of(html) == "This form has expired"
    assert "nothing was changed" in html
    assert pending(client, bob[1]) == []
    assert pending(client, anna[1], "sent") == []


@pytest.mark.parametrize("forgery", ["no token", "wrong token", "another origin"])
def test_forged_practice_is_not_recorded(
    client: TestClient, anna: Learner, signed_in: SignedIn, forgery: str
) -> None:
    browser = signed_in("anna")

    status, _ = post_forged(browser, "/practice", PRACTICE, forgery)

    assert status == 403
    assert streak_count(client, anna[1]) == 0


def test_a_forged_sign_in_opens_no_session(
    client: TestClient, anna: Learner, browser: Browser
) -> None:
    browser.get("/sign-in")

    response = browser.post(
        "/sign-in", {"login": "anna", "password": "correct horse battery"}, token="made-up"
    )

    assert response.status_code == 403
    assert set_cookie(response, "zeal_session") is None
    assert browser.get("/").headers["location"] == "/sign-in"


def test_a_forged_sign_out_leaves_the_learner_signed_in(anna: Learner, signed_in: SignedIn) -> None:
    browser = signed_in("anna")

    response = browser.post("/sign-out", headers={"Origin": "http://evil.example"})

    assert response.status_code == 403
    assert "Hello, Anna K" in browser.page("/")


def test_the_same_origin_and_a_same_origin_fetch_are_let_through(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    browser = signed_in("anna")
    browser.get("/")

    response = browser.post(
        "/practice",
        PRACTICE,
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 303
    assert streak_count(client, anna[1]) == 1


def test_htmx_may_send_the_token_in_a_header_instead_of_the_form(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    browser = signed_in("anna")
    home = browser.page("/")
    assert f'"X-CSRF-Token": "{browser.token}"' in home

    response = browser.client.post(
        "/practice",
        data=PRACTICE,
        headers={**HTML, "HX-Request": "true", "X-CSRF-Token": browser.token or ""},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert streak_count(client, anna[1]) == 1


def test_the_token_on_the_page_is_the_one_in_the_http_only_cookie(browser: Browser) -> None:
    response = browser.get("/sign-in")

    header = set_cookie(response, "zeal_csrf")
    assert header is not None
    assert "httponly" in cookie_attributes(header)
    assert browser.token is not None
    assert browser.cookie("zeal_csrf") == browser.token
    # The token stays put across pages (many tabs may be open at once).
    browser.get("/sign-up")
    assert browser.cookie("zeal_csrf") == browser.token


def test_an_api_client_posting_to_a_page_gets_a_problem(client: TestClient, anna: Learner) -> None:
    response = client.post("/friends/requests", data={"username": "bob"})

    assert_problem(response, 403, "csrf_failed")
