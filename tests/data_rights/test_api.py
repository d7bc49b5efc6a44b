"""A learner's data rights over HTTP: a full copy of their data, and deleting their account."""

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, signed_up
from tests.friends.helpers import Learner, befriend, friend_names, pending, sent_request
from tests.http import assert_problem
from tests.leaderboards.helpers import cohort_board, join, names, new_cohort

Headers = dict[str, str]


def delete_me(client: TestClient, headers: Headers, password: str = PASSWORD) -> Any:
    return client.request("DELETE", "/v1/me", json={"password": password}, headers=headers)


def exercise(client: TestClient, headers: Headers, key: str = "k1") -> Any:
    body = {"type": "exercise", "language": "es", "outcome": "correct", "idempotency_key": key}
    response = client.post("/v1/me/practice-events", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def export(client: TestClient, headers: Headers) -> dict[str, Any]:
    response = client.get("/v1/me/export", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestExport:
    def test_holds_the_learners_data_from_every_part_of_zeal(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, anna_h), (_, bob_h) = anna, bob
        carl, carl_h = signed_up(client, username="carl")
        signed_up(client, username="dora")
        exercise(client, anna_h)
        befriend(client, anna_h, bob_h, "bob")
        sent_request(client, carl_h, "anna")
        client.post("/v1/me/blocks", json={"username": "dora"}, headers=anna_h)
        cohort = new_cohort(client, bob_h)
        join(client, anna_h, cohort)

        body = export(client, anna_h)

        assert body["account"]["username"] == "anna"
        assert body["account"]["email"] == "anna@example.com"
        assert [e["idempotency_key"] for e in body["practice_events"]] == ["k1"]
        assert [(d["language"], d["exercises_correct"]) for d in body["practice_days"]] == [
            ("es", 1)
        ]
        assert [(s["language"], s["daily_streak"]) for s in body["languages"]] == [("es", 1)]
        assert [f["friend"] for f in body["friendships"]] == ["bob"]
        requests = [(r["sender"], r["receiver"], r["status"]) for r in body["friend_requests"]]
        assert ("carl", "anna", "pending") in requests
        assert ("anna", "bob", "accepted") in requests
        assert [b["blocked"] for b in body["blocks"]] == ["dora"]
        assert [(b["metric"], b["name"]) for b in body["badges"]] == [("friends", "Newcomer")]
        metrics = {m["metric"]: m["value"] for m in body["metrics"]}
        assert metrics["correct_exercises"] == 1 and metrics["friends"] == 1
        assert [(c["class_id"], c["role"]) for c in body["classes"]] == [(cohort["id"], "student")]
        assert len(body["sessions"]) == 1
        assert len(body["devices"]) == 1  # the sign-in made this client a known device
        assert carl["email"] not in str(body)

    def test_never_holds_secrets_or_who_blocked_the_learner(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, anna_h), (_, bob_h) = anna, bob
        client.post("/v1/me/blocks", json={"username": "anna"}, headers=bob_h)
        response = client.get("/v1/me/export", headers=anna_h)
        text = response.text
        assert "password" not in text and "token_hash" not in text and "argon2" not in text
        assert anna_h["Authorization"].removeprefix("Bearer ") not in text
        assert response.json()["blocks"] == []
        assert "bob" not in text

    def test_is_offered_as_a_file_named_after_the_learner(
        self, client: TestClient, anna: Learner
    ) -> None:
        response = client.get("/v1/me/export", headers=anna[1])
        assert response.headers["content-disposition"] == (
            'attachment; filename="zeal-anna-2026-03-10.json"'
        )

    def test_needs_a_session(self, client: TestClient, anna: Learner) -> None:
        assert_problem(client.get("/v1/me/export"), 401, "invalid_token")


class TestDeleteAccount:
    def test_removes_the_learner_everywhere_others_look(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, anna_h), (_, bob_h) = anna, bob
        _, carl_h = signed_up(client, username="carl")
        exercise(client, anna_h)
        exercise(client, bob_h)
        befriend(client, anna_h, bob_h, "bob")
        sent_request(client, anna_h, "carl")
        cohort = new_cohort(client, carl_h)
        join(client, anna_h, cohort)
        join(client, bob_h, cohort)
        assert "anna" in names(cohort_board(client, carl_h, cohort["id"]))
        assert len(pending(client, carl_h)) == 1

        assert delete_me(client, anna_h).status_code == 204

        assert friend_names(client, bob_h) == []
        bobs = {m["metric"]: m["value"] for m in export(client, bob_h)["metrics"]}
        assert bobs["friends"] == 0  # the badge progress counts friends Bob has now
        assert pending(client, carl_h) == []
        assert names(cohort_board(client, carl_h, cohort["id"])) == ["bob"]
        board = client.get(
            "/v1/leaderboards/friends", params={"metric": "correct_exercises"}, headers=bob_h
        ).json()
        assert "anna" not in str(board)
        assert_problem(client.get("/v1/users/anna", headers=bob_h), 404, "user_not_found")

    def test_the_session_ends_and_the_name_and_email_are_free_again(
        self, client: TestClient, anna: Learner
    ) -> None:
        assert delete_me(client, anna[1]).status_code == 204
        assert_problem(client.get("/v1/me", headers=anna[1]), 401, "invalid_token")
        login = {"login": "anna", "password": PASSWORD}
        assert_problem(client.post("/v1/sessions", json=login), 401, "invalid_credentials")
        again, _ = signed_up(client, username="anna", email="anna@example.com")
        assert again["username"] == "anna"

    def test_a_wrong_password_deletes_nothing(self, client: TestClient, anna: Learner) -> None:
        exercise(client, anna[1])
        assert_problem(delete_me(client, anna[1], "not my password"), 403, "password_incorrect")
        assert client.get("/v1/me", headers=anna[1]).status_code == 200
        assert len(export(client, anna[1])["practice_events"]) == 1

    def test_the_password_is_required(self, client: TestClient, anna: Learner) -> None:
        response = client.request("DELETE", "/v1/me", headers=anna[1])
        assert_problem(response, 422, "validation_error")
        assert client.get("/v1/me", headers=anna[1]).status_code == 200

    def test_a_sole_teacher_of_a_class_with_students_must_hand_it_on_first(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        (_, anna_h), (_, bob_h) = anna, bob
        cohort = new_cohort(client, anna_h)
        join(client, bob_h, cohort)
        body = assert_problem(delete_me(client, anna_h), 409, "class_needs_teacher")
        assert body["classes"] == [cohort["id"]]
        assert client.get("/v1/me", headers=anna_h).status_code == 200
        assert client.get(f"/v1/cohorts/{cohort['id']}", headers=bob_h).status_code == 200

        client.post(
            f"/v1/cohorts/{cohort['id']}/teachers", json={"username": "bob"}, headers=anna_h
        )
        assert delete_me(client, anna_h).status_code == 204
        assert client.get(f"/v1/cohorts/{cohort['id']}", headers=bob_h).status_code == 200

    def test_a_class_the_learner_was_alone_in_goes_with_them(
        self, client: TestClient, anna: Learner, bob: Learner
    ) -> None:
        cohort = new_cohort(client, anna[1])
        assert delete_me(client, anna[1]).status_code == 204
        response = client.post(
            "/v1/cohorts/join", json={"invite_code": cohort["invite_code"]}, headers=bob[1]
        )
        assert_problem(response, 404, "invite_code_unknown")

    def test_needs_a_session(self, client: TestClient, anna: Learner) -> None:
        response = client.request("DELETE", "/v1/me", json={"password": PASSWORD})
        assert_problem(response, 401, "invalid_token")
