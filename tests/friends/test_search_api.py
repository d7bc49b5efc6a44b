"""Finding learners by the start of their username or display name: what matches, what never
does, the order of results and each result's relation to the learner searching."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.factories import signed_up
from tests.friends.helpers import (
    Headers,
    sent_request,
)
from tests.http import assert_problem

RESULT_FIELDS = {"username", "display_name", "avatar", "relation"}


def search(client: TestClient, headers: Headers, q: str, **params: Any) -> Response:
    return client.get("/v1/users", params={"q": q, **params}, headers=headers)


def results(client: TestClient, headers: Headers, q: str, **params: Any) -> list[dict[str, Any]]:
    response = search(client, headers, q, **params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["results"]
    return found


def names(client: TestClient, headers: Headers, q: str, **params: Any) -> list[str]:
    return [result["username"] for result in results(client, headers, q, **params)]


def learner(client: TestClient, username: str, display_name: str | None = None) -> Headers:
    fields = {"username": username}
    if display_name is not None:
        fields["display_name"] = display_name
    return signed_up(client, **fields)[1]


@pytest.fixture
def me(client: TestClient) -> Headers:
    """The learner searching; neither name starts like anyone else's in these tests."""
    return learner(client, "searcher", "Searcher")


class TestMatching:
    def test_a_username_prefix_in_any_case(self, client: TestClient, me: Headers) -> None:
        learner(client, "anna")
        learner(client, "Annabel")
        learner(client, "joanna")

        assert names(client, me, "ANN") == ["anna", "Annabel"]
        assert names(client, me, "anN") == ["anna", "Annabel"]

    def test_a_display_name_prefix_in_any_case(self, client: TestClient, me: Headers) -> None:
        learner(client, "reader_1", "Karin Boye")
        learner(client, "reader_2", "Edith Karin")

        assert names(client, me, "kaR") == ["reader_1"]
        assert names(client, me, "  karin   BO ") == ["reader_1"]

    def test_only_the_start_of_a_name_matches(self, client: TestClient, me: Headers) -> None:
        learner(client, "joanna", "Jo Anna")

        assert names(client, me, "nna") == []
        assert names(client, me, "anna") == []
        assert names(client, me, "jo a") == ["joanna"]

    def test_each_result_shows_the_public_part_only(self, client: TestClient, me: Headers) -> None:
        anna, _ = signed_up(
            client, username="anna", display_name="Anna K", email="anna.k@example.com"
        )

        response = search(client, me, "an")

        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        assert response.json() == {
            "results": [
                {
                    "username": "anna",
                    "display_name": "Anna K",
                    "avatar": anna["avatar"],
                    "relation": "none",
                }
            ]
        }
        assert "@example.com" not in response.text

    def test_the_searcher_is_never_a_result(self, client: TestClient) -> None:
        me = learner(client, "anna", "Anna")
        learner(client, "annabel")

        assert names(client, me, "anna") == ["annabel"]
        assert names(client, me, "ANNA") == ["annabel"]

    def test_a_learner_who_chose_not_to_be_found_is_not(
        self, client: TestClient, me: Headers
    ) -> None:
        hidden = learner(client, "anna")
        learner(client, "annabel")
        response = client.patch("/v1/me", json={"social": {"discoverable": False}}, headers=hidden)
        assert response.status_code == 200, response.text

        assert names(client, me, "anna") == ["annabel"]

        client.patch("/v1/me", json={"social": {"discoverable": True}}, headers=hidden)
        assert names(client, me, "anna") == ["anna", "annabel"]

    def test_a_learner_who_is_not_found_can_still_be_asked_by_name(
        self, client: TestClient, me: Headers
    ) -> None:
        hidden = learner(client, "anna")
        client.patch("/v1/me", json={"social": {"discoverable": False}}, headers=hidden)
        assert names(client, me, "anna") == []

        request = sent_request(client, me, "anna")

        assert request["receiver"]["username"] == "anna"

    def test_a_renamed_learner_is_found_by_the_new_name_only(
        self, client: TestClient, me: Headers
    ) -> None:
        headers = learner(client, "anna", "Anna")
        response = client.patch(
            "/v1/me", json={"username": "hanna", "display_name": "Hanna"}, headers=headers
        )
        assert response.status_code == 200, response.text

        assert names(client, me, "ann") == []
        assert names(client, me, "han") == ["hanna"]


class TestEmailIsNeverSearched:
    def test_the_local_part_of_an_email_finds_nobody(self, client: TestClient, me: Headers) -> None:
        # B16/W25: search matched e-mail addresses and so revealed who has which address.
        signed_up(client, username="quiet_one", display_name="Q", email="karinboye@example.com")

        for q in ("karinboye", "karin", "karinboye@example.com", "example"):
            assert names(client, me, q) == []

    def test_no_result_carries_an_email(self, client: TestClient, me: Headers) -> None:
        # B16/W25: search results carried the e-mail address.
        for n in range(3):
            signed_up(client, username=f"anna_{n}", email=f"anna_{n}@example.com")

        response = search(client, me, "anna")

        assert response.status_code == 200, response.text
        assert [set(result) for result in response.json()["results"]] == [RESULT_FIELDS] * 3
        assert "@" not in response.text


class TestWildcardsAreLiteral:
    def test_a_percent_sign_matches_only_itself(self, client: TestClient, me: Headers) -> None:
        # B17: "%" in the query acted as a wildcard.
        learner(client, "anna")
        learner(client, "a_b")
        learner(client, "reader_1", "a%b")

        assert names(client, me, "a%") == ["reader_1"]
        assert names(client, me, "%a") == []
        assert names(client, me, "%%") == []

    def test_an_underscore_matches_only_itself(self, client: TestClient, me: Headers) -> None:
        # B17: "_" in the query matched any character.
        learner(client, "a_b")
        learner(client, "abc")
        learner(client, "reader_1", "ab")

        assert names(client, me, "a_") == ["a_b"]
        assert names(client, me, "__") == []

    def test_a_backslash_matches_only_itself(self, client: TestClient, me: Headers) -> None:
        learner(client, "reader_1", "back\\slash")
        learner(client, "reader_2", "backslash")

        assert names(client, me, "back\\") == ["reader_1"]
        assert names(client, me, "back\\s") == ["reader_1"]
        assert names(client, me, "back\\%") == []


class TestOrder:
    def test_exact_then_username_prefixes_then_display_names(
        self, client: TestClient, me: Headers
    ) -> None:
        # B18: results came in database order, the exact match often far down the list.
        learner(client, "zed_reader", "Ann Lee")
        learner(client, "annabel")
        learner(client, "cat", "Anny")
        learner(client, "Anne")
        learner(client, "bob_x", "Annie")
        learner(client, "anna")
        learner(client, "abe", "Annika")
        learner(client, "ann")

        assert names(client, me, "ann") == [
            "ann",
            "anna",
            "Anne",
            "annabel",
            "abe",
            "cat",
            "bob_x",
            "zed_reader",
        ]

    def test_the_exact_username_comes_first_in_any_case(
        self, client: TestClient, me: Headers
    ) -> None:
        learner(client, "Anna_b")
        learner(client, "ANNA")
        learner(client, "annaa")

        assert names(client, me, "anna") == ["ANNA", "annaa", "Anna_b"]


class TestLimit:
    @pytest.fixture
    def many(self, client: TestClient) -> list[str]:
        created = [f"anna_{n}" for n in range(6)]
        for name in created:
            learner(client, name)
        return created

    def test_twenty_by_default(self, client: TestClient, me: Headers) -> None:
        for n in range(22):
            learner(client, f"bo{n:02d}")

        assert names(client, me, "bo") == [f"bo{n:02d}" for n in range(20)]

    def test_at_most_the_limit_are_returned_best_first(
        self, client: TestClient, me: Headers, many: list[str]
    ) -> None:
        assert names(client, me, "anna", limit=3) == many[:3]
        assert names(client, me, "anna", limit=1) == many[:1]

    def test_fifty_is_allowed(self, client: TestClient, me: Headers, many: list[str]) -> None:
        assert names(client, me, "anna", limit=50) == many

    @pytest.mark.parametrize("limit", [51, 0, -1, "ten"])
    def test_a_limit_that_is_not_1_to_50_is_malformed(
        self, client: TestClient, me: Headers, many: list[str], limit: object
    ) -> None:
        problem = assert_problem(search(client, me, "anna", limit=limit), 422, "validation_error")
        assert ["query", "limit"] in [error["loc"] for error in problem["errors"]]


class TestRefusedQueries:
    @pytest.mark.parametrize("q", ["", "a", " a ", "      ", "\tb\n"])
    def test_fewer_than_two_characters_after_trimming(
        self, client: TestClient, me: Headers, q: str
    ) -> None:
        learner(client, "anna")
        learner(client, "bob")

        assert_problem(search(client, me, q), 422, "search_too_short")

    def test_two_characters_are_enough(self, client: TestClient, me: Headers) -> None:
        learner(client, "anna")
        assert names(client, me, " an ") == ["anna"]

    def test_a_missing_query_is_malformed(self, client: TestClient, me: Headers) -> None:
        problem = assert_problem(client.get("/v1/users", headers=me), 422, "validation_error")
        assert ["query", "q"] in [error["loc"] for error in problem["errors"]]

    def test_a_session_is_needed(self, client: TestClient) -> None:
        learner(client, "anna")
        assert_problem(client.get("/v1/users", params={"q": "anna"}), 401, "invalid_token")


class TestRelation:
    def test_seen_from_the_searchers_side(self, client: TestClient, me: Headers) -> None:
        friend = learner(client, "ann_friend")
        learner(client, "ann_stranger")
        learner(client, "ann_asked")
        asking = learner(client, "ann_asking")
        rejected = learner(client, "ann_rejected")
        request = sent_request(client, friend, "searcher")
        client.post(f"/v1/friend-requests/{request['id']}/accept", headers=me)
        sent_request(client, me, "ann_asked")
        sent_request(client, asking, "searcher")
        request = sent_request(client, rejected, "searcher")
        client.post(f"/v1/friend-requests/{request['id']}/reject", headers=me)

        relations = {r["username"]: r["relation"] for r in results(client, me, "ann_")}

        assert relations == {
            "ann_friend": "friend",
            "ann_stranger": "none",
            "ann_asked": "request_sent",
            "ann_asking": "request_received",
            "ann_rejected": "none",
        }

    def test_the_other_side_sees_the_mirror_image(self, client: TestClient, me: Headers) -> None:
        asked = learner(client, "ann_asked")
        asking = learner(client, "ann_asking")
        sent_request(client, me, "ann_asked")
        sent_request(client, asking, "searcher")

        for headers in (asked, asking):
            [result] = results(client, headers, "search")
            assert result["username"] == "searcher"
        assert results(client, asked, "sea")[0]["relation"] == "request_received"
        assert results(client, asking, "sea")[0]["relation"] == "request_sent"

    def test_an_ended_friendship_is_none(self, client: TestClient, me: Headers) -> None:
        friend = learner(client, "ann_friend")
        request = sent_request(client, friend, "searcher")
        client.post(f"/v1/friend-requests/{request['id']}/accept", headers=me)
        assert results(client, me, "ann")[0]["relation"] == "friend"

        assert client.delete("/v1/me/friends/searcher", headers=friend).status_code == 204

        assert results(client, me, "ann")[0]["relation"] == "none"
