"""The accounts API as a client sees it: sign-up, sign-in, sessions, the own account, avatars."""

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.conftest import START
from tests.factories import PASSWORD, auth, sign_up, signed_up
from tests.http import assert_problem, instant
from zeal.clock import FixedClock
from zeal.config import Settings

GENERATED = re.compile(r"^[a-z]+_[a-z]+\d{4}$")
HEX_COLOUR = re.compile(r"^#[0-9A-F]{6}$")
ME_FIELDS = {
    "id",
    "username",
    "display_name",
    "email",
    "timezone",
    "avatar",
    "social",
    "daily_goal_xp",
    "leagues",
    "created_at",
}


def me(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> Response:
    return client.post("/v1/sessions", json={"login": login, "password": password})


def catalog(client: TestClient) -> dict[str, Any]:
    response = client.get("/v1/avatars")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_no_account(client: TestClient, login: str, password: str = PASSWORD) -> None:
    """A refused sign-up left nothing behind: nobody can sign in with what it sent."""
    assert_problem(sign_in(client, login, password), 401, "invalid_credentials")


class TestSignUp:
    def test_with_email_and_password_only_everything_else_is_made_up(
        self, client: TestClient
    ) -> None:
        # B23: every sign-up gets the same defaults (a name and a full avatar).
        response = client.post("/v1/users", json={"email": "ada@example.com", "password": PASSWORD})

        assert response.status_code == 201, response.text
        user = response.json()
        assert set(user) == ME_FIELDS
        assert GENERATED.match(user["username"]), user["username"]
        assert user["display_name"] == user["username"]
        assert user["timezone"] == "UTC"
        assert user["email"] == "ada@example.com"
        assert user["social"] == {"discoverable": True, "accept_requests": True}
        assert instant(user["created_at"]) == START
        options = catalog(client)
        assert user["avatar"]["image"] in {image["name"] for image in options["images"]}
        assert user["avatar"]["character_color"] in options["character_colors"]
        assert user["avatar"]["background_color"] in options["background_colors"]

    def test_generated_usernames_differ_between_learners(self, client: TestClient) -> None:
        names = {sign_up(client)["username"] for _ in range(5)}
        assert len(names) == 5

    def test_chosen_username_display_name_and_timezone_are_kept(self, client: TestClient) -> None:
        user = sign_up(
            client, username="AnnaK", display_name="  Anna   K ", timezone="Europe/Copenhagen"
        )

        assert user["username"] == "AnnaK"
        assert user["display_name"] == "Anna K"
        assert user["timezone"] == "Europe/Copenhagen"

    def test_the_new_learner_can_sign_in_and_sees_the_same_account(
        self, client: TestClient
    ) -> None:
        user = sign_up(client, username="ada", display_name="Ada")

        assert me(client, auth(client, user["email"])) == user
        assert me(client, auth(client, "ada")) == user

    def test_email_is_stored_lower_case(self, client: TestClient) -> None:
        user = sign_up(client, email="Ada.Lovelace@Example.COM")
        assert user["email"] == "ada.lovelace@example.com"

    def test_an_email_taken_in_any_case_is_refused(self, client: TestClient) -> None:
        first = sign_up(client, email="ada@example.com")

        response = client.post(
            "/v1/users",
            json={"email": "ADA@Example.com", "password": "another password", "username": "ada2"},
        )

        assert_problem(response, 409, "email_taken")
        assert_no_account(client, "ada@example.com", "another password")
        assert_no_account(client, "ada2", "another password")
        assert me(client, auth(client, "ada@example.com")) == first

    def test_a_password_of_eight_characters_is_enough(self, client: TestClient) -> None:
        user = sign_up(client, password="12345678")
        assert me(client, auth(client, user["email"], "12345678"))["id"] == user["id"]

    @pytest.mark.parametrize("password", ["", "1234567", "short"])
    def test_a_password_under_eight_characters_is_refused(
        self, client: TestClient, password: str
    ) -> None:
        response = client.post("/v1/users", json={"email": "ada@example.com", "password": password})

        assert_problem(response, 422, "password_too_weak")
        assert_no_account(client, "ada@example.com", password)

    def test_a_password_over_256_characters_is_refused(self, client: TestClient) -> None:
        password = "p" * 257
        response = client.post("/v1/users", json={"email": "ada@example.com", "password": password})

        assert_problem(response, 422, "password_too_weak")
        assert_no_account(client, "ada@example.com", password)

    @pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "europe/copenhagen", "CEST"])
    def test_an_unknown_timezone_is_refused(self, client: TestClient, timezone: str) -> None:
        response = client.post(
            "/v1/users",
            json={"email": "ada@example.com", "password": PASSWORD, "timezone": timezone},
        )

        assert_problem(response, 422, "timezone_invalid")
        assert_no_account(client, "ada@example.com")

    def test_an_empty_timezone_is_refused_as_it_is_on_a_profile_change(
        self, client: TestClient
    ) -> None:
        # Leaving the field out means UTC; sending "" is a wrong value, as PATCH /v1/me says.
        _, headers = signed_up(client)
        patched = client.patch("/v1/me", json={"timezone": ""}, headers=headers)
        assert_problem(patched, 422, "timezone_invalid")

        response = client.post(
            "/v1/users", json={"email": "ada@example.com", "password": PASSWORD, "timezone": ""}
        )

        assert_problem(response, 422, "timezone_invalid")
        assert_no_account(client, "ada@example.com")

    @pytest.mark.parametrize("username", ["ab", "a" * 31, "anna-k", "anna.k", "anna k", "josé"])
    def test_an_invalid_username_is_refused(self, client: TestClient, username: str) -> None:
        response = client.post(
            "/v1/users",
            json={"email": "ada@example.com", "password": PASSWORD, "username": username},
        )

        assert_problem(response, 422, "username_invalid")
        assert_no_account(client, "ada@example.com")

    @pytest.mark.parametrize("username", ["admin", "Admin", "SUPPORT", "Root", "zeal"])
    def test_a_reserved_username_is_refused_in_any_case(
        self, client: TestClient, username: str
    ) -> None:
        response = client.post(
            "/v1/users",
            json={"email": "ada@example.com", "password": PASSWORD, "username": username},
        )

        assert_problem(response, 422, "username_reserved")
        assert_no_account(client, "ada@example.com")
        assert_no_account(client, username)

    @pytest.mark.parametrize("display_name", ["", "   ", "x" * 51, "Ada\x00Lovelace"])
    def test_an_invalid_display_name_is_refused(
        self, client: TestClient, display_name: str
    ) -> None:
        response = client.post(
            "/v1/users",
            json={"email": "ada@example.com", "password": PASSWORD, "display_name": display_name},
        )

        assert_problem(response, 422, "display_name_invalid")
        assert_no_account(client, "ada@example.com")

    def test_a_display_name_of_fifty_characters_is_kept(self, client: TestClient) -> None:
        assert sign_up(client, display_name="x" * 50)["display_name"] == "x" * 50

    @pytest.mark.parametrize(
        "extra",
        [
            {"email": "not-an-email"},
            {"email": "ada@"},
            {"is_admin": True},
            {"avatar": {"image": "fox"}},
        ],
    )
    def test_a_malformed_request_is_refused(
        self, client: TestClient, extra: dict[str, Any]
    ) -> None:
        body = {"email": "ada@example.com", "password": PASSWORD, **extra}

        response = client.post("/v1/users", json=body)

        problem = assert_problem(response, 422, "validation_error")
        assert problem["errors"]
        assert_no_account(client, "ada@example.com")

    def test_a_missing_password_is_refused(self, client: TestClient) -> None:
        response = client.post("/v1/users", json={"email": "ada@example.com"})

        problem = assert_problem(response, 422, "validation_error")
        assert ["body", "password"] in [error["loc"] for error in problem["errors"]]


class TestUsernames:
    def test_stored_with_the_case_typed_and_found_in_any_case(self, client: TestClient) -> None:
        user = sign_up(client, username="AnnaK")

        for login in ("AnnaK", "annak", "ANNAK", "  annaK "):
            response = sign_in(client, login)
            assert response.status_code == 201, response.text
            assert response.json()["user"]["username"] == "AnnaK"
            assert response.json()["user"]["id"] == user["id"]

    def test_surrounding_spaces_are_dropped(self, client: TestClient) -> None:
        assert sign_up(client, username="  Anna ")["username"] == "Anna"

    @pytest.mark.parametrize("second", ["anna", "ANNA", "aNNa", " Anna "])
    def test_unique_whatever_the_case_at_sign_up(self, client: TestClient, second: str) -> None:
        # B19: uniqueness ignores case on every backend, not only under a MySQL collation.
        first = sign_up(client, username="Anna")

        response = client.post(
            "/v1/users",
            json={"email": "other@example.com", "password": PASSWORD, "username": second},
        )

        assert_problem(response, 409, "username_taken")
        assert_no_account(client, "other@example.com")
        assert sign_in(client, "anna").json()["user"]["id"] == first["id"]

    def test_unique_whatever_the_case_when_renaming(self, client: TestClient) -> None:
        sign_up(client, username="anna")
        bob, headers = signed_up(client, username="bob", display_name="Bob")

        response = client.patch(
            "/v1/me", json={"username": "ANNA", "display_name": "Anna?"}, headers=headers
        )
        assert_problem(response, 409, "username_taken")
        assert me(client, headers) == bob

    def test_a_learner_may_change_the_case_of_their_own_username(self, client: TestClient) -> None:
        # B19: a learner could not change the case of their own name.
        user, headers = signed_up(client, username="anna")

        response = client.patch("/v1/me", json={"username": "ANNA"}, headers=headers)

        assert response.status_code == 200, response.text
        assert response.json()["username"] == "ANNA"
        assert me(client, headers)["username"] == "ANNA"
        assert sign_in(client, "anna").json()["user"]["id"] == user["id"]

    def test_sending_the_same_username_again_is_fine(self, client: TestClient) -> None:
        user, headers = signed_up(client, username="anna")

        response = client.patch("/v1/me", json={"username": "anna"}, headers=headers)

        assert response.status_code == 200, response.text
        assert response.json() == user

    def test_a_renamed_learner_signs_in_with_the_new_name_and_frees_the_old_one(
        self, client: TestClient
    ) -> None:
        user, headers = signed_up(client, username="anna")

        response = client.patch("/v1/me", json={"username": "Hanna"}, headers=headers)

        assert response.status_code == 200, response.text
        assert_no_account(client, "anna")
        assert sign_in(client, "hanna").json()["user"]["id"] == user["id"]
        assert sign_up(client, username="ANNA")["username"] == "ANNA"

    @pytest.mark.parametrize(
        ("username", "code"),
        [
            ("Admin", "username_reserved"),
            ("support", "username_reserved"),
            ("a-b", "username_invalid"),
        ],
    )
    def test_renaming_to_a_refused_name_changes_nothing(
        self, client: TestClient, username: str, code: str
    ) -> None:
        # B21: a username change once skipped the length and character checks.
        user, headers = signed_up(client, username="anna")

        response = client.patch(
            "/v1/me", json={"username": username, "display_name": "Changed"}, headers=headers
        )

        assert_problem(response, 422, code)
        assert me(client, headers) == user


class TestSignIn:
    @pytest.mark.parametrize("login", ["ada@example.com", "ADA@Example.Com", "Ada", "ADA"])
    def test_with_email_or_username_in_any_case(self, client: TestClient, login: str) -> None:
        user = sign_up(client, email="ada@example.com", username="Ada")

        response = sign_in(client, login)

        assert response.status_code == 201, response.text
        session = response.json()
        assert session["token_type"] == "bearer"
        assert session["token"]
        assert session["user"] == user
        assert instant(session["expires_at"]) == START + timedelta(days=90)

    def test_each_sign_in_gives_a_new_token(self, client: TestClient) -> None:
        user = sign_up(client)
        tokens = {sign_in(client, user["username"]).json()["token"] for _ in range(3)}
        assert len(tokens) == 3

    def test_the_token_opens_the_account(self, client: TestClient) -> None:
        user = sign_up(client)
        token = sign_in(client, user["email"]).json()["token"]

        assert me(client, {"Authorization": f"Bearer {token}"}) == user

    @pytest.mark.parametrize(
        ("login", "password"),
        [
            ("ada@example.com", "wrong password"),
            ("ada", "wrong password"),
            ("ada", PASSWORD.upper()),
            ("nobody@example.com", PASSWORD),
            ("nobody", PASSWORD),
        ],
    )
    def test_wrong_password_and_unknown_login_look_the_same(
        self, client: TestClient, login: str, password: str
    ) -> None:
        sign_up(client, email="ada@example.com", username="ada")

        response = sign_in(client, login, password)

        problem = assert_problem(response, 401, "invalid_credentials")
        assert response.headers["www-authenticate"] == "Bearer"
        assert problem["detail"] == "The login or the password is wrong."
        assert "token" not in problem

    def test_session_length_follows_the_settings(
        self, client: TestClient, settings: Settings
    ) -> None:
        user = sign_up(client)
        session = sign_in(client, user["username"]).json()
        assert instant(session["expires_at"]) == START + timedelta(days=settings.session_days)


class TestSessions:
    def test_signing_out_ends_only_that_session(self, client: TestClient) -> None:
        user, headers = signed_up(client)
        other = auth(client, user["username"])

        response = client.delete("/v1/sessions/current", headers=headers)

        assert response.status_code == 204
        assert response.content == b""
        assert_problem(client.get("/v1/me", headers=headers), 401, "invalid_token")
        assert me(client, other) == user

    def test_signing_out_twice_is_refused_the_second_time(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        assert client.delete("/v1/sessions/current", headers=headers).status_code == 204

        response = client.delete("/v1/sessions/current", headers=headers)

        assert_problem(response, 401, "invalid_token")

    def test_a_token_works_until_it_expires(
        self, client: TestClient, clock: FixedClock, settings: Settings
    ) -> None:
        user, headers = signed_up(client)

        clock.advance(timedelta(days=settings.session_days) - timedelta(minutes=1))
        assert me(client, headers) == user

        clock.advance(timedelta(minutes=2))
        response = client.get("/v1/me", headers=headers)
        assert_problem(response, 401, "invalid_token")
        assert response.headers["www-authenticate"] == "Bearer"
        assert me(client, auth(client, user["username"])) == user

    def test_an_expired_token_cannot_sign_out(
        self, client: TestClient, clock: FixedClock, settings: Settings
    ) -> None:
        _, headers = signed_up(client)
        clock.advance(timedelta(days=settings.session_days, seconds=1))

        assert_problem(client.delete("/v1/sessions/current", headers=headers), 401, "invalid_token")

    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"Authorization": "Bearer zs_not-a-real-token"},
            {"Authorization": "Bearer "},
            {"Authorization": "Basic YWRhOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ=="},
        ],
    )
    def test_without_a_valid_token_the_account_is_closed(
        self, client: TestClient, headers: dict[str, str]
    ) -> None:
        sign_up(client, username="ada")

        for response in (
            client.get("/v1/me", headers=headers),
            client.patch("/v1/me", json={"display_name": "Hacked"}, headers=headers),
            client.delete("/v1/sessions/current", headers=headers),
        ):
            assert_problem(response, 401, "invalid_token")
            assert response.headers["www-authenticate"] == "Bearer"
        assert me(client, auth(client, "ada"))["display_name"] == "ada"


class TestMe:
    def test_shows_the_own_account_with_email(self, client: TestClient) -> None:
        _, headers = signed_up(client, email="ada@example.com", username="ada")

        response = client.get("/v1/me", headers=headers)

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert set(body) == ME_FIELDS
        assert (body["email"], body["username"]) == ("ada@example.com", "ada")

    def test_only_the_fields_sent_change(self, client: TestClient) -> None:
        user, headers = signed_up(client, username="ada", display_name="Ada")

        response = client.patch("/v1/me", json={"display_name": "Countess"}, headers=headers)

        assert response.status_code == 200, response.text
        assert response.json() == {**user, "display_name": "Countess"}
        assert me(client, headers) == {**user, "display_name": "Countess"}

    def test_changing_the_timezone(self, client: TestClient) -> None:
        user, headers = signed_up(client)

        response = client.patch("/v1/me", json={"timezone": "America/New_York"}, headers=headers)

        assert response.status_code == 200, response.text
        assert me(client, headers) == {**user, "timezone": "America/New_York"}

    def test_changing_everything_at_once(self, client: TestClient) -> None:
        user, headers = signed_up(client)
        body = {
            "display_name": "  Ada   Lovelace ",
            "username": "Ada_L",
            "timezone": "Asia/Tokyo",
            "avatar": {"image": "owl", "character_color": "#0d1a63", "background_color": "#fff9c7"},
        }

        response = client.patch("/v1/me", json=body, headers=headers)

        assert response.status_code == 200, response.text
        expected = {
            **user,
            "display_name": "Ada Lovelace",
            "username": "Ada_L",
            "timezone": "Asia/Tokyo",
            "avatar": {"image": "owl", "character_color": "#0D1A63", "background_color": "#FFF9C7"},
        }
        assert response.json() == expected
        assert me(client, headers) == expected

    @pytest.mark.parametrize("body", [{}, {"display_name": None, "avatar": None}, {"avatar": {}}])
    def test_sending_nothing_changes_nothing(
        self, client: TestClient, body: dict[str, Any]
    ) -> None:
        user, headers = signed_up(client)

        response = client.patch("/v1/me", json=body, headers=headers)

        assert response.status_code == 200, response.text
        assert response.json() == user
        assert me(client, headers) == user

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"display_name": "New", "timezone": "Mars/Olympus_Mons"}, "timezone_invalid"),
            ({"display_name": "New", "username": "ab"}, "username_invalid"),
            ({"display_name": "New", "username": "SUPPORT"}, "username_reserved"),
            ({"display_name": "   ", "timezone": "Europe/Paris"}, "display_name_invalid"),
            ({"display_name": "x" * 51, "username": "new_name"}, "display_name_invalid"),
            ({"timezone": "Europe/Paris", "avatar": {"image": "unicorn"}}, "avatar_invalid"),
            ({"display_name": "New", "avatar": {"character_color": "#123456"}}, "avatar_invalid"),
            ({"display_name": "New", "avatar": {"background_color": "#000000"}}, "avatar_invalid"),
            ({"display_name": "New", "avatar": {"background_color": "red"}}, "validation_error"),
            ({"display_name": "New", "avatar": {"character_color": "#FFF"}}, "validation_error"),
            ({"display_name": "New", "email": "new@example.com"}, "validation_error"),
            ({"display_name": "New", "avatar": {"image": "fox", "hat": "top"}}, "validation_error"),
        ],
    )
    def test_a_refused_change_changes_nothing(
        self, client: TestClient, body: dict[str, Any], code: str
    ) -> None:
        user, headers = signed_up(client, display_name="Old")

        response = client.patch("/v1/me", json=body, headers=headers)

        assert_problem(response, 422, code)
        assert me(client, headers) == user

    def test_email_cannot_be_changed_here(self, client: TestClient) -> None:
        _, headers = signed_up(client, email="ada@example.com")

        client.patch("/v1/me", json={"email": "new@example.com"}, headers=headers)

        assert_no_account(client, "new@example.com")
        assert me(client, auth(client, "ada@example.com"))["email"] == "ada@example.com"


class TestAvatars:
    def test_the_catalog_needs_no_sign_in(self, client: TestClient) -> None:
        response = client.get("/v1/avatars")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert set(body) == {"images", "character_colors", "background_colors"}
        assert body["images"]
        for image in body["images"]:
            assert set(image) == {"name", "alt"}
            assert image["name"] and image["alt"]
        names = [image["name"] for image in body["images"]]
        assert len(set(names)) == len(names)
        for colour in (*body["character_colors"], *body["background_colors"]):
            assert HEX_COLOUR.match(colour), colour

    def test_changing_only_the_character_colour_keeps_image_and_background(
        self, client: TestClient
    ) -> None:
        # Upstream bug B22: a partial avatar update used to reset the rest of the avatar.
        user, headers = signed_up(client)
        before = user["avatar"]
        colour = next(
            c for c in catalog(client)["character_colors"] if c != before["character_color"]
        )

        response = client.patch(
            "/v1/me", json={"avatar": {"character_color": colour}}, headers=headers
        )

        assert response.status_code == 200, response.text
        expected = {**before, "character_color": colour}
        assert response.json()["avatar"] == expected
        assert me(client, headers) == {**user, "avatar": expected}

    def test_changing_only_the_background_keeps_image_and_character_colour(
        self, client: TestClient
    ) -> None:
        user, headers = signed_up(client)
        before = user["avatar"]
        colour = next(
            c for c in catalog(client)["background_colors"] if c != before["background_color"]
        )

        response = client.patch(
            "/v1/me", json={"avatar": {"background_color": colour}}, headers=headers
        )

        assert response.status_code == 200, response.text
        assert me(client, headers)["avatar"] == {**before, "background_color": colour}

    def test_changing_only_the_image_keeps_the_colours(self, client: TestClient) -> None:
        user, headers = signed_up(client)
        before = user["avatar"]
        image = next(i["name"] for i in catalog(client)["images"] if i["name"] != before["image"])

        response = client.patch("/v1/me", json={"avatar": {"image": image}}, headers=headers)

        assert response.status_code == 200, response.text
        assert me(client, headers)["avatar"] == {**before, "image": image}

    def test_any_character_colour_goes_with_any_background(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        options = catalog(client)
        avatar = {
            "character_color": options["character_colors"][0],
            "background_color": options["background_colors"][-1],
        }

        response = client.patch("/v1/me", json={"avatar": avatar}, headers=headers)

        assert response.status_code == 200, response.text
        assert me(client, headers)["avatar"] | avatar == me(client, headers)["avatar"]

    def test_colours_ignore_case_and_are_stored_upper_case(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        options = catalog(client)
        character = options["character_colors"][1]
        background = options["background_colors"][2]
        avatar = {"character_color": character.lower(), "background_color": background.lower()}

        response = client.patch("/v1/me", json={"avatar": avatar}, headers=headers)

        assert response.status_code == 200, response.text
        stored = me(client, headers)["avatar"]
        assert (stored["character_color"], stored["background_color"]) == (character, background)

    @pytest.mark.parametrize(
        ("avatar", "field"),
        [
            ({"character_color": "#123456"}, "character_color"),
            ({"background_color": "#ABCDEF"}, "background_color"),
        ],
    )
    def test_a_colour_outside_the_catalog_is_refused(
        self, client: TestClient, avatar: dict[str, str], field: str
    ) -> None:
        user, headers = signed_up(client)

        response = client.patch("/v1/me", json={"avatar": avatar}, headers=headers)

        problem = assert_problem(response, 422, "avatar_invalid")
        assert problem["field"] == field
        assert me(client, headers) == user

    @pytest.mark.parametrize("image", ["unicorn", "Fox", "", "fox.png"])
    def test_an_image_outside_the_catalog_is_refused(self, client: TestClient, image: str) -> None:
        user, headers = signed_up(client)

        response = client.patch("/v1/me", json={"avatar": {"image": image}}, headers=headers)

        assert_problem(response, 422, "avatar_invalid")
        assert me(client, headers) == user

    @pytest.mark.parametrize("colour", ["red", "#FFF", "F6D110", "#F6D1100", "#GGGGGG", ""])
    def test_a_colour_that_is_not_rrggbb_is_malformed(
        self, client: TestClient, colour: str
    ) -> None:
        user, headers = signed_up(client)

        response = client.patch(
            "/v1/me", json={"avatar": {"character_color": colour}}, headers=headers
        )

        problem = assert_problem(response, 422, "validation_error")
        assert ["body", "avatar", "character_color"] in [e["loc"] for e in problem["errors"]]
        assert me(client, headers) == user


class TestProtocolErrors:
    @pytest.mark.parametrize("path", ["/v1/nope", "/v1/users/me/nothing", "/nothing"])
    def test_an_unknown_route_is_a_problem(self, client: TestClient, path: str) -> None:
        assert_problem(client.get(path), 404, "not_found")

    def test_malformed_json_at_sign_up_creates_nothing(self, client: TestClient) -> None:
        response = client.post(
            "/v1/users",
            content=f'{{"email": "ada@example.com", "password": "{PASSWORD}",',
            headers={"Content-Type": "application/json"},
        )

        assert_problem(response, 400, "malformed_json")
        assert_no_account(client, "ada@example.com")

    def test_malformed_json_at_sign_in(self, client: TestClient) -> None:
        user = sign_up(client)

        response = client.post(
            "/v1/sessions",
            content=f'{{"login": "{user["username"]}", "password": ',
            headers={"Content-Type": "application/json"},
        )

        assert_problem(response, 400, "malformed_json")

    def test_malformed_json_on_a_profile_change_changes_nothing(self, client: TestClient) -> None:
        user, headers = signed_up(client)

        response = client.patch(
            "/v1/me",
            content='{"display_name": "New"',
            headers={**headers, "Content-Type": "application/json"},
        )

        assert_problem(response, 400, "malformed_json")
        assert me(client, headers) == user


def test_the_openapi_document_declares_the_refusals_of_accounts(client: TestClient) -> None:
    # Found by the fuzzer: these answers were missing from /openapi.json.
    _, headers = signed_up(client, username="anna", email="anna@example.com")
    sign_up(client, username="bob")
    refusals = [
        (
            client.post("/v1/users", json={"email": "anna@example.com", "password": PASSWORD}),
            ("post", "/v1/users", 409, "email_taken"),
        ),
        (
            client.post("/v1/sessions", json={"login": "anna", "password": "not the password"}),
            ("post", "/v1/sessions", 401, "invalid_credentials"),
        ),
        (
            client.patch("/v1/me", json={"username": "bob"}, headers=headers),
            ("patch", "/v1/me", 409, "username_taken"),
        ),
        (
            client.get("/v1/avatars/no_such_animal.svg"),
            ("get", "/v1/avatars/{image}.svg", 404, "avatar_not_found"),
        ),
    ]
    paths = client.get("/openapi.json").json()["paths"]
    for response, (method, path, status, code) in refusals:
        assert_problem(response, status, code)
        declared = paths[path][method]["responses"][str(status)]
        assert "application/problem+json" in declared["content"]
