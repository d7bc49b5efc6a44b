"""Signing up, in and out in the browser: the session cookie, where sign-in leads, and forms
that are refused in place without creating anything."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import PASSWORD, auth, sign_up
from tests.friends.helpers import pending
from tests.http import assert_problem
from tests.web.conftest import NewBrowser
from tests.web.helpers import (
    Browser,
    cookie_attributes,
    field_error,
    flash_of,
    form_error,
    form_fields,
    input_value,
    set_cookie,
    title_of,
)
from zeal.clock import FixedClock

NINETY_DAYS = 90 * 86_400


def sign_up_form(**fields: str) -> dict[str, str]:
    form = {
        "display_name": "Ada Lovelace",
        "email": "ada@example.com",
        "username": "ada",
        "password": PASSWORD,
        "timezone": "Europe/London",
    }
    form.update(fields)
    return form


def sign_in_works(client: TestClient, login: str, password: str = PASSWORD) -> bool:
    response = client.post("/v1/sessions", json={"login": login, "password": password})
    if response.status_code == 201:
        return True
    assert_problem(response, 401, "invalid_credentials")
    return False


def me(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestSignUp:
    def test_a_new_learner_lands_on_home_signed_in(
        self, client: TestClient, browser: Browser
    ) -> None:
        browser.get("/sign-up")

        response = browser.post("/sign-up", sign_up_form())

        assert response.headers["location"] == "/"
        assert set_cookie(response, "zeal_session") is not None
        home = browser.follow(response)
        assert "Hello, Ada Lovelace" in home
        assert flash_of(home) == ("Welcome to Zeal! Your username is ada.", False)
        account = me(client, auth(client, "ada"))
        assert (account["email"], account["timezone"]) == ("ada@example.com", "Europe/London")

    def test_an_invalid_email_is_refused_beside_the_field_keeping_what_was_typed(
        self, client: TestClient, browser: Browser
    ) -> None:
        browser.get("/sign-up")

        response = browser.post("/sign-up", sign_up_form(email="not-an-address"))

        assert response.status_code == 422
        assert field_error(response.text, "email") is not None
        assert input_value(response.text, "email") == "not-an-address"
        assert input_value(response.text, "display_name") == "Ada Lovelace"
        assert input_value(response.text, "username") == "ada"
        assert input_value(response.text, "timezone") == "Europe/London"
        assert input_value(response.text, "password") == ""
        assert PASSWORD not in response.text
        assert set_cookie(response, "zeal_session") is None
        assert not sign_in_works(client, "ada")

    @pytest.mark.parametrize(
        ("fields", "status", "field", "message"),
        [
            ({"email": "taken@example.com"}, 409, "email", "already exists"),
            ({"username": "taken"}, 409, "username", "already taken"),
            ({"password": "short"}, 422, "password", "at least 8 characters"),
            ({"timezone": "Mars/Olympus"}, 422, "timezone", "not an IANA time zone"),
        ],
    )
    def test_a_refusal_is_shown_beside_its_field_and_creates_nothing(
        self,
        client: TestClient,
        browser: Browser,
        fields: dict[str, str],
        status: int,
        field: str,
        message: str,
    ) -> None:
        sign_up(client, email="taken@example.com", username="taken")
        browser.get("/sign-up")
        typed = {"email": "new@example.com", "username": "newcomer", "password": "another secret"}
        form = sign_up_form(**{**typed, **fields})

        response = browser.post("/sign-up", form)

        assert response.status_code == status
        assert message in (field_error(response.text, field) or "")
        assert input_value(response.text, "display_name") == "Ada Lovelace"
        assert input_value(response.text, "password") == ""
        assert set_cookie(response, "zeal_session") is None
        assert not sign_in_works(client, form["username"], form["password"])
        assert not sign_in_works(client, form["email"], form["password"])
        assert sign_in_works(client, "taken")  # the learner already there is untouched


class TestSignIn:
    def test_the_session_cookie_is_http_only_lax_and_lasts_ninety_days(
        self, client: TestClient, browser: Browser
    ) -> None:
        sign_up(client, username="anna")

        response = browser.sign_in("anna")

        assert (response.status_code, response.headers["location"]) == (303, "/")
        header = set_cookie(response, "zeal_session")
        assert header is not None
        attributes = cookie_attributes(header)
        assert "httponly" in attributes
        assert attributes["samesite"].lower() == "lax"
        assert attributes["max-age"] == str(NINETY_DAYS)
        assert attributes["path"] == "/"
        assert "secure" not in attributes  # plain http: a Secure cookie would never come back
        assert "Hello, anna" in browser.follow(response)

    def test_over_https_the_cookies_are_secure(
        self, client: TestClient, new_browser: NewBrowser
    ) -> None:
        sign_up(client, username="anna")
        browser = new_browser("https://testserver")

        response = browser.sign_in("anna")

        assert response.status_code == 303
        for name in ("zeal_session", "zeal_csrf"):
            header = set_cookie(response, name)
            assert header is not None
            assert "secure" in cookie_attributes(header)
        assert "Hello, anna" in browser.follow(response)

    def test_a_page_asked_for_signed_out_opens_after_signing_in(
        self, client: TestClient, browser: Browser
    ) -> None:
        sign_up(client, username="anna")

        asked = browser.get("/friends?q=bo")
        assert asked.status_code == 303
        sign_in_page = browser.page(asked.headers["location"])
        assert input_value(sign_in_page, "next") == "/friends?q=bo"
        response = browser.post(
            "/sign-in", {"login": "anna", "password": PASSWORD, "next": "/friends?q=bo"}
        )

        assert response.headers["location"] == "/friends?q=bo"
        assert title_of(browser.follow(response)) == "Friends"

    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "evil.example",
            "javascript:alert(1)",
        ],
    )
    def test_after_signing_in_it_never_leads_to_another_site(
        self, client: TestClient, browser: Browser, target: str
    ) -> None:
        sign_up(client, username="anna")

        response = browser.sign_in("anna", next=target)

        assert (response.status_code, response.headers["location"]) == (303, "/")

    @pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/evil.example/", "/\r\n/x"])
    def test_tabs_and_newlines_cannot_turn_next_into_another_site(
        self, client: TestClient, browser: Browser, target: str
    ) -> None:
        sign_up(client, username="anna")

        response = browser.sign_in("anna", next=target)

        # Browsers drop raw tabs and newlines from a URL: "/\t/evil" would be "//evil".
        location = response.headers["location"]
        assert not any(char in location for char in "\t\r\n")
        assert location.startswith("/") and not location.startswith(("//", "/\\"))

    def test_a_wrong_password_is_refused_in_place_keeping_the_login(
        self, client: TestClient, browser: Browser
    ) -> None:
        sign_up(client, username="anna")

        response = browser.sign_in("anna", password="not the password")

        assert response.status_code == 401
        assert title_of(response.text) == "Sign in"
        assert form_error(response.text) == "The login or the password is wrong."
        assert input_value(response.text, "login") == "anna"
        assert input_value(response.text, "password") == ""
        assert "not the password" not in response.text
        assert set_cookie(response, "zeal_session") is None
        assert browser.get("/").headers["location"] == "/sign-in"

    def test_signing_in_changes_the_csrf_token(self, client: TestClient, browser: Browser) -> None:
        sign_up(client, username="anna")
        browser.get("/sign-in")
        before = browser.token

        browser.signed_in("anna")

        assert before is not None and browser.token is not None
        assert browser.token != before
        assert browser.cookie("zeal_csrf") == browser.token
        refused = browser.post("/sign-out", token=before)
        assert refused.status_code == 403
        assert "Hello, anna" in browser.page("/")

    def test_a_signed_in_learner_is_not_shown_sign_in_or_sign_up_again(
        self, client: TestClient, browser: Browser
    ) -> None:
        sign_up(client, username="anna")
        browser.signed_in("anna")

        sign_in_again = browser.get("/sign-in?next=/badges")
        sign_up_again = browser.get("/sign-up")

        assert (sign_in_again.status_code, sign_in_again.headers["location"]) == (303, "/badges")
        assert (sign_up_again.status_code, sign_up_again.headers["location"]) == (303, "/")

    def test_a_session_ends_after_ninety_days(
        self, client: TestClient, browser: Browser, clock: FixedClock
    ) -> None:
        sign_up(client, username="anna")
        browser.signed_in("anna")

        clock.advance(timedelta(days=89))
        assert browser.get("/").status_code == 200
        clock.advance(timedelta(days=1))

        response = browser.get("/badges")
        assert (response.status_code, response.headers["location"]) == (
            303,
            "/sign-in?next=%2Fbadges",
        )

    def test_a_form_sent_after_the_session_ended_changes_nothing_and_leads_home(
        self, client: TestClient, browser: Browser, clock: FixedClock
    ) -> None:
        sign_up(client, username="anna")
        sign_up(client, username="bob")
        browser.signed_in("anna")
        browser.page("/friends")
        clock.advance(timedelta(days=91))

        response = browser.post("/friends/requests", {"username": "bob", "back": "/friends"})

        # No way back to a form's address (it is no page): sign in, then home.
        assert (response.status_code, response.headers["location"]) == (303, "/sign-in")
        assert pending(client, auth(client, "bob")) == []
        form = form_fields(browser.page(response.headers["location"]), "/sign-in")
        form.update(login="anna", password=PASSWORD)
        signed_in = browser.post("/sign-in", form)
        assert signed_in.headers["location"] == "/"
        assert title_of(browser.follow(signed_in)) == "Home"


class TestSignOut:
    def test_signing_out_revokes_the_session(
        self, client: TestClient, browser: Browser, new_browser: NewBrowser
    ) -> None:
        sign_up(client, username="anna")
        browser.signed_in("anna")
        token = browser.cookie("zeal_session")
        assert token is not None

        response = browser.post("/sign-out")

        assert response.headers["location"] == "/sign-in"
        signed_out = browser.follow(response)
        assert flash_of(signed_out) == ("You are signed out.", False)
        assert browser.cookie("zeal_session") is None
        assert browser.get("/").headers["location"] == "/sign-in"
        # The old cookie, kept by someone else, opens nothing either.
        stolen = new_browser()
        stolen.client.cookies.set("zeal_session", token)
        assert stolen.get("/").headers["location"] == "/sign-in"
        assert_problem(
            client.get("/v1/me", headers={"Authorization": f"Bearer {token}"}),
            401,
            "invalid_token",
        )

    def test_signing_out_ends_only_this_browsers_session(
        self, client: TestClient, browser: Browser, new_browser: NewBrowser
    ) -> None:
        sign_up(client, username="anna")
        browser.signed_in("anna")
        phone = new_browser().signed_in("anna")

        browser.post("/sign-out")

        assert "Hello, anna" in phone.page("/")
