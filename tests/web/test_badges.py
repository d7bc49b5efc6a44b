"""The badges page: progress toward each badge, "New" on badges not yet looked at, and marking
exactly the badges the page showed as seen."""

import re

from fastapi.testclient import TestClient

from tests.conftest import Learner
from tests.friends.helpers import practise
from tests.web.conftest import SignedIn
from tests.web.helpers import HTML, badge_count, hidden_values, text_of

TWO_TONGUES = "Two Tongues"
MADE_IT_YOURS = "Made It Yours"


def new_badges(html: str) -> list[str]:
    """The names of the badges marked "New", in page order."""
    return re.findall(r"<strong>([^<]+)</strong>\s*<span class=\"new\">New</span>", html)


def unseen(client: TestClient, headers: dict[str, str]) -> int:
    response = client.get("/v1/me/badges/unseen-count", headers=headers)
    assert response.status_code == 200, response.text
    count: int = response.json()["unseen"]
    return count


def exercise(client: TestClient, headers: dict[str, str], outcome: str = "correct") -> None:
    response = client.post(
        "/v1/me/practice-events",
        json={"type": "exercise", "language": "es", "outcome": outcome},
        headers=headers,
    )
    assert response.status_code == 201, response.text


def earn_two_tongues(client: TestClient, headers: dict[str, str]) -> None:
    practise(client, headers, "es")
    practise(client, headers, "fr")


def earn_made_it_yours(client: TestClient, headers: dict[str, str]) -> None:
    response = client.patch("/v1/me", json={"display_name": "Anna Karenina"}, headers=headers)
    assert response.status_code == 200, response.text


def test_progress_bars_show_how_far_the_next_badge_is(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    for outcome in ("correct", "correct", "correct", "wrong"):
        exercise(client, anna[1], outcome)

    page = signed_in("anna").page("/badges")

    assert re.search(
        r'<progress id="progress-correct_exercises" max="10" value="3">30%</progress>', page
    )
    assert "3 / 10 toward Warm-Up Done" in text_of(page)
    assert '<progress id="progress-friends" max="1" value="0">' in page
    assert new_badges(page) == []
    assert 'action="/badges/seen"' not in page


def test_a_new_badge_is_marked_until_seen(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    earn_two_tongues(client, anna[1])
    browser = signed_in("anna")

    page = browser.page("/badges")
    assert new_badges(page) == [TWO_TONGUES]
    assert badge_count(page) == 1
    assert "1 new badge!" in text_of(page)
    assert len(hidden_values(page, "badge_id")) == 1

    after = browser.submit("/badges/seen", {"badge_id": hidden_values(page, "badge_id")})

    assert new_badges(after) == []
    assert badge_count(after) == 0
    assert "Earned 10 Mar 2026" in text_of(after)
    assert unseen(client, anna[1]) == 0


def test_a_badge_earned_after_the_page_was_shown_stays_new(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    earn_two_tongues(client, anna[1])
    browser = signed_in("anna")
    page = browser.page("/badges")
    earn_made_it_yours(client, anna[1])

    after = browser.submit("/badges/seen", {"badge_id": hidden_values(page, "badge_id")})

    assert new_badges(after) == [MADE_IT_YOURS]
    assert badge_count(after) == 1
    assert unseen(client, anna[1]) == 1


def test_htmx_gets_the_new_badge_count_alone(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    earn_two_tongues(client, anna[1])
    earn_made_it_yours(client, anna[1])
    browser = signed_in("anna")
    page = browser.page("/badges")
    ids = hidden_values(page, "badge_id")
    assert badge_count(page) == 2

    response = browser.client.post(
        "/badges/seen",
        data={"badge_id": ids[:1]},
        headers={**HTML, "HX-Request": "true", "X-CSRF-Token": browser.token or ""},
    )

    assert response.status_code == 200
    assert response.text.startswith('<span id="badge-count">')
    assert "<html" not in response.text
    assert badge_count(response.text) == 1
    assert unseen(client, anna[1]) == 1


def test_ids_that_are_not_badges_are_ignored(
    client: TestClient, anna: Learner, signed_in: SignedIn
) -> None:
    earn_two_tongues(client, anna[1])
    browser = signed_in("anna")
    browser.page("/badges")

    response = browser.post("/badges/seen", {"badge_id": ["abc", "-1", "²", "9" * 30, "0"]})

    assert (response.status_code, response.headers["location"]) == (303, "/badges")
    assert new_badges(browser.follow(response)) == [TWO_TONGUES]
    assert unseen(client, anna[1]) == 1


def test_other_learners_see_the_badges_but_not_whether_they_are_new(
    client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
) -> None:
    earn_two_tongues(client, anna[1])

    page = signed_in("bob").page("/learners/anna")

    assert TWO_TONGUES in text_of(page)
    assert '<span class="new">' not in page
    assert badge_count(page) == 0
