"""Blocks and what one learner may see of another: blocking and unblocking, what a block hides,
profiles by relation, and a learner's friends list as others see it."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.conftest import START
from tests.factories import signed_up
from tests.friends.helpers import (
    Headers,
    Learner,
    assert_nothing_pending,
    befriend,
    friend_names,
    practise,
    send,
    sent_request,
    waiting,
)
from tests.http import assert_problem, instant
from zeal.accounts.queries import find_by_username
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.use_cases import friendships as friendships_use_case

PUBLIC_FIELDS = {"username", "display_name", "avatar"}
BLOCK_FIELDS = {*PUBLIC_FIELDS, "blocked_at"}
PROFILE_FIELDS = {
    *PUBLIC_FIELDS,
    "member_since",
    "relation",
    "streaks",
    "friends_since",
    "friend_streak",
    "badges",  # achieved badges are public to every signed-in learner
}
TODAY = START.date().isoformat()


def public(user: dict[str, Any]) -> dict[str, Any]:
    return {field: user[field] for field in PUBLIC_FIELDS}


def block(client: TestClient, headers: Headers, username: str) -> Response:
    return client.post("/v1/me/blocks", json={"username": username}, headers=headers)


def blocks(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    response = client.get("/v1/me/blocks", headers=headers)
    assert response.status_code == 200, response.text
    blocked: list[dict[str, Any]] = response.json()["blocked"]
    return blocked


def unblock(client: TestClient, headers: Headers, username: str) -> Response:
    return client.delete(f"/v1/me/blocks/{username}", headers=headers)


def blocked_already(db: Database, ctx: Context, blocker: str, blocked: str) -> None:
    """A block that exists before the test acts (made by the service, not the route)."""
    with db.transaction() as session:
        user = find_by_username(session, blocker)
        assert user is not None
        friendships_use_case.block(session, ctx, user, username=blocked)


def profile(client: TestClient, headers: Headers, username: str) -> Response:
    return client.get(f"/v1/users/{username}", headers=headers)


def friends_of(client: TestClient, headers: Headers, username: str) -> Response:
    return client.get(f"/v1/users/{username}/friends", headers=headers)


def found_by(client: TestClient, headers: Headers, q: str) -> list[str]:
    response = client.get("/v1/users", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    return [result["username"] for result in response.json()["results"]]


class TestBlocking:
    def test_a_blocked_learner_is_listed_with_the_time_of_the_block(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (bob_user, _) = anna, bob

        response = block(client, ha, "bob")

        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) == BLOCK_FIELDS
        assert {field: body[field] for field in PUBLIC_FIELDS} == public(bob_user)
        assert instant(body["blocked_at"]) == START
        assert "@example.com" not in response.text
        assert blocks(client, ha) == [body]

    def test_blocking_again_changes_nothing(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), _ = anna, bob
        first = block(client, ha, "bob")
        assert first.status_code == 201, first.text
        clock.advance(timedelta(hours=1))

        again = block(client, ha, "BOB")

        assert again.status_code == 200, again.text
        assert again.json() == first.json()
        assert blocks(client, ha) == [first.json()]

    def test_oneself_cannot_be_blocked(self, client: TestClient, anna: Learner) -> None:
        _, ha = anna

        assert_problem(block(client, ha, "anna"), 422, "cannot_block_self")

        assert blocks(client, ha) == []
        assert profile(client, ha, "anna").status_code == 200

    def test_an_unknown_username(self, client: TestClient, anna: Learner) -> None:
        _, ha = anna

        assert_problem(block(client, ha, "nobody_here"), 404, "user_not_found")

        assert blocks(client, ha) == []

    def test_the_block_list_shows_the_latest_block_first(
        self,
        client: TestClient,
        db: Database,
        ctx: Context,
        clock: FixedClock,
        anna: Learner,
        bob: Learner,
    ) -> None:
        _, ha = anna
        signed_up(client, username="carl")
        blocked_already(db, ctx, "anna", "bob")
        clock.advance(timedelta(minutes=1))
        blocked_already(db, ctx, "anna", "carl")

        listed = blocks(client, ha)

        assert [entry["username"] for entry in listed] == ["carl", "bob"]
        assert [instant(entry["blocked_at"]) for entry in listed] == [
            START + timedelta(minutes=1),
            START,
        ]
        assert "@example.com" not in str(listed)

    def test_the_block_list_is_private_to_the_blocker(
        self, client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        blocked_already(db, ctx, "anna", "bob")

        assert [entry["username"] for entry in blocks(client, ha)] == ["bob"]
        assert blocks(client, hb) == []

    def test_blocking_ends_the_friendship_on_both_sides(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")

        assert block(client, hb, "anna").status_code == 201

        assert friend_names(client, ha) == []
        assert friend_names(client, hb) == []

    @pytest.mark.parametrize("blocker_asked", [True, False], ids=["own-request", "their-request"])
    def test_blocking_withdraws_a_pending_request_either_way(
        self, client: TestClient, anna: Learner, bob: Learner, blocker_asked: bool
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        if blocker_asked:
            sent_request(client, ha, "bob")
        else:
            sent_request(client, hb, "anna")
        assert waiting(client, hb if blocker_asked else ha) == 1

        assert block(client, ha, "bob").status_code == 201

        assert_nothing_pending(client, ha, hb)


class TestUnblocking:
    def test_the_learner_is_visible_again(
        self, client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        blocked_already(db, ctx, "anna", "bob")

        response = unblock(client, ha, "bob")

        assert response.status_code == 204, response.text
        assert response.content == b""
        assert blocks(client, ha) == []
        assert profile(client, ha, "bob").json()["relation"] == "none"
        assert profile(client, hb, "anna").json()["relation"] == "none"
        assert found_by(client, ha, "bo") == ["bob"]
        assert found_by(client, hb, "an") == ["anna"]

    def test_the_friendship_does_not_come_back(
        self, client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")
        blocked_already(db, ctx, "anna", "bob")

        assert unblock(client, ha, "bob").status_code == 204

        assert friend_names(client, ha) == []
        assert friend_names(client, hb) == []
        assert_nothing_pending(client, ha, hb)
        assert_problem(friends_of(client, ha, "bob"), 403, "friends_only")

    def test_the_two_can_become_friends_again(
        self, client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")
        blocked_already(db, ctx, "anna", "bob")
        unblock(client, ha, "bob")

        befriend(client, hb, ha, "anna")

        assert friend_names(client, ha) == ["bob"]
        assert friend_names(client, hb) == ["anna"]

    def test_a_learner_who_is_not_blocked(
        self, client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), _ = anna, bob
        signed_up(client, username="carl")
        blocked_already(db, ctx, "anna", "carl")

        for name in ("bob", "nobody_here"):
            assert_problem(unblock(client, ha, name), 404, "not_blocked")

        assert [entry["username"] for entry in blocks(client, ha)] == ["carl"]

    def test_the_blocked_learner_cannot_lift_the_block(
        self, client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        blocked_already(db, ctx, "anna", "bob")

        assert_problem(unblock(client, hb, "anna"), 404, "not_blocked")

        assert [entry["username"] for entry in blocks(client, ha)] == ["bob"]
        assert_problem(profile(client, hb, "anna"), 404, "user_not_found")


class TestWhileBlocked:
    @pytest.mark.parametrize("blocker", ["anna", "bob"])
    def test_neither_sees_the_others_profile_or_friends(
        self,
        client: TestClient,
        db: Database,
        ctx: Context,
        anna: Learner,
        bob: Learner,
        blocker: str,
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")
        blocked_already(db, ctx, blocker, "bob" if blocker == "anna" else "anna")

        for viewer, other in ((ha, "bob"), (hb, "anna")):
            assert_problem(profile(client, viewer, other), 404, "user_not_found")
            assert_problem(friends_of(client, viewer, other), 404, "user_not_found")

    @pytest.mark.parametrize("blocker", ["anna", "bob"])
    def test_neither_finds_the_other(
        self,
        client: TestClient,
        db: Database,
        ctx: Context,
        anna: Learner,
        bob: Learner,
        blocker: str,
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        signed_up(client, username="bobby")
        signed_up(client, username="annabel")
        blocked_already(db, ctx, blocker, "bob" if blocker == "anna" else "anna")

        assert found_by(client, ha, "bob") == ["bobby"]
        assert found_by(client, hb, "ann") == ["annabel"]

    def test_the_404_looks_the_same_as_for_an_unknown_name(
        self, client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), _ = anna, bob
        blocked_already(db, ctx, "bob", "anna")

        hidden = assert_problem(profile(client, ha, "bob"), 404, "user_not_found")
        unknown = assert_problem(profile(client, ha, "bobx"), 404, "user_not_found")

        assert set(hidden) == set(unknown)
        assert (hidden["type"], hidden["title"]) == (unknown["type"], unknown["title"])

    def test_the_blocked_learner_cannot_send_a_request(
        self, client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        blocked_already(db, ctx, "anna", "bob")

        assert_problem(send(client, hb, "anna"), 404, "user_not_found")

        assert_nothing_pending(client, ha, hb)

    def test_the_blocker_is_told_to_unblock_first(
        self, client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        blocked_already(db, ctx, "anna", "bob")

        assert_problem(send(client, ha, "bob"), 409, "learner_blocked")

        assert_nothing_pending(client, ha, hb)


def arrange(
    client: TestClient, db: Database, ctx: Context, case: str, vera: Headers, olga: Headers
) -> str:
    """Put viewer Vera in `case` with Olga; return whose profile Vera looks at."""
    if case == "self":
        return "vera"
    if case == "friend":
        befriend(client, olga, vera, "vera")
    elif case == "request_sent":
        sent_request(client, vera, "olga")
    elif case == "request_received":
        sent_request(client, olga, "vera")
    elif case == "rejected":
        request = sent_request(client, vera, "olga")
        client.post(f"/v1/friend-requests/{request['id']}/reject", headers=olga)
    elif case == "unfriended":
        befriend(client, olga, vera, "vera")
        client.delete("/v1/me/friends/vera", headers=olga)
    elif case == "blocked_by_viewer":
        blocked_already(db, ctx, "vera", "olga")
    elif case == "blocking_viewer":
        blocked_already(db, ctx, "olga", "vera")
    return "olga"


# (case, relation shown, streaks shown, is a friendship); relation None means 404.
PROFILE_MATRIX = [
    ("self", "self", True, False),
    ("friend", "friend", True, True),
    ("stranger", "none", False, False),
    ("request_sent", "request_sent", False, False),
    ("request_received", "request_received", False, False),
    ("rejected", "none", False, False),
    ("unfriended", "none", False, False),
    ("blocked_by_viewer", None, False, False),
    ("blocking_viewer", None, False, False),
]


class TestProfiles:
    @pytest.mark.parametrize(("case", "relation", "streaks", "friendship"), PROFILE_MATRIX)
    def test_what_a_learner_may_see(
        self,
        client: TestClient,
        db: Database,
        ctx: Context,
        case: str,
        relation: str | None,
        streaks: bool,
        friendship: bool,
    ) -> None:
        vera_user, vera = signed_up(client, username="vera", email="vera@example.com")
        olga_user, olga = signed_up(
            client, username="olga", display_name="Olga", email="olga@example.com"
        )
        name = arrange(client, db, ctx, case, vera, olga)
        practise(client, vera)
        practise(client, olga)
        owner = vera_user if name == "vera" else olga_user

        response = profile(client, vera, name)

        if relation is None:
            assert_problem(response, 404, "user_not_found")
            return
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == PROFILE_FIELDS
        assert "email" not in response.text and "@example.com" not in response.text
        assert {field: body[field] for field in PUBLIC_FIELDS} == public(owner)
        assert instant(body["member_since"]) == START
        assert body["relation"] == relation
        if streaks:
            assert [(s["language"], s["daily_streak"]) for s in body["streaks"]] == [("es", 1)]
        else:
            assert body["streaks"] is None
        if friendship:
            assert instant(body["friends_since"]) == START
            assert body["friend_streak"] == {
                "friend_streak": 1,
                "max_friend_streak": 1,
                "max_friend_streak_date": TODAY,
            }
        else:
            assert body["friends_since"] is None
            assert body["friend_streak"] is None

    def test_an_unknown_username(self, client: TestClient, anna: Learner) -> None:
        _, ha = anna
        assert_problem(profile(client, ha, "nobody_here"), 404, "user_not_found")

    def test_found_in_any_case(self, client: TestClient, anna: Learner, bob: Learner) -> None:
        (_, ha), _ = anna, bob

        response = profile(client, ha, "BOB")

        assert response.status_code == 200, response.text
        assert response.json()["username"] == "bob"

    def test_needs_a_session(self, client: TestClient, anna: Learner) -> None:
        assert_problem(client.get("/v1/users/anna"), 401, "invalid_token")


class TestFriendsOfALearner:
    @pytest.fixture
    def circle(self, client: TestClient, anna: Learner, bob: Learner) -> dict[str, Headers]:
        """Anna and Bob are friends; Bob is also friends with Dora and Carl."""
        (_, ha), (_, hb) = anna, bob
        hc = signed_up(client, username="Carl")[1]
        hd = signed_up(client, username="dora")[1]
        befriend(client, ha, hb, "bob")
        befriend(client, hb, hd, "dora")
        befriend(client, hc, hb, "bob")
        return {"anna": ha, "bob": hb, "carl": hc, "dora": hd}

    def test_a_friend_sees_them_sorted_without_email(
        self, client: TestClient, circle: dict[str, Headers]
    ) -> None:
        response = friends_of(client, circle["anna"], "bob")

        assert response.status_code == 200, response.text
        learners = response.json()["learners"]
        assert [learner["username"] for learner in learners] == ["anna", "Carl", "dora"]
        assert all(set(learner) == PUBLIC_FIELDS for learner in learners)
        assert "@example.com" not in response.text

    def test_a_learner_sees_their_own(self, client: TestClient, circle: dict[str, Headers]) -> None:
        response = friends_of(client, circle["anna"], "anna")

        assert response.status_code == 200, response.text
        assert [learner["username"] for learner in response.json()["learners"]] == ["bob"]

    def test_a_stranger_may_not_look(self, client: TestClient, circle: dict[str, Headers]) -> None:
        sent_request(client, circle["carl"], "anna")

        for viewer, owner in (("carl", "anna"), ("anna", "dora"), ("dora", "Carl")):
            assert_problem(friends_of(client, circle[viewer], owner), 403, "friends_only")

        assert friend_names(client, circle["anna"]) == ["bob"]

    def test_an_unknown_learner(self, client: TestClient, anna: Learner) -> None:
        _, ha = anna
        assert_problem(friends_of(client, ha, "nobody_here"), 404, "user_not_found")

    def test_learners_the_viewer_blocked_are_left_out(
        self, client: TestClient, db: Database, ctx: Context, circle: dict[str, Headers]
    ) -> None:
        blocked_already(db, ctx, "anna", "dora")

        response = friends_of(client, circle["anna"], "bob")

        assert response.status_code == 200, response.text
        assert [learner["username"] for learner in response.json()["learners"]] == ["anna", "Carl"]
        assert friend_names(client, circle["bob"]) == ["anna", "Carl", "dora"]

    def test_learners_who_blocked_the_viewer_are_left_out(
        self, client: TestClient, db: Database, ctx: Context, circle: dict[str, Headers]
    ) -> None:
        blocked_already(db, ctx, "carl", "anna")

        response = friends_of(client, circle["anna"], "bob")

        assert response.status_code == 200, response.text
        assert [learner["username"] for learner in response.json()["learners"]] == ["anna", "dora"]


def test_the_openapi_document_declares_blocking_again_and_unknown_learners(
    client: TestClient, anna: Learner, bob: Learner
) -> None:
    (_, ha), _ = anna, bob
    assert block(client, ha, "bob").status_code == 201
    again = block(client, ha, "bob")
    assert again.status_code == 200, again.text
    assert_problem(block(client, ha, "nobody_here"), 404, "user_not_found")
    assert_problem(unblock(client, ha, "nobody_here"), 404, "not_blocked")

    paths = client.get("/openapi.json").json()["paths"]
    answers = paths["/v1/me/blocks"]["post"]["responses"]
    # Blocking again answers the block, as the first time; it was declared without any body.
    assert answers["200"]["content"] == answers["201"]["content"]
    assert "application/problem+json" in answers["404"]["content"]
    answers = paths["/v1/me/blocks/{username}"]["delete"]["responses"]
    assert "application/problem+json" in answers["404"]["content"]
