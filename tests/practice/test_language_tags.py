"""BCP 47 language tags (issue 15, item 7): `es-MX` counts for Spanish, and the event keeps
the tag as sent. Usernames stay ASCII; display names take any script."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import signed_up
from tests.http import assert_problem
from tests.leaderboards.helpers import friends_board
from tests.platform.test_batch import send
from tests.platform.test_learners import key_of, put
from tests.practice.test_api import EVENTS, stored_rows
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.practice.languages import language_of

Headers = dict[str, str]


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("es", "es"),
        ("es-MX", "es"),
        ("ES-mx", "es"),
        ("pt-BR", "pt"),
        ("zh-Hant", "zh"),
        ("zh-Hant-TW", "zh"),
        ("sr-Latn-RS", "sr"),
        ("es-419", "es"),  # Latin American Spanish: a numeric region
        ("de-CH-1996", "de"),  # a variant
        ("en-US-u-ca-gregory", "en"),  # an extension
        ("fr-x-quebec", "fr"),  # private use
        ("zh-yue", "zh"),  # an extended language subtag
    ],
)
def test_a_tag_names_its_language(tag: str, language: str) -> None:
    assert language_of(tag) == language


@pytest.mark.parametrize(
    "tag",
    [
        "xx-MX",  # no such ISO 639-1 language
        "spa",  # ISO 639-2: three letters
        "es_MX",  # an underscore is not a tag's separator
        "es-",
        "-es",
        "es-M",  # a one-letter region
        "es-MX-",
        "es-Latn-Latn-Latn",
        "es--MX",
        "es-MX-" + "a" * 30,  # longer than a tag may be
        "",
    ],
)
def test_a_malformed_tag_or_unknown_language_names_none(tag: str) -> None:
    assert language_of(tag) is None


def post(client: TestClient, headers: Headers, language: str, **more: Any) -> Any:
    body = {"type": "exercise", "language": language, "outcome": "correct", **more}
    return client.post(EVENTS, headers=headers, json=body)


class TestEventsWithTags:
    def test_the_tag_counts_for_its_language_and_the_event_keeps_it(
        self, client: TestClient
    ) -> None:
        _, headers = signed_up(client)
        first = post(client, headers, "es-MX")
        assert first.status_code == 201, first.text
        assert first.json()["event"]["language"] == "es"
        assert first.json()["event"]["language_tag"] == "es-MX"
        assert first.json()["streak"]["language_name"] == "Spanish"
        second = post(client, headers, "es").json()

        # One Spanish streak and one Spanish day, with both events on it.
        assert second["event"]["language_tag"] == "es"
        streaks = client.get("/v1/me/streaks", headers=headers).json()["streaks"]
        assert [(s["language"], s["daily_streak"]) for s in streaks] == [("es", 1)]
        days = client.get("/v1/me/practice-days", headers=headers).json()["days"]
        assert [(d["language"], d["events"]) for d in days] == [("es", 2)]
        # The ledger may be asked by tag too.
        by_tag = client.get("/v1/me/practice-days?language=es-AR", headers=headers)
        assert [d["events"] for d in by_tag.json()["days"]] == [2]

    def test_scripts_and_regions_of_other_languages(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        for tag in ("pt-BR", "zh-Hant"):
            assert post(client, headers, tag).status_code == 201
        streaks = client.get("/v1/me/streaks", headers=headers).json()["streaks"]
        assert sorted(s["language"] for s in streaks) == ["pt", "zh"]

    @pytest.mark.parametrize("tag", ["xx-MX", "es_MX", "spa", "es-"])
    def test_a_bad_tag_is_refused_with_what_was_sent_and_stores_nothing(
        self, client: TestClient, db: Database, tag: str
    ) -> None:
        _, headers = signed_up(client)
        body = assert_problem(post(client, headers, tag), 422, "language_unknown")
        assert f"'{tag}'" in body["detail"]
        assert stored_rows(db) == (0, 0, 0)

    def test_a_retry_may_change_the_tags_case_but_not_the_tag(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        assert post(client, headers, "es-MX", idempotency_key="k").status_code == 201
        assert post(client, headers, "es-mx", idempotency_key="k").status_code == 200
        assert_problem(
            post(client, headers, "es-ES", idempotency_key="k"), 422, "idempotency_key_reused"
        )

    def test_boards_group_by_the_language(self, client: TestClient) -> None:
        _, headers = signed_up(client)
        post(client, headers, "es-MX")
        post(client, headers, "es-ES")
        for language in ("es", "es-MX"):
            board = friends_board(client, headers, language=language)
            assert [row["value"] for row in board["rows"]] == [2]
            assert board["language"] == "es"

    def test_a_batch_takes_tags(
        self, client: TestClient, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        key = key_of(db, ctx, "Lingo Land")
        put(client, key, "ana")
        items = [
            {"external_id": "ana", "type": "reading", "language": tag, "idempotency_key": tag}
            for tag in ("pt-BR", "pt-PT", "pt_BR")
        ]
        body = send(client, clock, key, items).json()
        assert [(r["status"], r["code"]) for r in body["results"]] == [
            (201, None),
            (201, None),
            (422, "language_unknown"),
        ]


class TestNames:
    @pytest.mark.parametrize("name", ["Łucja Wójcik", "李小龍", "مريم", "Ελένη", "Zoë 🦊"])
    def test_display_names_take_any_script(self, client: TestClient, name: str) -> None:
        _, headers = signed_up(client)
        changed = client.patch("/v1/me", headers=headers, json={"display_name": name})
        assert changed.status_code == 200, changed.text
        assert client.get("/v1/me", headers=headers).json()["display_name"] == name

    @pytest.mark.parametrize("username", ["łucja", "李小龍", "zoë"])
    def test_usernames_stay_ascii(self, client: TestClient, username: str) -> None:
        _, headers = signed_up(client)
        changed = client.patch("/v1/me", headers=headers, json={"username": username})
        assert_problem(changed, 422, "username_invalid")
