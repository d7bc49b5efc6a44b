"""The learner's data rights in the browser: download everything, delete the account."""

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, sign_up
from tests.http import assert_problem
from tests.web.conftest import SignedIn
from tests.web.helpers import field_error, flash_of


def test_the_profile_page_offers_a_download_of_all_my_data(
    client: TestClient, signed_in: SignedIn
) -> None:
    sign_up(client, username="anna")
    browser = signed_in("anna")
    assert 'href="/profile/export"' in browser.page("/profile")
    response = browser.get("/profile/export")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="zeal-anna-')
    body = response.json()
    assert body["account"]["username"] == "anna"
    assert len(body["sessions"]) == 1


def test_a_wrong_password_is_refused_in_place_and_deletes_nothing(
    client: TestClient, signed_in: SignedIn
) -> None:
    sign_up(client, username="anna")
    browser = signed_in("anna")
    browser.page("/profile")
    response = browser.post("/profile/delete", {"password": "not it"})
    assert response.status_code == 403
    assert field_error(response.text, "password") == (
        "Type your current password to delete your account."
    )
    assert browser.get("/").status_code == 200  # still signed in, still there


def test_deleting_signs_out_and_the_account_is_gone(
    client: TestClient, signed_in: SignedIn
) -> None:
    sign_up(client, username="anna")
    browser = signed_in("anna")
    browser.page("/profile")
    response = browser.post("/profile/delete", {"password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"
    assert flash_of(browser.follow(response)) == (
        "Your account and all its data are deleted.",
        False,
    )
    assert browser.cookie("zeal_session") is None
    refused = client.post("/v1/sessions", json={"login": "anna", "password": PASSWORD})
    assert_problem(refused, 401, "invalid_credentials")


def test_deleting_needs_the_pages_csrf_token(client: TestClient, signed_in: SignedIn) -> None:
    sign_up(client, username="anna")
    browser = signed_in("anna")
    response = browser.post("/profile/delete", {"password": PASSWORD}, token="forged")
    assert response.status_code == 403
    assert client.post("/v1/sessions", json={"login": "anna", "password": PASSWORD}).is_success
