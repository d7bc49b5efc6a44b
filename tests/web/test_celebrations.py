"""Celebrations on the pages: shown on the next page after the practice that earned them,
until the page posts back that it showed them; then never again."""

import re

from fastapi.testclient import TestClient

from tests.conftest import Learner
from tests.web.conftest import SignedIn
from tests.web.helpers import hidden_values, text_of


def practise(client: TestClient, headers: dict[str, str], language: str) -> None:
    body = {"type": "exercise", "language": language, "outcome": "correct"}
    response = client.post("/v1/me/practice-events", json=body, headers=headers)
    assert response.status_code == 201, response.text


def celebration_of(html: str) -> str | None:
    """What the celebration on a page says, or None when there is none."""
    match = re.search(r'<section class="celebration".*?</section>', html, re.DOTALL)
    return text_of(match.group(0)) if match else None


def test_a_badge_is_celebrated_on_every_page_until_marked_shown(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    browser = signed_in("anna")
    assert celebration_of(browser.page("/")) is None
    practise(client, anna[1], "es")
    practise(client, anna[1], "fr")

    boards = browser.page("/boards")
    assert celebration_of(boards) == "Well done! New badge: Two Tongues Keep going"
    assert celebration_of(browser.page("/friends")) is not None  # not marked yet
    ids = hidden_values(boards, "celebration_id")
    form = boards.split('class="celebration-seen"')[1].split("</form>")[0]
    assert hidden_values(form, "csrf_token") == [browser.token]  # the form can be sent as is

    back = browser.post("/celebrations/seen", {"celebration_id": ids, "next": "/boards"})

    assert (back.status_code, back.headers["location"]) == (303, "/boards")
    assert celebration_of(browser.follow(back)) is None
    assert celebration_of(browser.page("/")) is None


def test_the_pages_script_marks_it_without_leaving_the_page(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    browser = signed_in("anna")
    practise(client, anna[1], "es")
    practise(client, anna[1], "fr")
    ids = hidden_values(browser.page("/"), "celebration_id")

    answer = browser.post(
        "/celebrations/seen", {"celebration_id": ids}, headers={"X-Requested-With": "fetch"}
    )

    assert answer.status_code == 204
    assert celebration_of(browser.page("/")) is None


def test_another_learners_ids_and_nonsense_mark_nothing_and_next_stays_on_this_site(
    client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
) -> None:
    for learner in (anna, bob):
        practise(client, learner[1], "es")
        practise(client, learner[1], "fr")
    annas_ids = hidden_values(signed_in("anna").page("/"), "celebration_id")
    bobs = signed_in("bob")

    answer = bobs.post(
        "/celebrations/seen",
        {"celebration_id": [*annas_ids, "x", "-1", "9" * 30], "next": "https://evil.example/"},
    )

    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert celebration_of(bobs.page("/")) is not None
    assert celebration_of(signed_in("anna").page("/")) is not None
