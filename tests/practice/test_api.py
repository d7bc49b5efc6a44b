"""The practice endpoints as a platform and a learner's app use them."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import signed_up
from tests.http import assert_problem
from zeal.accounts import service as accounts_service
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.practice.models import PracticeDay, PracticeEvent, UserLanguage

EVENTS = "/v1/me/practice-events"


def stored_rows(db: Database) -> tuple[int, int, int]:
    with db.transaction(write=False) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (PracticeEvent, PracticeDay, UserLanguage)
        )


def api_key(db: Database, ctx: Context) -> tuple[int, str]:
    with db.transaction() as session:
        secret, row = accounts_service.create_api_key(session, ctx, name="platform")
        return row.id, secret


class TestRecordingPractice:
    def test_an_event_returns_the_streak_of_its_language(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        response = client.post(
            EVENTS,
            headers=headers,
            json={
                "type": "exercise",
                "language": "es",
                "outcome": "correct",
                "duration_seconds": 40,
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert body["event"]["day"] == "2026-03-10"
        assert body["streak"]["language_name"] == "Spanish"
        assert (body["streak"]["daily_streak"], body["streak"]["practiced_today"]) == (1, True)
        assert body["streak"]["practice_seconds_today"] == 40

    def test_the_ledger_shows_each_activity(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        for event in (
            {"type": "exercise", "outcome": "correct", "duration_seconds": 30},
            {"type": "exercise", "outcome": "wrong", "duration_seconds": 20},
            {"type": "reading", "duration_seconds": 600},
            {"type": "word_translated"},
            {"type": "article_completed"},
            {"type": "listening", "duration_seconds": 300},
            {"type": "audio_lesson_completed"},
            {"type": "word_learned"},
        ):
            assert client.post(EVENTS, headers=headers, json={"language": "fr", **event}).is_success
        days = client.get("/v1/me/practice-days?language=fr", headers=headers).json()["days"]
        assert len(days) == 1
        day = days[0]
        assert (day["exercises_done"], day["exercises_correct"]) == (2, 1)
        assert (day["exercise_seconds"], day["reading_seconds"], day["listening_seconds"]) == (
            50,
            600,
            300,
        )
        assert day["practice_seconds"] == 950
        assert (day["words_translated"], day["articles_read"]) == (1, 1)
        assert (day["audio_lessons_completed"], day["words_learned"], day["events"]) == (1, 1, 8)

    def test_the_language_code_is_case_insensitive(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        response = client.post(EVENTS, headers=headers, json={"type": "reading", "language": "DE"})
        assert response.json()["event"]["language"] == "de"

    def test_a_learner_needs_a_session(self, client: TestClient) -> None:
        assert_problem(
            client.post(EVENTS, json={"type": "reading", "language": "de"}), 401, "invalid_token"
        )


class TestIdempotency:
    def test_the_same_key_twice_counts_once_and_replays_the_first_answer(
        self, client: TestClient, db: Database, clock: FixedClock
    ) -> None:
        _, headers = signed_up(client)
        event = {
            "type": "exercise",
            "language": "es",
            "outcome": "correct",
            "idempotency_key": "a1",
        }
        first = client.post(EVENTS, headers=headers, json=event)
        clock.advance(timedelta(days=1))  # a retry the next day must not count as that day
        again = client.post(EVENTS, headers=headers, json=event)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert stored_rows(db) == (1, 1, 1)

    def test_a_key_reused_for_a_different_event_is_refused(
        self, client: TestClient, db: Database
    ) -> None:
        _, headers = signed_up(client)
        base = {"type": "exercise", "language": "es", "idempotency_key": "k"}
        client.post(EVENTS, headers=headers, json={**base, "outcome": "correct"})
        response = client.post(EVENTS, headers=headers, json={**base, "outcome": "wrong"})
        assert_problem(response, 422, "idempotency_key_reused")
        assert stored_rows(db) == (1, 1, 1)

    def test_keys_belong_to_one_learner(self, client: TestClient, db: Database) -> None:
        _, anna = signed_up(client)
        _, ben = signed_up(client)
        event = {"type": "reading", "language": "es", "idempotency_key": "same"}
        assert client.post(EVENTS, headers=anna, json=event).status_code == 201
        assert client.post(EVENTS, headers=ben, json=event).status_code == 201

    def test_keys_are_case_sensitive(self, client: TestClient, db: Database) -> None:
        _, headers = signed_up(client)
        for key in ("Key", "key"):
            event = {"type": "reading", "language": "es", "idempotency_key": key}
            assert client.post(EVENTS, headers=headers, json=event).status_code == 201
        assert stored_rows(db)[0] == 2


class TestPlatformEvents:
    def test_a_platform_records_practice_for_a_learner(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        user, headers = signed_up(client)
        _, secret = api_key(db, ctx)
        response = client.post(
            f"/v1/users/{user['id']}/practice-events",
            headers={"X-API-Key": secret},
            json={"type": "listening", "language": "it", "duration_seconds": 120},
        )
        assert response.status_code == 201
        streaks = client.get("/v1/me/streaks", headers=headers).json()["streaks"]
        assert [(s["language"], s["daily_streak"]) for s in streaks] == [("it", 1)]

    def test_an_unknown_learner_is_a_404(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        _, secret = api_key(db, ctx)
        response = client.post(
            "/v1/users/999999/practice-events",
            headers={"X-API-Key": secret},
            json={"type": "reading", "language": "it"},
        )
        assert_problem(response, 404, "user_not_found")

    @pytest.mark.parametrize("key", [None, "zk_not-a-key"])
    def test_without_a_valid_key_nothing_is_recorded(
        self, client: TestClient, db: Database, key: str | None
    ) -> None:
        user, _ = signed_up(client)
        headers = {"X-API-Key": key} if key else {}
        response = client.post(
            f"/v1/users/{user['id']}/practice-events",
            headers=headers,
            json={"type": "reading", "language": "it"},
        )
        assert_problem(response, 401, "invalid_api_key")
        assert stored_rows(db) == (0, 0, 0)

    def test_a_revoked_key_stops_working(
        self, client: TestClient, db: Database, ctx: Context
    ) -> None:
        user, _ = signed_up(client)
        key_id, secret = api_key(db, ctx)
        with db.transaction() as session:
            assert accounts_service.revoke_api_key(session, ctx, key_id)
        response = client.post(
            f"/v1/users/{user['id']}/practice-events",
            headers={"X-API-Key": secret},
            json={"type": "reading", "language": "it"},
        )
        assert_problem(response, 401, "invalid_api_key")

    def test_a_learner_token_is_not_a_platform_key(self, client: TestClient) -> None:
        user, headers = signed_up(client)
        response = client.post(
            f"/v1/users/{user['id']}/practice-events",
            headers=headers,
            json={"type": "reading", "language": "it"},
        )
        assert_problem(response, 401, "invalid_api_key")


BAD_EVENTS = [
    ({"type": "exercise", "language": "xx"}, 422, "language_unknown"),
    ({"type": "exercise", "language": "spanish"}, 422, "language_unknown"),
    ({"type": "juggling", "language": "es"}, 422, "validation_error"),
    ({"type": "reading", "language": "es", "duration_seconds": -1}, 422, "validation_error"),
    ({"type": "reading", "language": "es", "duration_seconds": 14_401}, 422, "validation_error"),
    ({"type": "reading", "language": "es", "outcome": "correct"}, 422, "outcome_invalid"),
    ({"type": "exercise", "language": "es", "outcome": "great"}, 422, "validation_error"),
    ({"type": "exercise", "language": "es", "mood": "happy"}, 422, "validation_error"),
    ({"type": "exercise", "language": "es", "idempotency_key": ""}, 422, "validation_error"),
    ({"language": "es"}, 422, "validation_error"),
    (
        {"type": "reading", "language": "es", "occurred_at": "2026-03-10T12:00:00"},
        422,
        "validation_error",
    ),
    (
        {"type": "reading", "language": "es", "occurred_at": "2026-03-10T12:06:00Z"},
        422,
        "occurred_at_in_future",
    ),
    (
        {"type": "reading", "language": "es", "occurred_at": "2026-03-03T11:59:00Z"},
        422,
        "occurred_at_too_old",
    ),
]


class TestBadInput:
    @pytest.mark.parametrize(("event", "status", "code"), BAD_EVENTS)
    def test_is_refused_with_a_code_and_stores_nothing(
        self, client: TestClient, db: Database, event: dict[str, Any], status: int, code: str
    ) -> None:
        _, headers = signed_up(client)
        assert_problem(client.post(EVENTS, headers=headers, json=event), status, code)
        assert stored_rows(db) == (0, 0, 0)

    def test_the_edges_of_the_allowed_window_are_accepted(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        for at in ("2026-03-10T12:05:00Z", "2026-03-03T12:00:00Z", "2026-03-10T13:00:00+01:00"):
            event = {"type": "reading", "language": "es", "occurred_at": at}
            assert client.post(EVENTS, headers=headers, json=event).status_code == 201

    def test_malformed_json(self, client: TestClient, db: Database) -> None:
        _, headers = signed_up(client)
        response = client.post(
            EVENTS,
            headers={**headers, "Content-Type": "application/json"},
            content=b'{"type": "exercise", ',
        )
        assert_problem(response, 400, "malformed_json")
        assert stored_rows(db) == (0, 0, 0)

    def test_an_oversized_body(self, client: TestClient, db: Database) -> None:
        _, headers = signed_up(client)
        huge = {"type": "exercise", "language": "es", "idempotency_key": "x" * 100_000}
        assert_problem(client.post(EVENTS, headers=headers, json=huge), 413, "payload_too_large")
        assert stored_rows(db) == (0, 0, 0)

    def test_an_oversized_body_without_a_length_header(
        self, client: TestClient, db: Database
    ) -> None:
        _, headers = signed_up(client)

        def chunks() -> Any:
            yield b'{"type": "exercise", "language": "es", "idempotency_key": "'
            for _ in range(100):
                yield b"x" * 1_000
            yield b'"}'

        response = client.post(
            EVENTS, headers={**headers, "Content-Type": "application/json"}, content=chunks()
        )
        assert_problem(response, 413, "payload_too_large")
        assert stored_rows(db) == (0, 0, 0)


class TestReadingStreaks:
    def test_streaks_list_every_language_longest_first(
        self, client: TestClient, clock: FixedClock
    ) -> None:
        _, headers = signed_up(client)
        for language in ("fr", "es"):
            client.post(EVENTS, headers=headers, json={"type": "reading", "language": language})
        clock.advance(timedelta(days=1))
        client.post(EVENTS, headers=headers, json={"type": "reading", "language": "es"})
        body = client.get("/v1/me/streaks", headers=headers).json()
        assert body["today"] == "2026-03-11"
        assert [
            (s["language"], s["daily_streak"], s["practiced_today"]) for s in body["streaks"]
        ] == [
            ("es", 2, True),
            ("fr", 1, False),
        ]

    def test_todays_practice_time_adds_up_every_kind_of_practice_of_today_only(
        self, client: TestClient, clock: FixedClock
    ) -> None:
        _, headers = signed_up(client)
        yesterday = {"type": "reading", "language": "es", "duration_seconds": 120}
        assert client.post(EVENTS, headers=headers, json=yesterday).is_success
        clock.advance(timedelta(days=1))
        for event in (
            {"type": "exercise", "outcome": "correct", "duration_seconds": 30},
            {"type": "reading", "duration_seconds": 600},
            {"type": "listening", "duration_seconds": 300},
        ):
            assert client.post(EVENTS, headers=headers, json={"language": "es", **event}).is_success
        fr = {"type": "word_learned", "language": "fr"}
        assert client.post(EVENTS, headers=headers, json=fr).is_success
        body = client.get("/v1/me/streaks", headers=headers).json()
        shown = {s["language"]: s["practice_seconds_today"] for s in body["streaks"]}
        assert shown == {"es": 930, "fr": 0}

    def test_reading_streaks_writes_nothing(self, client: TestClient, db: Database) -> None:
        _, headers = signed_up(client)
        client.get("/v1/me/streaks", headers=headers)
        assert stored_rows(db) == (0, 0, 0)


class TestPracticeDays:
    def test_a_range_of_days(self, client: TestClient, clock: FixedClock) -> None:
        _, headers = signed_up(client)
        for _ in range(3):
            client.post(EVENTS, headers=headers, json={"type": "reading", "language": "es"})
            clock.advance(timedelta(days=1))
        body = client.get(
            "/v1/me/practice-days?from=2026-03-11&to=2026-03-12", headers=headers
        ).json()
        assert (body["from"], body["to"]) == ("2026-03-11", "2026-03-12")
        assert [d["day"] for d in body["days"]] == ["2026-03-11", "2026-03-12"]

    @pytest.mark.parametrize(
        ("query", "code"),
        [
            ("from=2026-03-12&to=2026-03-11", "date_range_invalid"),
            ("from=2025-01-01&to=2026-03-10", "date_range_invalid"),
            ("from=yesterday", "validation_error"),
            ("language=zz", "language_unknown"),
        ],
    )
    def test_bad_ranges_are_refused(self, client: TestClient, query: str, code: str) -> None:
        _, headers = signed_up(client)
        assert_problem(client.get(f"/v1/me/practice-days?{query}", headers=headers), 422, code)


def test_the_openapi_document_declares_the_replay_and_an_unknown_learner(
    client: TestClient, db: Database, ctx: Context
) -> None:
    _, headers = signed_up(client)
    _, secret = api_key(db, ctx)
    event = {"type": "reading", "language": "es", "idempotency_key": "k1"}
    assert client.post(EVENTS, headers=headers, json=event).status_code == 201
    replay = client.post(EVENTS, headers=headers, json=event)
    unknown = client.post(
        "/v1/users/999999/practice-events", headers={"X-API-Key": secret}, json=event
    )

    assert replay.status_code == 200, replay.text
    assert_problem(unknown, 404, "user_not_found")
    paths = client.get("/openapi.json").json()["paths"]
    for path in (EVENTS, "/v1/users/{user_id}/practice-events"):
        answers = paths[path]["post"]["responses"]
        # The replay is the first answer again; it was declared without any body.
        assert answers["200"]["content"] == answers["201"]["content"]
    answers = paths["/v1/users/{user_id}/practice-events"]["post"]["responses"]
    assert "application/problem+json" in answers["404"]["content"]
