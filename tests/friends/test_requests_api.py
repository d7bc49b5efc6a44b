"""Friend requests and friendships as learners see them: sending, answering, cancelling, the
friends list, unfriending and befriending again, and two learners acting at the same moment."""

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
    answer,
    assert_nothing_pending,
    befriend,
    cancel,
    friend_names,
    friends,
    pending,
    pending_ids,
    practise,
    send,
    sent_request,
    unfriend,
    waiting,
)
from tests.http import assert_problem, instant
from tests.threads import at_once
from zeal.clock import FixedClock

PUBLIC_FIELDS = {"username", "display_name", "avatar"}
REQUEST_FIELDS = {"id", "status", "sender", "receiver", "created_at", "responded_at"}
FRIEND_FIELDS = {
    "username",
    "display_name",
    "avatar",
    "friends_since",
    "friend_streak",
    "max_friend_streak",
    "max_friend_streak_date",
    "streaks",
}


class TestSendingARequest:
    def test_a_request_is_pending_and_names_both_learners(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (anna_user, ha), (bob_user, _) = anna, bob

        response = send(client, ha, "bob")

        assert response.status_code == 201, response.text
        request = response.json()
        assert set(request) == REQUEST_FIELDS
        assert request["status"] == "pending"
        assert request["sender"] == {field: anna_user[field] for field in PUBLIC_FIELDS}
        assert request["receiver"] == {field: bob_user[field] for field in PUBLIC_FIELDS}
        assert instant(request["created_at"]) == START
        assert request["responded_at"] is None
        assert "@example.com" not in response.text

    def test_the_receiver_sees_it_and_the_sender_sees_it_as_sent(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob

        request = sent_request(client, ha, "bob")

        assert pending(client, hb) == [request]
        assert pending(client, ha, "sent") == [request]
        assert pending(client, ha) == []
        assert pending(client, hb, "sent") == []
        assert (waiting(client, hb), waiting(client, ha)) == (1, 0)

    def test_the_username_is_found_in_any_case(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob

        request = sent_request(client, ha, "  BoB ")

        assert request["receiver"]["username"] == "bob"
        assert pending_ids(client, hb) == [request["id"]]

    def test_the_list_without_a_direction_shows_received_requests(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")

        response = client.get("/v1/friend-requests", headers=hb)

        assert response.status_code == 200, response.text
        assert response.json() == {"direction": "received", "requests": [request]}

    def test_an_unknown_direction_is_malformed(self, client: TestClient, anna: Learner) -> None:
        _, ha = anna
        response = client.get("/v1/friend-requests", params={"direction": "both"}, headers=ha)
        assert_problem(response, 422, "validation_error")


class TestRefusedRequests:
    def test_to_oneself(self, client: TestClient, anna: Learner) -> None:
        # B14: a learner could send a friend request to themselves.
        _, ha = anna

        response = send(client, ha, "ANNA")

        assert_problem(response, 422, "cannot_befriend_self")
        assert_nothing_pending(client, ha)
        assert friends(client, ha) == []

    def test_to_an_unknown_username(self, client: TestClient, anna: Learner) -> None:
        # B15: a request to a name nobody has was accepted.
        _, ha = anna

        response = send(client, ha, "nobody_here")

        assert_problem(response, 404, "user_not_found")
        assert_nothing_pending(client, ha)

    def test_to_a_friend(self, client: TestClient, anna: Learner, bob: Learner) -> None:
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")

        for sender, receiver in ((ha, "bob"), (hb, "anna")):
            assert_problem(send(client, sender, receiver), 409, "already_friends")

        assert_nothing_pending(client, ha, hb)
        assert friend_names(client, ha) == ["bob"]
        assert friend_names(client, hb) == ["anna"]

    def test_a_second_request_while_the_first_is_pending(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        first = sent_request(client, ha, "bob")

        response = send(client, ha, "bob")

        assert_problem(response, 409, "friend_request_exists")
        assert pending(client, hb) == [first]
        assert pending(client, ha, "sent") == [first]

    def test_to_a_learner_who_turned_requests_off(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        closed = client.patch("/v1/me", json={"social": {"accept_requests": False}}, headers=hb)
        assert closed.status_code == 200, closed.text

        response = send(client, ha, "bob")

        assert_problem(response, 403, "friend_requests_closed")
        assert_nothing_pending(client, ha, hb)

    def test_a_learner_who_turned_requests_back_on_can_be_asked_again(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        client.patch("/v1/me", json={"social": {"accept_requests": False}}, headers=hb)
        assert_problem(send(client, ha, "bob"), 403, "friend_requests_closed")
        client.patch("/v1/me", json={"social": {"accept_requests": True}}, headers=hb)

        request = sent_request(client, ha, "bob")

        assert pending_ids(client, hb) == [request["id"]]

    def test_without_a_session(self, client: TestClient, anna: Learner, bob: Learner) -> None:
        _, hb = bob

        response = client.post("/v1/friend-requests", json={"username": "bob"})

        assert_problem(response, 401, "invalid_token")
        assert_nothing_pending(client, hb)


class TestRequestLimit:
    def ask_and_be_rejected(self, client: TestClient, sender: Headers, receiver: Headers) -> None:
        request = sent_request(client, sender, "bob")
        assert answer(client, receiver, request["id"], "reject").status_code == 200

    def test_a_fourth_request_to_the_same_learner_within_a_day_is_refused(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        for _ in range(3):
            self.ask_and_be_rejected(client, ha, hb)
            clock.advance(timedelta(hours=1))

        response = send(client, ha, "bob")

        assert_problem(response, 429, "friend_request_limit")
        assert_nothing_pending(client, ha, hb)

    def test_a_day_after_the_first_request_a_new_one_is_allowed(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        for _ in range(3):
            self.ask_and_be_rejected(client, ha, hb)
        clock.advance(timedelta(hours=23, minutes=59))
        assert_problem(send(client, ha, "bob"), 429, "friend_request_limit")

        clock.advance(timedelta(minutes=1))
        request = sent_request(client, ha, "bob")

        assert request["status"] == "pending"
        assert pending_ids(client, hb) == [request["id"]]

    def test_cancelled_requests_count_too(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        for _ in range(3):
            request = sent_request(client, ha, "bob")
            assert cancel(client, ha, request["id"]).status_code == 204

        assert_problem(send(client, ha, "bob"), 429, "friend_request_limit")
        assert_nothing_pending(client, ha, hb)

    def test_the_limit_is_per_receiver(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        _, hc = signed_up(client, username="carl")
        for _ in range(3):
            self.ask_and_be_rejected(client, ha, hb)

        request = sent_request(client, ha, "carl")

        assert pending_ids(client, hc) == [request["id"]]

    def test_the_limit_is_per_sender(self, client: TestClient, anna: Learner, bob: Learner) -> None:
        (_, ha), (_, hb) = anna, bob
        _, hc = signed_up(client, username="carl")
        for _ in range(3):
            self.ask_and_be_rejected(client, ha, hb)

        request = sent_request(client, hc, "bob")

        assert pending_ids(client, hb) == [request["id"]]


class TestCrossingRequests:
    def test_asking_someone_who_asked_you_makes_you_friends_at_once(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        sent_request(client, ha, "bob")
        clock.advance(timedelta(minutes=5))

        response = send(client, hb, "anna")

        assert response.status_code == 201, response.text
        request = response.json()
        assert request["status"] == "accepted"
        assert (request["sender"]["username"], request["receiver"]["username"]) == ("bob", "anna")
        assert instant(request["responded_at"]) == START + timedelta(minutes=5)
        assert friend_names(client, ha) == ["bob"]
        assert friend_names(client, hb) == ["anna"]
        assert instant(friends(client, ha)[0]["friends_since"]) == START + timedelta(minutes=5)
        assert_nothing_pending(client, ha, hb)

    def test_the_first_request_can_no_longer_be_answered(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        first = sent_request(client, ha, "bob")
        sent_request(client, hb, "anna")

        for verb in ("accept", "reject"):
            assert_problem(answer(client, hb, first["id"], verb), 409, "friend_request_not_pending")
        assert_problem(cancel(client, ha, first["id"]), 409, "friend_request_not_pending")
        assert friend_names(client, ha) == ["bob"]
        assert friend_names(client, hb) == ["anna"]


class TestListingRequests:
    def test_newest_first(self, client: TestClient, clock: FixedClock, anna: Learner) -> None:
        _, ha = anna
        senders = [signed_up(client, username=name)[1] for name in ("carl", "dora", "emil")]
        ids = []
        for headers in senders:
            ids.append(sent_request(client, headers, "anna")["id"])
            clock.advance(timedelta(minutes=1))

        received = pending(client, ha)

        assert [request["id"] for request in received] == ids[::-1]
        assert [request["sender"]["username"] for request in received] == ["emil", "dora", "carl"]
        assert waiting(client, ha) == 3

    def test_sent_requests_newest_first(
        self, client: TestClient, clock: FixedClock, anna: Learner
    ) -> None:
        _, ha = anna
        for name in ("carl", "dora", "emil"):
            signed_up(client, username=name)
            sent_request(client, ha, name)
            clock.advance(timedelta(minutes=1))

        sent = pending(client, ha, "sent")

        assert [request["receiver"]["username"] for request in sent] == ["emil", "dora", "carl"]
        assert {request["sender"]["username"] for request in sent} == {"anna"}

    def test_only_pending_requests_are_listed_and_counted(
        self, client: TestClient, anna: Learner
    ) -> None:
        _, ha = anna
        learners = {name: signed_up(client, username=name)[1] for name in ("carl", "dora", "emil")}
        requests = {name: sent_request(client, h, "anna") for name, h in learners.items()}
        assert answer(client, ha, requests["carl"]["id"], "accept").status_code == 200
        assert answer(client, ha, requests["dora"]["id"], "reject").status_code == 200

        assert pending_ids(client, ha) == [requests["emil"]["id"]]
        assert waiting(client, ha) == 1
        assert pending(client, learners["carl"], "sent") == []
        assert pending(client, learners["dora"], "sent") == []


class TestAccepting:
    def test_the_receiver_accepts_and_both_are_friends(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        clock.advance(timedelta(hours=2))

        response = answer(client, hb, request["id"], "accept")

        assert response.status_code == 200, response.text
        accepted = response.json()
        assert accepted == {
            **request,
            "status": "accepted",
            "responded_at": accepted["responded_at"],
        }
        assert instant(accepted["responded_at"]) == START + timedelta(hours=2)
        assert friend_names(client, ha) == ["bob"]
        assert friend_names(client, hb) == ["anna"]
        assert_nothing_pending(client, ha, hb)

    def test_the_sender_cannot_accept_their_own_request(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")

        assert_problem(answer(client, ha, request["id"], "accept"), 403, "friend_request_not_yours")

        assert pending(client, hb) == [request]
        assert friends(client, ha) == [] and friends(client, hb) == []

    def test_accepting_twice_is_refused(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        assert answer(client, hb, request["id"], "accept").status_code == 200

        for verb in ("accept", "reject"):
            response = answer(client, hb, request["id"], verb)
            assert_problem(response, 409, "friend_request_not_pending")

        assert friend_names(client, ha) == ["bob"]
        assert friend_names(client, hb) == ["anna"]

    def test_a_cancelled_request_cannot_be_accepted(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        assert cancel(client, ha, request["id"]).status_code == 204

        assert_problem(
            answer(client, hb, request["id"], "accept"), 409, "friend_request_not_pending"
        )

        assert friends(client, ha) == [] and friends(client, hb) == []
        assert_nothing_pending(client, ha, hb)


class TestRejecting:
    def test_the_receiver_rejects_and_nobody_is_friends(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        clock.advance(timedelta(minutes=30))

        response = answer(client, hb, request["id"], "reject")

        assert response.status_code == 200, response.text
        assert response.json()["status"] == "rejected"
        assert response.json()["id"] == request["id"]
        assert instant(response.json()["responded_at"]) == START + timedelta(minutes=30)
        assert friends(client, ha) == [] and friends(client, hb) == []
        assert_nothing_pending(client, ha, hb)

    def test_a_rejected_request_can_be_sent_again(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        first = sent_request(client, ha, "bob")
        answer(client, hb, first["id"], "reject")
        clock.advance(timedelta(hours=1))

        second = send(client, ha, "bob")

        assert second.status_code == 201, second.text
        assert second.json()["status"] == "pending"
        assert second.json()["id"] != first["id"]
        assert pending_ids(client, hb) == [second.json()["id"]]
        assert answer(client, hb, second.json()["id"], "accept").status_code == 200
        assert friend_names(client, ha) == ["bob"]

    def test_the_sender_cannot_reject_their_own_request(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")

        assert_problem(answer(client, ha, request["id"], "reject"), 403, "friend_request_not_yours")

        assert pending(client, hb) == [request]

    def test_rejecting_twice_is_refused(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        answer(client, hb, request["id"], "reject")

        for verb in ("reject", "accept"):
            response = answer(client, hb, request["id"], verb)
            assert_problem(response, 409, "friend_request_not_pending")

        assert friends(client, ha) == [] and friends(client, hb) == []


class TestCancelling:
    def test_the_sender_withdraws_a_request(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")

        response = cancel(client, ha, request["id"])

        assert response.status_code == 204, response.text
        assert response.content == b""
        assert_nothing_pending(client, ha, hb)
        assert friends(client, ha) == [] and friends(client, hb) == []

    def test_a_withdrawn_request_can_be_sent_again(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        cancel(client, ha, sent_request(client, ha, "bob")["id"])

        request = sent_request(client, ha, "bob")

        assert pending_ids(client, hb) == [request["id"]]

    def test_the_receiver_cannot_withdraw_it(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")

        assert_problem(cancel(client, hb, request["id"]), 403, "friend_request_not_yours")

        assert pending(client, hb) == [request]
        assert pending(client, ha, "sent") == [request]

    def test_withdrawing_twice_is_refused(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        cancel(client, ha, request["id"])

        assert_problem(cancel(client, ha, request["id"]), 409, "friend_request_not_pending")
        assert_nothing_pending(client, ha, hb)

    def test_an_accepted_request_cannot_be_withdrawn(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        answer(client, hb, request["id"], "accept")

        assert_problem(cancel(client, ha, request["id"]), 409, "friend_request_not_pending")
        assert friend_names(client, ha) == ["bob"]
        assert friend_names(client, hb) == ["anna"]


class TestSomebodyElsesRequest:
    @pytest.mark.parametrize("verb", ["accept", "reject", "cancel"])
    def test_a_third_learner_is_told_there_is_no_such_request(
        self, client: TestClient, anna: Learner, bob: Learner, verb: str
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        _, hc = signed_up(client, username="carl")
        request = sent_request(client, ha, "bob")

        if verb == "cancel":
            response = cancel(client, hc, request["id"])
        else:
            response = answer(client, hc, request["id"], verb)

        assert_problem(response, 404, "friend_request_not_found")
        assert pending(client, hb) == [request]
        assert friends(client, hc) == [] and friends(client, hb) == []

    @pytest.mark.parametrize("verb", ["accept", "reject", "cancel"])
    def test_an_unknown_request_id(
        self, client: TestClient, anna: Learner, bob: Learner, verb: str
    ) -> None:
        # B13: answering a request id that does not exist crashed instead of a 404.
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        unknown = request["id"] + 1000

        if verb == "cancel":
            response = cancel(client, ha, unknown)
        else:
            response = answer(client, hb, unknown, verb)

        assert_problem(response, 404, "friend_request_not_found")
        assert pending(client, hb) == [request]


class TestFriendsList:
    def test_each_friend_lists_the_other(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        # B10: the friendship showed up only on the side of the learner who accepted.
        (anna_user, ha), (bob_user, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        clock.advance(timedelta(hours=1))
        answer(client, hb, request["id"], "accept")

        seen_by_anna, seen_by_bob = friends(client, ha), friends(client, hb)

        assert [friend["username"] for friend in seen_by_anna] == ["bob"]
        assert [friend["username"] for friend in seen_by_bob] == ["anna"]
        for friend, user in ((seen_by_anna[0], bob_user), (seen_by_bob[0], anna_user)):
            assert set(friend) == FRIEND_FIELDS
            assert friend["display_name"] == user["display_name"]
            assert friend["avatar"] == user["avatar"]
            assert instant(friend["friends_since"]) == START + timedelta(hours=1)
            assert (friend["friend_streak"], friend["max_friend_streak"]) == (0, 0)
            assert friend["max_friend_streak_date"] is None
            assert friend["streaks"] == []

    def test_never_shows_an_email_address(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")

        for headers in (ha, hb):
            response = client.get("/v1/me/friends", headers=headers)
            assert response.status_code == 200
            assert "@example.com" not in response.text
            assert "email" not in response.text

    def test_sorted_by_username_ignoring_case(self, client: TestClient, anna: Learner) -> None:
        _, ha = anna
        for name in ("Zed", "carl", "Bob_2"):
            _, headers = signed_up(client, username=name)
            befriend(client, ha, headers, name)

        assert friend_names(client, ha) == ["Bob_2", "carl", "Zed"]

    def test_shows_each_friends_streaks_and_the_shared_streak(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")
        practise(client, ha)
        practise(client, hb, "fr")
        clock.advance(timedelta(days=1))
        practise(client, ha)
        practise(client, hb, "fr")

        [bob_seen] = friends(client, ha)
        [anna_seen] = friends(client, hb)

        day_two = (START + timedelta(days=1)).date().isoformat()
        assert (bob_seen["friend_streak"], bob_seen["max_friend_streak"]) == (2, 2)
        assert bob_seen["max_friend_streak_date"] == day_two
        assert (anna_seen["friend_streak"], anna_seen["max_friend_streak"]) == (2, 2)
        assert bob_seen["streaks"] == [
            {
                "language": "fr",
                "language_name": "French",
                "daily_streak": 2,
                "max_streak": 2,
                "max_streak_date": day_two,
                "practiced_today": True,
            }
        ]
        assert [streak["language"] for streak in anna_seen["streaks"]] == ["es"]

    def test_practised_today_is_each_friends_own_today(
        self, client: TestClient, clock: FixedClock, anna: Learner
    ) -> None:
        # At 10:30 UTC the world spans three dates: it is already tomorrow in Kiritimati
        # (UTC+14) and still yesterday in Pago Pago (UTC-11).
        _, ha = anna
        zones = {"kiri": "Pacific/Kiritimati", "uta": "UTC", "pago": "Pacific/Pago_Pago"}
        headers = {}
        for name, zone in zones.items():
            _, headers[name] = signed_up(client, username=name, timezone=zone)
            befriend(client, ha, headers[name], name)
        practise(client, headers["uta"], "fr")  # 2026-03-10, Pago Pago's today tomorrow
        clock.advance(timedelta(hours=22, minutes=30))
        practise(client, headers["kiri"], "fr")  # 2026-03-12 in Kiritimati
        practise(client, headers["pago"], "fr")  # 2026-03-10 in Pago Pago

        shown = {
            friend["username"]: [
                (s["daily_streak"], s["practiced_today"]) for s in friend["streaks"]
            ]
            for friend in friends(client, ha)
        }

        assert shown == {"kiri": [(1, True)], "pago": [(1, True)], "uta": [(1, False)]}

    def test_practice_on_only_one_side_is_no_shared_day(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")
        practise(client, ha)

        [bob_seen] = friends(client, ha)

        assert (bob_seen["friend_streak"], bob_seen["max_friend_streak"]) == (0, 0)
        assert bob_seen["streaks"] == []


class TestUnfriending:
    def test_neither_lists_the_other_afterwards(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        # B10: unfriending removed the friend from one side only.
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")

        response = unfriend(client, hb, "anna")

        assert response.status_code == 204, response.text
        assert friends(client, ha) == []
        assert friends(client, hb) == []
        assert_problem(unfriend(client, ha, "bob"), 404, "not_friends")

    def test_the_username_is_found_in_any_case(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")

        assert unfriend(client, ha, "BOB").status_code == 204
        assert friends(client, hb) == []

    def test_a_learner_who_is_not_a_friend(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        _, hc = signed_up(client, username="carl")
        befriend(client, ha, hc, "carl")
        request = sent_request(client, ha, "bob")

        assert_problem(unfriend(client, ha, "bob"), 404, "not_friends")

        assert friend_names(client, ha) == ["carl"]
        assert pending(client, hb) == [request]

    def test_befriending_again_starts_a_new_friendship(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        # B12: a renewed friendship kept the old friends_since and the old friend streak.
        (_, ha), (_, hb) = anna, bob
        befriend(client, ha, hb, "bob")
        practise(client, ha)
        practise(client, hb)
        clock.advance(timedelta(days=1))
        practise(client, ha)
        practise(client, hb)
        assert friends(client, ha)[0]["friend_streak"] == 2
        assert unfriend(client, ha, "bob").status_code == 204
        clock.advance(timedelta(days=1))

        befriend(client, hb, ha, "anna")
        practise(client, ha)
        practise(client, hb)

        day_three = START + timedelta(days=2)
        for headers in (ha, hb):
            [friend] = friends(client, headers)
            assert instant(friend["friends_since"]) == day_three
            assert friend["friend_streak"] == 1
            assert friend["max_friend_streak"] == 1
            assert friend["max_friend_streak_date"] == day_three.date().isoformat()


class TestAtTheSameMoment:
    def test_two_learners_asking_each_other_at_once_become_friends_once(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob

        responses = at_once([lambda: send(client, ha, "bob"), lambda: send(client, hb, "anna")])

        assert [response.status_code for response in responses] == [201, 201]
        statuses = [response.json()["status"] for response in responses]
        assert "accepted" in statuses, statuses
        assert set(statuses) <= {"accepted", "pending"}
        assert friend_names(client, ha) == ["bob"]
        assert friend_names(client, hb) == ["anna"]
        assert_nothing_pending(client, ha, hb)

    def test_one_request_accepted_twice_at_once_makes_one_friendship(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")

        responses = at_once([lambda: answer(client, hb, request["id"], "accept")] * 2)

        ok = [response for response in responses if response.status_code == 200]
        refused = [response for response in responses if response.status_code != 200]
        assert len(ok) == 1 and len(refused) == 1, [r.text for r in responses]
        assert ok[0].json()["status"] == "accepted"
        assert_problem(refused[0], 409, "friend_request_not_pending")
        assert friend_names(client, ha) == ["bob"]
        assert friend_names(client, hb) == ["anna"]
        assert_nothing_pending(client, ha, hb)


class TestTheOpenApiDocument:
    def test_the_refusals_of_answering_a_request_are_declared(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        # Found by the fuzzer: these answers were missing from /openapi.json.
        (_, ha), (_, hb) = anna, bob
        request = sent_request(client, ha, "bob")
        refusals = [
            (answer(client, ha, request["id"], "accept"), 403, "friend_request_not_yours"),
            (answer(client, hb, request["id"] + 1000, "accept"), 404, "friend_request_not_found"),
        ]
        assert answer(client, hb, request["id"], "accept").status_code == 200
        again = answer(client, hb, request["id"], "accept")
        refusals.append((again, 409, "friend_request_not_pending"))

        paths = client.get("/openapi.json").json()["paths"]
        answers = paths["/v1/friend-requests/{request_id}/accept"]["post"]["responses"]
        for response, status, code in refusals:
            assert_problem(response, status, code)
            assert "application/problem+json" in answers[str(status)]["content"]

    def test_its_links_lead_from_a_request_to_its_answers_and_on_to_unfriending(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        paths = client.get("/openapi.json").json()["paths"]
        sent = paths["/v1/friend-requests"]["post"]["responses"]["201"]["links"]
        accepted = paths["/v1/friend-requests/{request_id}/accept"]["post"]["responses"]["200"]

        def follow(link: dict[str, Any], answer: Response, headers: Headers) -> Response:
            """What a client does with a link: find its operation, fill in its parameters."""
            _, _, escaped, method = link["operationRef"].split("/")
            path = escaped.replace("~1", "/").replace("~0", "~")
            assert method in paths[path]
            for target, expression in link["parameters"].items():
                value: Any = answer.json()
                for key in expression.removeprefix("$response.body#/").split("/"):
                    value = value[key]
                path = path.replace(f"{{{target.removeprefix('path.')}}}", str(value))
            return client.request(method, path, headers=headers)

        request = send(client, ha, "bob")
        answered = follow(sent["AcceptRequest"], request, hb)
        assert answered.status_code == 200, answered.text
        assert follow(accepted["links"]["EndFriendship"], answered, hb).status_code == 204
        assert friends(client, ha) == [] and friends(client, hb) == []

        withdrawn = follow(sent["WithdrawRequest"], send(client, ha, "bob"), ha)
        assert withdrawn.status_code == 204, withdrawn.text
        rejected = follow(sent["RejectRequest"], send(client, ha, "bob"), hb)
        assert rejected.status_code == 200, rejected.text
        assert rejected.json()["status"] == "rejected"
        assert_nothing_pending(client, ha, hb)
