"""The own profile (names, time zone, avatar, privacy) and other learners' profiles, shown as
the privacy rules allow."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Learner
from tests.friends.helpers import befriend, practise, sent_request
from tests.web.conftest import SignedIn
from tests.web.helpers import (
    Browser,
    badge_count,
    field_error,
    flash_of,
    form_fields,
    input_value,
    is_checked,
    text_of,
    title_of,
)

STREAKS_HIDDEN = "Become friends to see each other's streaks."


def me(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def unseen(client: TestClient, headers: dict[str, str]) -> int:
    response = client.get("/v1/me/badges/unseen-count", headers=headers)
    assert response.status_code == 200, response.text
    count: int = response.json()["unseen"]
    return count


def save(browser: Browser, **changes: str | None) -> Any:
    """Send the profile form as the page filled it, with `changes` (None: untick or leave out)."""
    fields = form_fields(browser.page("/profile"), "/profile")
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return browser.post("/profile", fields)


def header_avatar(html: str) -> str:
    match = re.search(
        r'<a href="/profile" class="me-link"[^>]*>\s*<img class="avatar" src="([^"]+)"', html
    )
    assert match is not None
    return match.group(1).replace("&amp;", "&")


class TestOwnProfile:
    def test_the_form_shows_the_profile_as_it_is(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        account = me(client, anna[1])

        page = signed_in("anna").page("/profile")

        assert input_value(page, "display_name") == "Anna K"
        assert input_value(page, "username") == "anna"
        assert input_value(page, "timezone") == "UTC"
        assert is_checked(page, "image", account["avatar"]["image"])
        assert is_checked(page, "character_color", account["avatar"]["character_color"])
        assert is_checked(page, "discoverable") and is_checked(page, "accept_requests")
        assert "anna@example.com" in page  # the owner's own address, for the owner only

    def test_saving_the_form_unchanged_changes_nothing_and_awards_nothing(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        before = me(client, anna[1])
        browser = signed_in("anna")

        page = browser.follow(save(browser))

        assert flash_of(page) == ("Your profile is saved.", False)
        assert me(client, anna[1]) == before
        assert badge_count(page) == 0

    def test_saving_only_privacy_settings_awards_no_badge(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")

        page = browser.follow(save(browser, discoverable=None, accept_requests=None))

        assert not is_checked(page, "discoverable")
        assert not is_checked(page, "accept_requests")
        assert me(client, anna[1])["social"] == {"discoverable": False, "accept_requests": False}
        assert badge_count(page) == 0
        assert unseen(client, anna[1]) == 0
        assert 'href="/learners/anna"' not in signed_in("bob").page("/friends?q=ann")

    def test_a_new_display_name_shows_everywhere_and_earns_a_badge(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")

        page = browser.follow(save(browser, display_name="Anna Karenina"))

        assert input_value(page, "display_name") == "Anna Karenina"
        assert "<span>Anna Karenina</span>" in page  # the header
        assert badge_count(page) == 1
        assert "Made It Yours" in browser.page("/badges")

    def test_a_new_avatar_shows_in_the_header_and_earns_a_badge(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")

        page = browser.follow(
            save(browser, image="owl", character_color="#8e24aa", background_color="#FFF9C7")
        )

        assert header_avatar(page) == "/v1/avatars/owl.svg?character=8E24AA&background=FFF9C7"
        assert client.get(header_avatar(page)).status_code == 200
        assert me(client, anna[1])["avatar"] == {
            "image": "owl",
            "character_color": "#8E24AA",
            "background_color": "#FFF9C7",
        }
        assert badge_count(page) == 1

    def test_a_new_username_is_the_address_of_the_public_profile(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")

        browser.follow(save(browser, username="anna_k"))

        assert title_of(browser.page("/learners/anna_k")) == "Anna K"
        assert browser.get("/learners/anna").status_code == 404

    @pytest.mark.parametrize(
        ("changes", "status", "field", "message"),
        [
            ({"username": "bob"}, 409, "username", "'bob' is already taken"),
            ({"username": "a b"}, 422, "username", ""),
            ({"display_name": ""}, 422, "display_name", "1 to"),
            ({"timezone": "Mars/Olympus"}, 422, "timezone", "not an IANA time zone"),
            ({"image": "unicorn"}, 422, "avatar", "'unicorn' is not in the avatar catalog"),
            ({"character_color": "#123456"}, 422, "avatar", "catalog's colours"),
            ({"background_color": "red"}, 422, "avatar", ""),
        ],
    )
    def test_a_refusal_is_shown_in_place_keeping_what_was_typed_and_saving_nothing(
        self,
        client: TestClient,
        anna: Learner,
        bob: Learner,
        signed_in: SignedIn,
        changes: dict[str, str],
        status: int,
        field: str,
        message: str,
    ) -> None:
        before = me(client, anna[1])
        browser = signed_in("anna")

        response = save(browser, **{"display_name": "Typed but not saved", **changes})

        assert response.status_code == status
        error = field_error(response.text, field)
        assert error is not None and message in error
        expected_name = changes.get("display_name", "Typed but not saved")
        assert input_value(response.text, "display_name") == expected_name
        for name, value in changes.items():
            if name in ("username", "timezone", "display_name"):
                assert input_value(response.text, name) == value
        assert me(client, anna[1]) == before
        assert unseen(client, anna[1]) == 0


class TestOtherLearners:
    def test_a_stranger_sees_name_avatar_and_badges_but_no_streaks(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        practise(client, anna[1], "es")
        practise(client, anna[1], "fr")

        page = signed_in("bob").page("/learners/anna")

        assert title_of(page) == "Anna K"
        assert 'alt="Avatar of Anna K"' in page
        assert "Two Tongues" in text_of(page)
        assert STREAKS_HIDDEN in page
        assert "Spanish" not in text_of(page)
        assert "anna@example.com" not in page
        assert "Add friend" in page

    def test_a_friend_sees_streaks_and_the_friend_streak(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        practise(client, anna[1], "es")
        practise(client, bob[1], "es")

        page = text_of(signed_in("bob").page("/learners/anna"))

        assert "Your friend streak" in page
        assert "Spanish: 1 day (best 1)" in page
        assert STREAKS_HIDDEN not in page
        assert "Friends since 10 Mar 2026" in page
        assert "Anna K's friends" in page and "Bob @bob" in page

    def test_a_request_can_be_answered_on_the_senders_profile(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        sent_request(client, anna[1], "bob")
        browser = signed_in("bob")
        page = browser.page("/learners/anna")
        assert "Asked to be your friend" in text_of(page)
        accept = re.search(r'action="(/friends/requests/\d+/accept)"', page)
        assert accept is not None

        after = browser.submit(accept.group(1), {"back": "/learners/anna"})

        assert title_of(after) == "Anna K"
        assert "Your friend streak" in text_of(after)

    def test_your_own_profile_offers_editing(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        practise(client, anna[1], "es")

        page = signed_in("anna").page("/learners/anna")

        assert 'href="/profile">Edit your profile' in page
        assert "Spanish: 1 day" in text_of(page)
        assert "/block" not in page

    @pytest.mark.parametrize("blocker", ["anna", "bob"])
    def test_a_blocked_pair_do_not_exist_for_each_other(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn, blocker: str
    ) -> None:
        headers, other = (anna[1], "bob") if blocker == "anna" else (bob[1], "anna")
        blocked = client.post("/v1/me/blocks", json={"username": other}, headers=headers)
        assert blocked.status_code == 201, blocked.text

        response = signed_in("anna").get("/learners/bob")
        unknown = signed_in("anna").get("/learners/nobody")

        assert response.status_code == unknown.status_code == 404
        assert title_of(response.text) == title_of(unknown.text)
        assert "Bob" not in text_of(response.text.split("<main")[1])
