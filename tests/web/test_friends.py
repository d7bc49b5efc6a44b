"""The friends page: search, requests both ways, unfriending and blocking, each button leading
back with a message, and a refused action changing nothing."""

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Learner
from tests.factories import signed_up
from tests.friends.helpers import befriend, friend_names, pending, practise, sent_request
from tests.web.conftest import SignedIn
from tests.web.helpers import Browser, flash_of, text_of, title_of


def section(html: str, title_id: str) -> str:
    """The text of the page section headed by the heading with this id ("" if absent)."""
    match = re.search(rf'<h2 id="{title_id}">.*?</section>', html, re.DOTALL)
    return text_of(match.group(0)) if match else ""


def search_results(html: str) -> list[str]:
    """The usernames the search results list, in order."""
    match = re.search(r'<div id="search-results".*?</div>', html, re.DOTALL)
    assert match is not None
    return re.findall(r'href="/learners/([^"]+)"', match.group(0))


def request_count(html: str) -> int:
    match = re.search(r'<span class="count" id="request-count">(\d+)', html)
    return int(match.group(1)) if match else 0


class TestSearch:
    def test_learners_are_found_by_the_start_of_their_name(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        signed_up(client, username="bob", display_name="Bob")
        signed_up(client, username="bobby", display_name="Robert")
        signed_up(client, username="carl", display_name="Bo Carlsen")

        page = signed_in("anna").page("/friends?q=bo")

        assert search_results(page) == ["bob", "bobby", "carl"]
        assert page.count('action="/friends/requests"') == 3

    def test_the_results_alone_come_back_for_the_page_to_swap_in(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")

        fragment = browser.get("/friends/search?q=bo").text

        assert fragment.lstrip().startswith('<div id="search-results"')
        assert "<html" not in fragment
        assert search_results(fragment) == ["bob"]

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("b", "Type at least 2 characters to search."),
            ("zz", "No learner's name starts with “zz”."),
        ],
    )
    def test_a_search_that_finds_nobody_says_why(
        self, anna: Learner, bob: Learner, signed_in: SignedIn, query: str, message: str
    ) -> None:
        page = signed_in("anna").page(f"/friends?q={query}")

        assert search_results(page) == []
        assert message in text_of(page)

    def test_a_learner_who_hides_from_search_is_not_found(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        hidden = client.patch("/v1/me", json={"social": {"discoverable": False}}, headers=bob[1])
        assert hidden.status_code == 200, hidden.text

        page = signed_in("anna").page("/friends?q=bob")

        assert search_results(page) == []

    def test_results_say_how_each_learner_relates_to_you(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        carl = signed_up(client, username="bocarl")
        sent_request(client, anna[1], "bob")
        sent_request(client, carl[1], "anna")

        page = text_of(signed_in("anna").page("/friends?q=bo"))

        assert "Bob @bob Request sent" in page
        assert "bocarl @bocarl Asked you: see requests" in page


class TestRequests:
    def test_a_request_sent_from_the_page_reaches_the_other_learner(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        anna_browser, bob_browser = signed_in("anna"), signed_in("bob")
        anna_browser.page("/friends?q=bob")

        page = anna_browser.submit("/friends/requests", {"username": "bob", "back": "/friends"})

        assert flash_of(page) == ("Friend request sent to bob.", False)
        assert "Bob @bob" in section(page, "sent-title")
        bobs = bob_browser.page("/friends")
        assert "Anna K @anna" in section(bobs, "received-title")
        assert request_count(bobs) == 1
        assert [r["sender"]["username"] for r in pending(client, bob[1])] == ["anna"]

    def test_accepting_makes_friends_of_both(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        request = sent_request(client, anna[1], "bob")
        browser = signed_in("bob")
        browser.page("/friends")

        page = browser.submit(f"/friends/requests/{request['id']}/accept", {"back": "/friends"})

        assert flash_of(page) == ("Request accepted: you are friends now.", False)
        assert "Anna K @anna" in section(page, "friends-title")
        assert section(page, "received-title") == ""
        assert request_count(page) == 0
        assert friend_names(client, anna[1]) == ["bob"]

    def test_declining_leaves_both_without_friends(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        request = sent_request(client, anna[1], "bob")
        browser = signed_in("bob")
        browser.page("/friends")

        page = browser.submit(f"/friends/requests/{request['id']}/reject", {"back": "/friends"})

        assert flash_of(page) == ("Request declined.", False)
        assert "No friends yet." in page
        assert friend_names(client, anna[1]) == []
        assert pending(client, anna[1], "sent") == []

    def test_withdrawing_a_request_takes_it_back_from_the_other_learner(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        request = sent_request(client, anna[1], "bob")
        browser = signed_in("anna")
        browser.page("/learners/bob")

        page = browser.submit(
            f"/friends/requests/{request['id']}/cancel", {"back": "/learners/bob"}
        )

        assert flash_of(page) == ("Request withdrawn.", False)
        assert title_of(page) == "Bob"
        assert 'action="/friends/requests"' in page  # "Add friend" again
        assert pending(client, bob[1]) == []

    def test_asking_someone_who_asked_you_makes_you_friends_at_once(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        sent_request(client, bob[1], "anna")
        browser = signed_in("anna")
        browser.page("/friends")

        page = browser.submit("/friends/requests", {"username": "bob", "back": "/friends"})

        assert flash_of(page) == ("You and bob are friends now.", False)
        assert friend_names(client, bob[1]) == ["anna"]

    @pytest.mark.parametrize(
        ("username", "message"),
        [
            ("nobody", "No learner is called 'nobody'."),
            ("anna", "You cannot send a friend request to yourself."),
            ("bob", "Your request to 'bob' is pending."),
        ],
    )
    def test_a_refused_request_says_why_and_sends_nothing(
        self,
        client: TestClient,
        anna: Learner,
        bob: Learner,
        signed_in: SignedIn,
        username: str,
        message: str,
    ) -> None:
        sent_request(client, anna[1], "bob")
        browser = signed_in("anna")
        browser.page("/friends")

        page = browser.submit("/friends/requests", {"username": username, "back": "/friends"})

        assert flash_of(page) == (message, True)
        assert 'class="flash flash-error" role="alert"' in page
        assert len(pending(client, anna[1], "sent")) == 1
        assert pending(client, bob[1])[0]["sender"]["username"] == "anna"

    def test_nobody_else_can_answer_a_request(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        signed_up(client, username="mallory")
        request = sent_request(client, anna[1], "bob")
        browser = signed_in("mallory")
        browser.page("/friends")

        page = browser.submit(f"/friends/requests/{request['id']}/accept", {"back": "/friends"})

        assert flash_of(page) == (f"You have no friend request {request['id']}.", True)
        assert friend_names(client, bob[1]) == []
        assert len(pending(client, bob[1])) == 1

    def test_back_never_leads_to_another_site(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")
        browser.page("/friends")

        response = browser.post(
            "/friends/requests", {"username": "bob", "back": "https://evil.example/"}
        )

        assert (response.status_code, response.headers["location"]) == (303, "/")


class TestFriends:
    def test_the_friends_list_shows_the_friend_streak_and_their_streaks(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        practise(client, anna[1], "es")
        practise(client, bob[1], "de")

        page = signed_in("anna").page("/friends")

        friends = section(page, "friends-title")
        assert "Your friends (1)" in friends
        assert "Bob @bob DE 1" in friends
        assert re.search(r'class="friend-streak".*?<strong>1</strong>', page, re.DOTALL)

    def test_a_friend_without_a_streak_says_so_plainly(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        practise(client, anna[1], "es")  # Bob has not practised: no streak, no friend streak

        page = signed_in("anna").page("/friends")
        friends = section(page, "friends-title")

        assert "None yet Bob @bob No streak right now" in friends
        assert not re.search(r"\b[A-Z]{2} 0\b|\b0\b", friends)  # no "ES 0", no bare 0
        assert re.search(
            r'class="flame flame-friend flame-friend-out"[^>]*"No friend streak"', page
        )

    def test_unfriending_ends_the_friendship_for_both(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        browser = signed_in("anna")
        browser.page("/friends")

        page = browser.submit("/friends/bob/unfriend", {"back": "/friends"})

        assert flash_of(page) == ("You and bob are no longer friends.", False)
        assert "Your friends (0)" in section(page, "friends-title")
        assert friend_names(client, bob[1]) == []


class TestBlocking:
    def test_blocking_ends_the_friendship_and_hides_each_from_the_other(
        self,
        client: TestClient,
        anna: Learner,
        bob: Learner,
        signed_in: SignedIn,
    ) -> None:
        befriend(client, anna[1], bob[1], "bob")
        anna_browser, bob_browser = signed_in("anna"), signed_in("bob")
        anna_browser.page("/learners/bob")

        page = anna_browser.submit("/learners/bob/block")

        assert flash_of(page) == (
            "You blocked bob. Neither of you will see the other.",
            False,
        )
        assert "Bob @bob" in section(page, "blocked-title")
        assert "Your friends (0)" in section(page, "friends-title")
        assert friend_names(client, bob[1]) == []
        assert anna_browser.get("/learners/bob").status_code == 404
        assert bob_browser.get("/learners/anna").status_code == 404
        assert search_results(bob_browser.page("/friends?q=an")) == []

    def test_unblocking_lets_them_find_each_other_again(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        blocked = client.post("/v1/me/blocks", json={"username": "bob"}, headers=anna[1])
        assert blocked.status_code == 201, blocked.text
        browser = signed_in("anna")
        browser.page("/friends")

        page = browser.submit("/learners/bob/unblock")

        assert flash_of(page) == ("You unblocked bob.", False)
        assert section(page, "blocked-title") == ""
        assert title_of(browser.page("/learners/bob")) == "Bob"

    def test_a_blocked_learner_cannot_send_a_request(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        blocked = client.post("/v1/me/blocks", json={"username": "bob"}, headers=anna[1])
        assert blocked.status_code == 201, blocked.text
        browser: Browser = signed_in("bob")
        browser.page("/friends")

        page = browser.submit("/friends/requests", {"username": "anna", "back": "/friends"})

        assert flash_of(page) == ("No learner is called 'anna'.", True)
        assert pending(client, anna[1]) == []
