"""A platform's own learners, by its own ids: upsert, read, erase, practice, isolation."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.factories import PASSWORD, signed_up
from tests.http import assert_problem, instant
from tests.threads import at_once
from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.practice.models import PracticeDay, PracticeEvent

Headers = dict[str, str]


def key_of(db: Database, ctx: Context, platform: str, name: str = "server") -> Headers:
    with db.transaction() as session:
        secret, _ = accounts_service.create_api_key(session, ctx, name=name, platform=platform)
    return {"X-API-Key": secret}


@pytest.fixture
def lingo(db: Database, ctx: Context) -> Headers:
    return key_of(db, ctx, "Lingo Land")


@pytest.fixture
def other(db: Database, ctx: Context) -> Headers:
    return key_of(db, ctx, "Other School")


def put(client: TestClient, key: Headers, external_id: str, **body: Any) -> Any:
    return client.put(f"/v1/platform/learners/{external_id}", headers=key, json=body)


def learners(db: Database) -> int:
    with db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(User)) or 0)


def practise(client: TestClient, key: Headers, external_id: str, idem: str) -> Any:
    return client.post(
        f"/v1/platform/learners/{external_id}/practice-events",
        headers=key,
        json={"type": "exercise", "language": "es", "outcome": "correct", "idempotency_key": idem},
    )


class TestPut:
    def test_a_new_id_makes_a_learner_and_the_same_id_changes_it(
        self, client: TestClient, lingo: Headers
    ) -> None:
        made = put(client, lingo, "user-8812")
        assert made.status_code == 201, made.text
        first = made.json()
        assert first["external_id"] == "user-8812" and first["email"] is None
        assert first["timezone"] == "UTC" and first["username"]  # made up, as on sign-up
        changed = put(client, lingo, "user-8812", display_name="Ana P", timezone="Europe/Madrid")
        assert changed.status_code == 200, changed.text
        body = changed.json()
        assert body["id"] == first["id"] and body["username"] == first["username"]
        assert (body["display_name"], body["timezone"]) == ("Ana P", "Europe/Madrid")
        again = put(client, lingo, "user-8812", display_name="Ana P")
        assert again.status_code == 200 and again.json() == body  # what is left out stays
        read = client.get("/v1/platform/learners/user-8812", headers=lingo)
        assert read.status_code == 200 and read.json() == body

    def test_every_field_can_be_given(self, client: TestClient, lingo: Headers) -> None:
        avatar = client.get("/v1/avatars").json()
        chosen = {
            "image": avatar["images"][0]["name"],
            "character_color": avatar["character_colors"][0],
            "background_color": avatar["background_colors"][0],
        }
        made = put(
            client, lingo, "42", username="ana_p", display_name="Ana", timezone="Asia/Tokyo",
            email="Ana@Example.com", avatar=chosen,
        )  # fmt: skip
        assert made.status_code == 201, made.text
        body = made.json()
        assert (body["username"], body["email"], body["avatar"]) == (
            "ana_p", "ana@example.com", chosen,
        )  # fmt: skip

    def test_a_platform_learner_has_no_zeal_password(
        self, client: TestClient, lingo: Headers
    ) -> None:
        username = put(client, lingo, "u1", username="nopass").json()["username"]
        for password in (PASSWORD, "", "None"):
            signed = client.post("/v1/sessions", json={"login": username, "password": password})
            assert_problem(signed, 401, "invalid_credentials")

    def test_refusals_change_nothing(
        self, client: TestClient, db: Database, lingo: Headers
    ) -> None:
        taken, _ = signed_up(client, username="taken", email="taken@example.com")
        before = learners(db)
        assert_problem(put(client, lingo, "a", username="Taken"), 409, "username_taken")
        assert_problem(put(client, lingo, "a", email="taken@example.com"), 409, "email_taken")
        assert_problem(put(client, lingo, "a", timezone="Mars/Base"), 422, "timezone_invalid")
        assert_problem(put(client, lingo, "a", nickname="x"), 422, "validation_error")
        assert_problem(put(client, lingo, "x" * 129), 422, "validation_error")
        assert learners(db) == before
        put(client, lingo, "a")
        assert_problem(put(client, lingo, "a", username="TAKEN"), 409, "username_taken")
        assert put(client, lingo, "a").json()["username"] != taken["username"]

    def test_twenty_at_once_make_one_learner(
        self, client: TestClient, db: Database, lingo: Headers
    ) -> None:
        before = learners(db)
        answers = at_once([lambda: put(client, lingo, "race", display_name="Rae")] * 20)
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [200] * 19 + [201], [a.text for a in answers if a.status_code >= 300]
        assert len({answer.json()["id"] for answer in answers}) == 1
        assert learners(db) == before + 1


class TestPlatforms:
    def test_another_platform_never_sees_them(
        self, client: TestClient, lingo: Headers, other: Headers
    ) -> None:
        mine = put(client, lingo, "shared-id").json()
        assert practise(client, lingo, "shared-id", "k1").status_code == 201
        for answer in (
            client.get("/v1/platform/learners/shared-id", headers=other),
            client.delete("/v1/platform/learners/shared-id", headers=other),
            practise(client, other, "shared-id", "k2"),
        ):
            assert_problem(answer, 404, "learner_not_found")
        theirs = put(client, other, "shared-id")  # their own learner, with the same id
        assert theirs.status_code == 201 and theirs.json()["id"] != mine["id"]
        assert client.get("/v1/platform/learners/shared-id", headers=lingo).json() == mine

    def test_two_keys_of_one_platform_share_its_learners(
        self, client: TestClient, db: Database, ctx: Context, lingo: Headers
    ) -> None:
        second = key_of(db, ctx, "Lingo Land", name="mobile backend")
        made = put(client, lingo, "u7").json()
        assert client.get("/v1/platform/learners/u7", headers=second).json() == made

    def test_only_a_key_may_ask(self, client: TestClient, lingo: Headers) -> None:
        put(client, lingo, "u9")
        _, learner = signed_up(client)
        for headers in ({}, learner, {"X-API-Key": "zk_not_a_key"}):
            answer = client.get("/v1/platform/learners/u9", headers=headers)
            assert_problem(answer, 401, "invalid_api_key")


class TestPractice:
    def test_events_by_external_id_count_once(
        self, client: TestClient, db: Database, lingo: Headers
    ) -> None:
        learner = put(client, lingo, "p1").json()
        first = practise(client, lingo, "p1", "same-key")
        assert first.status_code == 201, first.text
        assert first.json()["streak"]["daily_streak"] == 1
        replay = practise(client, lingo, "p1", "same-key")
        assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == first.json()
        with db.transaction(write=False) as session:
            events = session.scalars(
                select(PracticeEvent.user_id).where(PracticeEvent.user_id == learner["id"])
            ).all()
        assert events == [learner["id"]]
        assert_problem(practise(client, lingo, "nobody", "k"), 404, "learner_not_found")


class TestDelete:
    def test_erases_the_learner_and_everything_kept_about_them(
        self, client: TestClient, db: Database, lingo: Headers
    ) -> None:
        learner = put(client, lingo, "gone").json()
        practise(client, lingo, "gone", "k")
        erased = client.delete("/v1/platform/learners/gone", headers=lingo)
        assert erased.status_code == 204, erased.text
        assert_problem(
            client.get("/v1/platform/learners/gone", headers=lingo), 404, "learner_not_found"
        )
        assert_problem(
            client.delete("/v1/platform/learners/gone", headers=lingo), 404, "learner_not_found"
        )
        with db.transaction(write=False) as session:
            assert session.get(User, learner["id"]) is None
            kept = select(func.count()).select_from(PracticeDay)
            assert session.scalar(kept.where(PracticeDay.user_id == learner["id"])) == 0
        assert put(client, lingo, "gone").status_code == 201  # the id is free again


def mint(client: TestClient, key: Headers, external_id: str, **body: Any) -> Any:
    return client.post(f"/v1/platform/learners/{external_id}/tokens", headers=key, json=body)


class TestLearnerTokens:
    def test_a_token_signs_the_learner_in_for_an_hour(
        self, client: TestClient, clock: FixedClock, lingo: Headers
    ) -> None:
        learner = put(client, lingo, "t1", username="tina").json()
        minted = mint(client, lingo, "t1")
        assert minted.status_code == 201, minted.text
        body = minted.json()
        assert instant(body["expires_at"]) == clock.now() + timedelta(hours=1)
        bearer = {"Authorization": f"Bearer {body['token']}"}
        me = client.get("/v1/me", headers=bearer)
        assert me.status_code == 200 and me.json()["id"] == learner["id"]
        assert me.json()["email"] is None
        assert client.get("/v1/me/streaks", headers=bearer).status_code == 200
        clock.advance(timedelta(minutes=59))
        assert client.get("/v1/me/badges/unseen-count", headers=bearer).status_code == 200
        clock.advance(timedelta(minutes=1))
        assert_problem(client.get("/v1/me", headers=bearer), 401, "invalid_token")

    def test_lifetimes_run_from_a_minute_to_a_day(
        self, client: TestClient, clock: FixedClock, lingo: Headers
    ) -> None:
        put(client, lingo, "t2")
        day = mint(client, lingo, "t2", ttl_seconds=86_400).json()
        assert instant(day["expires_at"]) == clock.now() + timedelta(days=1)
        for refused in (59, 86_401, "soon"):
            assert_problem(mint(client, lingo, "t2", ttl_seconds=refused), 422, "validation_error")
        assert_problem(mint(client, lingo, "nobody"), 404, "learner_not_found")

    def test_it_opens_no_platform_route_and_can_be_revoked(
        self, client: TestClient, lingo: Headers, other: Headers
    ) -> None:
        put(client, lingo, "t3")
        assert_problem(mint(client, other, "t3"), 404, "learner_not_found")
        bearers = [{"Authorization": f"Bearer {mint(client, lingo, 't3').json()['token']}"}
                   for _ in range(2)]  # fmt: skip
        answer = client.get("/v1/platform/learners/t3", headers=bearers[0])
        assert_problem(answer, 401, "invalid_api_key")
        assert client.delete("/v1/sessions/current", headers=bearers[0]).status_code == 204
        assert_problem(client.get("/v1/me", headers=bearers[0]), 401, "invalid_token")
        assert client.get("/v1/me", headers=bearers[1]).status_code == 200
        out = client.delete("/v1/platform/learners/t3/tokens", headers=lingo)
        assert out.status_code == 204, out.text
        assert_problem(client.get("/v1/me", headers=bearers[1]), 401, "invalid_token")

    def test_the_pages_take_it_from_a_link(self, client: TestClient, lingo: Headers) -> None:
        username = put(client, lingo, "t4", display_name="Tess").json()["username"]
        token = mint(client, lingo, "t4").json()["token"]
        followed = client.get(f"/sign-in/token?token={token}", follow_redirects=False)
        assert followed.status_code == 303 and followed.headers["location"] == "/"
        home = client.get("/")
        assert home.status_code == 200 and "Tess" in home.text
        assert client.get(f"/learners/{username}").status_code == 200
        client.cookies.clear()
        client.delete("/v1/platform/learners/t4/tokens", headers=lingo)
        dead = client.get(f"/sign-in/token?token={token}", follow_redirects=False)
        assert dead.status_code == 303 and dead.headers["location"] == "/sign-in"
        assert client.get("/", follow_redirects=False).status_code == 303  # still signed out
