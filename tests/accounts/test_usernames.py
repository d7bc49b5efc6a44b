"""Usernames: which handles are allowed, and the friendly ones made up for new learners."""

import random
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.factories import PASSWORD, auth, make_learner, sign_up
from tests.threads import at_once
from zeal.accounts import usernames
from zeal.accounts.errors import UsernameInvalid, UsernameReserved
from zeal.accounts.usernames import (
    MAX_LENGTH,
    MIN_LENGTH,
    RESERVED,
    check_username,
    generate_username,
    noun_of,
)
from zeal.accounts.words import ADJECTIVES, NOUNS
from zeal.context import Context
from zeal.db import Database

GENERATED = re.compile(r"^[a-z]+_[a-z]+\d{4}$")


class TestCheckUsername:
    @pytest.mark.parametrize(
        "username",
        ["abc", "a" * 30, "Anna", "anna_k", "ANNA_2026", "_under_", "123", "brave_otter1234"],
    )
    def test_accepts_letters_digits_and_underscores(self, username: str) -> None:
        assert check_username(username) == username

    def test_keeps_the_case_typed(self) -> None:
        assert check_username("AnNa") == "AnNa"

    @pytest.mark.parametrize(("typed", "stored"), [("  anna  ", "anna"), ("\tAnna\n", "Anna")])
    def test_strips_surrounding_whitespace(self, typed: str, stored: str) -> None:
        assert check_username(typed) == stored

    def test_length_limits_are_three_and_thirty(self) -> None:
        assert (MIN_LENGTH, MAX_LENGTH) == (3, 30)

    @pytest.mark.parametrize(
        "username", ["", "a", "ab", "a" * 31, "x" * 100, "   ", " ab ", "me", "ME"]
    )
    def test_refuses_too_short_or_too_long(self, username: str) -> None:
        with pytest.raises(UsernameInvalid) as refused:
            check_username(username)
        assert refused.value.code == "username_invalid"
        assert refused.value.status == 422

    @pytest.mark.parametrize(
        "username",
        ["anna-k", "anna.k", "anna k", "josé", "anna@example.com", "ünal", "名前です", "anna!"],
    )
    def test_refuses_other_characters(self, username: str) -> None:
        with pytest.raises(UsernameInvalid) as refused:
            check_username(username)
        assert refused.value.code == "username_invalid"

    @pytest.mark.parametrize(
        "username", ["admin", "Admin", "ADMIN", "support", "SuPpOrT", " root ", "Zeal_Team", "API"]
    )
    def test_refuses_reserved_names_in_any_case(self, username: str) -> None:
        with pytest.raises(UsernameReserved) as refused:
            check_username(username)
        assert refused.value.code == "username_reserved"
        assert refused.value.status == 422

    def test_every_reserved_name_of_a_valid_length_is_refused_as_reserved(self) -> None:
        for name in RESERVED:
            if len(name) < MIN_LENGTH:
                continue  # "me": already refused for its length (username_invalid)
            for variant in (name, name.upper(), name.capitalize()):
                with pytest.raises(UsernameReserved):
                    check_username(variant)

    def test_a_reserved_word_inside_a_longer_name_is_fine(self) -> None:
        assert check_username("admin_fan") == "admin_fan"
        assert check_username("meow") == "meow"


class TestGenerateUsername:
    def test_always_valid_and_shaped_adjective_noun_digits(self) -> None:
        for seed in range(3_000):
            name = generate_username(random.Random(seed))
            assert GENERATED.match(name), name
            assert check_username(name) == name
            assert name.lower() not in RESERVED

    def test_the_parts_come_from_the_word_lists(self) -> None:
        for seed in range(500):
            name = generate_username(random.Random(seed))
            adjective, rest = name.split("_", 1)
            assert adjective in ADJECTIVES
            assert rest[:-4] in NOUNS
            assert 1000 <= int(rest[-4:]) <= 9999

    def test_the_same_seed_gives_the_same_name(self) -> None:
        assert generate_username(random.Random(7)) == generate_username(random.Random(7))

    def test_names_vary(self) -> None:
        names = {generate_username(random.Random(seed)) for seed in range(1_000)}
        assert len(names) > 990

    def test_over_a_million_combinations(self) -> None:
        assert len(set(ADJECTIVES)) == len(ADJECTIVES)
        assert len(set(NOUNS)) == len(NOUNS)
        assert len(ADJECTIVES) * len(NOUNS) * 9_000 > 1_000_000

    def test_words_are_lower_case_ascii_letters_short_enough_for_the_limit(self) -> None:
        for word in (*ADJECTIVES, *NOUNS):
            assert re.fullmatch(r"[a-z]+", word), word
        longest = max(map(len, ADJECTIVES)) + 1 + max(map(len, NOUNS)) + 4
        assert longest <= MAX_LENGTH

    def test_noun_of_a_generated_name(self) -> None:
        assert noun_of("brave_otter1234") == "otter"
        for seed in range(200):
            name = generate_username(random.Random(seed))
            assert noun_of(name) in NOUNS


def _fake_generator(monkeypatch: pytest.MonkeyPatch, names: list[str]) -> Iterator[str]:
    pending = iter(names)
    monkeypatch.setattr(usernames, "generate_username", lambda rng: next(pending))
    return pending


class TestGenerationRetries:
    @pytest.mark.parametrize("taken", ["calm_panda1234", "CALM_PANDA1234", "Calm_Panda1234"])
    def test_a_taken_name_in_any_case_is_skipped(
        self,
        client: TestClient,
        db: Database,
        ctx: Context,
        monkeypatch: pytest.MonkeyPatch,
        taken: str,
    ) -> None:
        existing = make_learner(db, ctx, username=taken)
        pending = _fake_generator(monkeypatch, ["calm_panda1234", "gentle_fox5678"])

        learner = sign_up(client)

        assert learner["username"] == "gentle_fox5678"
        assert learner["display_name"] == "gentle_fox5678"
        assert learner["avatar"]["image"] == "fox"  # the avatar matches the free name's noun
        assert next(pending, None) is None  # exactly two names were drawn
        # The existing learner still owns their name.
        response = client.post("/v1/sessions", json={"login": taken, "password": PASSWORD})
        assert response.status_code == 201, response.text
        assert response.json()["user"]["id"] == existing.id
        assert response.json()["user"]["username"] == taken

    def test_a_reserved_name_is_skipped(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pending = _fake_generator(monkeypatch, ["Admin", "brave_owl4321"])

        learner = sign_up(client)

        assert learner["username"] == "brave_owl4321"
        assert next(pending, None) is None

    def test_the_learner_can_sign_in_with_the_retried_name(
        self, client: TestClient, db: Database, ctx: Context, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        make_learner(db, ctx, username="happy_whale1111")
        _fake_generator(monkeypatch, ["happy_whale1111", "happy_whale2222"])

        learner = sign_up(client)

        headers = auth(client, "HAPPY_WHALE2222")
        me = client.get("/v1/me", headers=headers)
        assert me.status_code == 200
        assert me.json()["id"] == learner["id"]
        assert me.json()["username"] == "happy_whale2222"

    def test_a_collision_only_the_database_sees_is_retried(
        self, client: TestClient, db: Database, ctx: Context, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # B20: a signup race. The check finds the name free, another learner takes it before
        # the insert; the unique index refuses it and a fresh name is drawn.
        make_learner(db, ctx, username="quiet_heron1111")
        monkeypatch.setattr("zeal.accounts.service.find_by_username", lambda *_: None)
        _fake_generator(monkeypatch, ["Quiet_Heron1111", "quiet_heron2222"])

        learner = sign_up(client)

        assert learner["username"] == "quiet_heron2222"


class TestSimultaneousSignUps:
    def test_one_username_claimed_five_times_at_once_goes_to_one_learner(
        self, client: TestClient
    ) -> None:
        def claim(n: int) -> int:
            body = {"email": f"racer{n}@example.com", "password": PASSWORD, "username": "Racer"}
            return client.post("/v1/users", json=body).status_code

        statuses = at_once([lambda n=n: claim(n) for n in range(5)])

        assert sorted(statuses) == [201, 409, 409, 409, 409]
        assert client.post("/v1/sessions", json={"login": "racer", "password": PASSWORD}).is_success
