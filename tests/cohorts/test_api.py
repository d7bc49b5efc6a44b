"""Cohorts as teachers and students see them: creating a class, joining with its invite code,
the roster, the settings, teachers, leaving and removing, and learners acting at the same moment.
"""

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.conftest import START
from tests.factories import signed_up
from tests.http import assert_problem, instant
from tests.threads import at_once
from zeal.clock import FixedClock

Headers = dict[str, str]
Learner = tuple[dict[str, Any], Headers]

PUBLIC_FIELDS = {"username", "display_name", "avatar"}
COHORT_FIELDS = {
    "id",
    "name",
    "role",
    "has_leaderboard",
    "leaderboard_names",
    "invite_code",
    "teachers",
    "students",
}
SUMMARY_FIELDS = {
    "id",
    "name",
    "role",
    "has_leaderboard",
    "leaderboard_names",
    "invite_code",
    "joined_at",
}
# Eight characters, none that read alike: no 0/O, no 1/I/L.
INVITE_CODE = re.compile(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}")


# ---- what the tests do over and over, as a teacher's or a student's app would do it ---------


def create(
    client: TestClient, headers: Headers, name: str = "Spanish 2B", **fields: Any
) -> Response:
    return client.post("/v1/cohorts", json={"name": name, **fields}, headers=headers)


def created(client: TestClient, headers: Headers, name: str = "Spanish 2B", **fields: Any) -> Any:
    response = create(client, headers, name, **fields)
    assert response.status_code == 201, response.text
    return response.json()


def join(client: TestClient, headers: Headers, code: str) -> Response:
    return client.post("/v1/cohorts/join", json={"invite_code": code}, headers=headers)


def joined(client: TestClient, headers: Headers, code: str) -> Any:
    response = join(client, headers, code)
    assert response.status_code == 201, response.text
    return response.json()


def read(client: TestClient, headers: Headers, cohort_id: int) -> Response:
    return client.get(f"/v1/cohorts/{cohort_id}", headers=headers)


def cohort(client: TestClient, headers: Headers, cohort_id: int) -> Any:
    response = read(client, headers, cohort_id)
    assert response.status_code == 200, response.text
    return response.json()


def names(people: list[dict[str, Any]]) -> list[str]:
    return [person["username"] for person in people]


def roster(client: TestClient, headers: Headers, cohort_id: int) -> tuple[list[str], list[str]]:
    """The usernames of the teachers and of the students, as a member sees them."""
    body = cohort(client, headers, cohort_id)
    return names(body["teachers"]), names(body["students"])


def my_cohorts(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    response = client.get("/v1/me/cohorts", headers=headers)
    assert response.status_code == 200, response.text
    cohorts: list[dict[str, Any]] = response.json()["cohorts"]
    return cohorts


def change(client: TestClient, headers: Headers, cohort_id: int, **body: Any) -> Response:
    return client.patch(f"/v1/cohorts/{cohort_id}", json=body, headers=headers)


def add_teacher(client: TestClient, headers: Headers, cohort_id: int, username: str) -> Response:
    return client.post(
        f"/v1/cohorts/{cohort_id}/teachers", json={"username": username}, headers=headers
    )


def remove(client: TestClient, headers: Headers, cohort_id: int, username: str) -> Response:
    return client.delete(f"/v1/cohorts/{cohort_id}/members/{username}", headers=headers)


def public(user: dict[str, Any]) -> dict[str, Any]:
    return {field: user[field] for field in PUBLIC_FIELDS}


def without_id(body: dict[str, Any], cohort_id: int) -> dict[str, Any]:
    """A problem body with the cohort id the client sent taken out of it."""
    return {key: re.sub(rf"\b{cohort_id}\b", "<id>", str(value)) for key, value in body.items()}


# ---- the learners most tests start from -------------------------------------------------------


@pytest.fixture
def carl(client: TestClient) -> Learner:
    return signed_up(client, username="carl", display_name="Carl", email="carl@example.com")


@pytest.fixture
def spanish(client: TestClient, anna: Learner) -> dict[str, Any]:
    """Anna's class "Spanish 2B", nobody in it but her."""
    _, ha = anna
    return created(client, ha)


@pytest.fixture
def with_bob(client: TestClient, spanish: dict[str, Any], bob: Learner) -> dict[str, Any]:
    """Anna's class with Bob as its student."""
    _, hb = bob
    joined(client, hb, spanish["invite_code"])
    return spanish


class TestCreatingACohort:
    def test_the_creator_is_its_teacher_and_gets_an_invite_code(
        self, client: TestClient, anna: Learner
    ) -> None:
        anna_user, ha = anna

        response = create(client, ha, "Spanish 2B")

        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) == COHORT_FIELDS
        assert body["name"] == "Spanish 2B"
        assert body["role"] == "teacher"
        assert body["has_leaderboard"] is False
        assert body["leaderboard_names"] == "visible"
        assert INVITE_CODE.fullmatch(body["invite_code"]), body["invite_code"]
        assert body["teachers"] == [public(anna_user)]
        assert body["students"] == []
        assert "@example.com" not in response.text
        assert cohort(client, ha, body["id"]) == body

    def test_the_board_can_be_switched_on_from_the_start(
        self, client: TestClient, anna: Learner
    ) -> None:
        _, ha = anna

        body = created(client, ha, has_leaderboard=True)

        assert body["has_leaderboard"] is True
        assert cohort(client, ha, body["id"])["has_leaderboard"] is True
        assert [entry["has_leaderboard"] for entry in my_cohorts(client, ha)] == [True]

    def test_the_name_is_trimmed(self, client: TestClient, anna: Learner) -> None:
        _, ha = anna

        body = created(client, ha, "   Spanish 2B \t")

        assert body["name"] == "Spanish 2B"
        assert [entry["name"] for entry in my_cohorts(client, ha)] == ["Spanish 2B"]

    def test_a_name_of_100_characters_is_kept_whole(
        self, client: TestClient, anna: Learner
    ) -> None:
        _, ha = anna
        name = "Español " + "ñ" * 91 + "ü"
        assert len(name) == 100

        body = created(client, ha, f"  {name}  ")

        assert body["name"] == name
        assert cohort(client, ha, body["id"])["name"] == name

    def test_every_cohort_has_its_own_code_without_look_alike_characters(
        self, client: TestClient, anna: Learner
    ) -> None:
        _, ha = anna

        codes = [created(client, ha, f"Class {n}")["invite_code"] for n in range(20)]

        # 160 characters: an alphabet with 0, O, 1, I or L in it would show one of them.
        assert [code for code in codes if not INVITE_CODE.fullmatch(code)] == []
        assert len(set(codes)) == 20


class TestRefusedCohorts:
    @pytest.mark.parametrize(
        "name", ["", "   ", "\t\n", "x" * 101, "  " + "x" * 101 + "  "], ids=repr
    )
    def test_a_name_blank_or_over_100_characters(
        self, client: TestClient, anna: Learner, name: str
    ) -> None:
        _, ha = anna

        assert_problem(create(client, ha, name), 422, "cohort_name_invalid")

        assert my_cohorts(client, ha) == []

    def test_an_unknown_field(self, client: TestClient, anna: Learner) -> None:
        _, ha = anna

        response = create(client, ha, leaderboard_names="anonymous")

        assert_problem(response, 422, "validation_error")
        assert my_cohorts(client, ha) == []

    def test_without_a_session(self, client: TestClient, anna: Learner) -> None:
        _, ha = anna

        response = client.post("/v1/cohorts", json={"name": "Spanish 2B"})

        assert_problem(response, 401, "invalid_token")
        assert my_cohorts(client, ha) == []


class TestJoining:
    def test_a_student_joins_with_the_code_and_does_not_see_it(
        self, client: TestClient, anna: Learner, bob: Learner, spanish: dict[str, Any]
    ) -> None:
        (anna_user, ha), (bob_user, hb) = anna, bob

        response = join(client, hb, spanish["invite_code"])

        assert response.status_code == 201, response.text
        body = response.json()
        assert body == {
            **spanish,
            "role": "student",
            "invite_code": None,
            "teachers": [public(anna_user)],
            "students": [public(bob_user)],
        }
        assert "@example.com" not in response.text
        assert cohort(client, hb, spanish["id"]) == body
        assert cohort(client, ha, spanish["id"]) == {**spanish, "students": [public(bob_user)]}

    def test_the_code_is_read_in_any_case_and_without_surrounding_spaces(
        self, client: TestClient, anna: Learner, bob: Learner, spanish: dict[str, Any]
    ) -> None:
        (_, ha), (_, hb) = anna, bob

        body = joined(client, hb, f"  {spanish['invite_code'].lower()} ")

        assert body["id"] == spanish["id"]
        assert roster(client, ha, spanish["id"]) == (["anna"], ["bob"])

    def test_an_unknown_code(
        self, client: TestClient, anna: Learner, bob: Learner, spanish: dict[str, Any]
    ) -> None:
        (_, ha), (_, hb) = anna, bob

        assert_problem(join(client, hb, "ZZZZ2222"), 404, "invite_code_unknown")

        assert my_cohorts(client, hb) == []
        assert roster(client, ha, spanish["id"]) == (["anna"], [])

    def test_joining_twice(
        self, client: TestClient, anna: Learner, bob: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        before = my_cohorts(client, hb)

        assert_problem(join(client, hb, with_bob["invite_code"]), 409, "already_member")

        assert my_cohorts(client, hb) == before
        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])

    def test_a_teacher_cannot_join_their_own_class_as_a_student(
        self, client: TestClient, anna: Learner, spanish: dict[str, Any]
    ) -> None:
        _, ha = anna
        before = my_cohorts(client, ha)

        assert_problem(join(client, ha, spanish["invite_code"]), 409, "already_member")

        assert my_cohorts(client, ha) == before
        assert cohort(client, ha, spanish["id"]) == spanish


class TestMyCohorts:
    def test_classes_taught_and_attended_sorted_by_name(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        spanish = created(client, ha, "Spanish 2B", has_leaderboard=True)
        clock.advance(timedelta(hours=1))
        french = created(client, hb, "French 1A")
        clock.advance(timedelta(hours=1))
        joined(client, ha, french["invite_code"])

        listed = my_cohorts(client, ha)

        assert [set(entry) for entry in listed] == [SUMMARY_FIELDS] * 2
        assert [entry["name"] for entry in listed] == ["French 1A", "Spanish 2B"]
        french_entry, spanish_entry = listed
        assert french_entry["id"] == french["id"]
        assert (french_entry["role"], french_entry["invite_code"]) == ("student", None)
        assert (french_entry["has_leaderboard"], french_entry["leaderboard_names"]) == (
            False,
            "visible",
        )
        assert instant(french_entry["joined_at"]) == START + timedelta(hours=2)
        assert spanish_entry["id"] == spanish["id"]
        assert spanish_entry["role"] == "teacher"
        assert spanish_entry["invite_code"] == spanish["invite_code"]
        assert spanish_entry["has_leaderboard"] is True
        assert instant(spanish_entry["joined_at"]) == START
        assert [entry["role"] for entry in my_cohorts(client, hb)] == ["teacher"]

    def test_names_are_sorted_alphabetically_whatever_their_letter_case(
        self, client: TestClient, anna: Learner
    ) -> None:
        _, ha = anna
        for name in ("biology", "Zoology", "art", "Chemistry"):
            created(client, ha, name)

        listed = [entry["name"] for entry in my_cohorts(client, ha)]

        assert listed == ["art", "biology", "Chemistry", "Zoology"]

    def test_a_learner_in_no_class_sees_none(
        self, client: TestClient, bob: Learner, spanish: dict[str, Any]
    ) -> None:
        _, hb = bob
        assert my_cohorts(client, hb) == []


class TestReadingACohort:
    def test_teachers_and_students_are_listed_apart_sorted_by_username(
        self, client: TestClient, anna: Learner, spanish: dict[str, Any]
    ) -> None:
        _, ha = anna
        for username in ("dora", "Abe", "zed", "Carla"):
            _, headers = signed_up(client, username=username)
            joined(client, headers, spanish["invite_code"])
        signed_up(client, username="aaron")
        assert add_teacher(client, ha, spanish["id"], "aaron").status_code == 201

        response = read(client, ha, spanish["id"])

        assert response.status_code == 200, response.text
        body = response.json()
        assert names(body["teachers"]) == ["aaron", "anna"]
        assert names(body["students"]) == ["Abe", "Carla", "dora", "zed"]
        assert {field for person in body["teachers"] + body["students"] for field in person} == (
            PUBLIC_FIELDS
        )
        assert "@example.com" not in response.text

    def test_a_student_sees_the_same_roster(
        self, client: TestClient, anna: Learner, bob: Learner, carl: Learner, with_bob: Any
    ) -> None:
        (_, ha), (_, hb), (_, hc) = anna, bob, carl
        joined(client, hc, with_bob["invite_code"])

        assert roster(client, hb, with_bob["id"]) == (["anna"], ["bob", "carl"])
        assert roster(client, hc, with_bob["id"]) == roster(client, ha, with_bob["id"])

    def test_a_non_member_gets_the_answer_for_a_cohort_that_does_not_exist(
        self, client: TestClient, carl: Learner, with_bob: dict[str, Any]
    ) -> None:
        # B24: any learner could read any class's roster by counting up ids.
        _, hc = carl
        unknown_id = with_bob["id"] + 1000

        theirs = assert_problem(read(client, hc, with_bob["id"]), 404, "cohort_not_found")
        missing = assert_problem(read(client, hc, unknown_id), 404, "cohort_not_found")

        assert without_id(theirs, with_bob["id"]) == without_id(missing, unknown_id)
        assert "bob" not in str(theirs) and "anna" not in str(theirs)

    @pytest.mark.parametrize("cohort_id", [0, -1, 2**40])
    def test_an_id_no_cohort_can_have_is_malformed(
        self, client: TestClient, anna: Learner, cohort_id: int
    ) -> None:
        _, ha = anna
        assert_problem(read(client, ha, cohort_id), 422, "validation_error")


class TestNonMembersCannotActOnACohort:
    # B24: everything about a class is for its members; to anyone else it does not exist.
    def test_changing_it(
        self, client: TestClient, anna: Learner, carl: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hc) = anna, carl
        before = cohort(client, ha, with_bob["id"])

        response = change(client, hc, with_bob["id"], name="Mine now", regenerate_invite_code=True)

        assert_problem(response, 404, "cohort_not_found")
        assert cohort(client, ha, with_bob["id"]) == before
        assert (before["name"], before["invite_code"]) == ("Spanish 2B", with_bob["invite_code"])

    def test_making_themselves_a_teacher(
        self, client: TestClient, anna: Learner, carl: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hc) = anna, carl

        response = add_teacher(client, hc, with_bob["id"], "carl")

        assert_problem(response, 404, "cohort_not_found")
        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])
        assert my_cohorts(client, hc) == []

    def test_removing_a_member(
        self, client: TestClient, anna: Learner, carl: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hc) = anna, carl

        response = remove(client, hc, with_bob["id"], "bob")

        assert_problem(response, 404, "cohort_not_found")
        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])


class TestChangingACohort:
    def test_a_teacher_renames_it_and_sets_up_an_anonymous_board(
        self, client: TestClient, anna: Learner, bob: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hb) = anna, bob

        response = change(
            client,
            ha,
            with_bob["id"],
            name="  Spanish 3A ",
            has_leaderboard=True,
            leaderboard_names="anonymous",
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body == {
            **cohort(client, ha, with_bob["id"]),
            "name": "Spanish 3A",
            "has_leaderboard": True,
            "leaderboard_names": "anonymous",
        }
        assert cohort(client, ha, with_bob["id"]) == body
        [seen_by_bob] = my_cohorts(client, hb)
        assert (seen_by_bob["name"], seen_by_bob["has_leaderboard"]) == ("Spanish 3A", True)
        assert seen_by_bob["leaderboard_names"] == "anonymous"
        assert body["invite_code"] == with_bob["invite_code"]

    def test_only_what_is_sent_changes(
        self, client: TestClient, anna: Learner, spanish: dict[str, Any]
    ) -> None:
        _, ha = anna
        change(client, ha, spanish["id"], has_leaderboard=True, leaderboard_names="anonymous")

        body = change(client, ha, spanish["id"], name="Spanish 3A").json()

        assert (body["name"], body["has_leaderboard"], body["leaderboard_names"]) == (
            "Spanish 3A",
            True,
            "anonymous",
        )
        back = change(client, ha, spanish["id"], has_leaderboard=False, leaderboard_names="visible")
        assert (back.json()["has_leaderboard"], back.json()["leaderboard_names"]) == (
            False,
            "visible",
        )

    @pytest.mark.parametrize("name", ["", "  ", "x" * 101])
    def test_an_invalid_name_changes_nothing(
        self, client: TestClient, anna: Learner, spanish: dict[str, Any], name: str
    ) -> None:
        _, ha = anna

        response = change(client, ha, spanish["id"], name=name, has_leaderboard=True)

        assert_problem(response, 422, "cohort_name_invalid")
        assert cohort(client, ha, spanish["id"]) == spanish

    def test_an_unknown_name_mode_changes_nothing(
        self, client: TestClient, anna: Learner, spanish: dict[str, Any]
    ) -> None:
        _, ha = anna

        response = change(client, ha, spanish["id"], leaderboard_names="secret", name="Other")

        assert_problem(response, 422, "validation_error")
        assert cohort(client, ha, spanish["id"]) == spanish

    def test_a_student_cannot_change_anything(
        self, client: TestClient, anna: Learner, bob: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        before = cohort(client, ha, with_bob["id"])

        for body in (
            {"name": "Bob's class"},
            {"has_leaderboard": True},
            {"leaderboard_names": "anonymous"},
            {"regenerate_invite_code": True},
        ):
            response = change(client, hb, with_bob["id"], **body)
            assert_problem(response, 403, "teachers_only")

        assert cohort(client, ha, with_bob["id"]) == before
        assert cohort(client, hb, with_bob["id"])["role"] == "student"


class TestANewInviteCode:
    def test_the_old_code_stops_working_and_the_new_one_works(
        self, client: TestClient, anna: Learner, bob: Learner, carl: Learner, with_bob: Any
    ) -> None:
        (_, ha), (_, hb), (_, hc) = anna, bob, carl
        old = with_bob["invite_code"]

        response = change(client, ha, with_bob["id"], regenerate_invite_code=True)

        assert response.status_code == 200, response.text
        new = response.json()["invite_code"]
        assert INVITE_CODE.fullmatch(new) and new != old
        assert [entry["invite_code"] for entry in my_cohorts(client, ha)] == [new]
        assert_problem(join(client, hc, old), 404, "invite_code_unknown")
        assert my_cohorts(client, hc) == []
        assert joined(client, hc, new.lower())["id"] == with_bob["id"]
        assert roster(client, hb, with_bob["id"]) == (["anna"], ["bob", "carl"])

    def test_regenerating_false_keeps_the_code(
        self, client: TestClient, anna: Learner, bob: Learner, spanish: dict[str, Any]
    ) -> None:
        (_, ha), (_, hb) = anna, bob

        response = change(client, ha, spanish["id"], regenerate_invite_code=False)

        assert response.status_code == 200, response.text
        assert response.json()["invite_code"] == spanish["invite_code"]
        assert joined(client, hb, spanish["invite_code"])["id"] == spanish["id"]


class TestAddingTeachers:
    def test_a_learner_outside_the_class_becomes_its_teacher(
        self, client: TestClient, anna: Learner, carl: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hc) = anna, carl

        response = add_teacher(client, ha, with_bob["id"], "  CARL ")

        assert response.status_code == 201, response.text
        body = response.json()
        assert (names(body["teachers"]), names(body["students"])) == (["anna", "carl"], ["bob"])
        assert body["role"] == "teacher"
        as_carl = cohort(client, hc, with_bob["id"])
        assert as_carl["role"] == "teacher"
        assert as_carl["invite_code"] == with_bob["invite_code"]
        assert [(e["role"], e["invite_code"]) for e in my_cohorts(client, hc)] == [
            ("teacher", with_bob["invite_code"])
        ]
        renamed = change(client, hc, with_bob["id"], name="Spanish 2C")
        assert renamed.status_code == 200, renamed.text

    def test_a_student_is_promoted(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner, with_bob: Any
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        clock.advance(timedelta(days=1))

        response = add_teacher(client, ha, with_bob["id"], "bob")

        assert response.status_code == 201, response.text
        assert roster(client, ha, with_bob["id"]) == (["anna", "bob"], [])
        assert cohort(client, hb, with_bob["id"])["invite_code"] == with_bob["invite_code"]
        [entry] = my_cohorts(client, hb)
        assert entry["role"] == "teacher"
        assert instant(entry["joined_at"]) == START + timedelta(days=1)

    def test_a_student_cannot_add_a_teacher(
        self, client: TestClient, anna: Learner, bob: Learner, carl: Learner, with_bob: Any
    ) -> None:
        (_, ha), (_, hb), _ = anna, bob, carl

        for username in ("carl", "bob"):
            assert_problem(add_teacher(client, hb, with_bob["id"], username), 403, "teachers_only")

        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])

    @pytest.mark.parametrize("username", ["carl", "ANNA"])
    def test_someone_who_already_teaches_it(
        self, client: TestClient, anna: Learner, carl: Learner, with_bob: Any, username: str
    ) -> None:
        _, ha = anna
        assert add_teacher(client, ha, with_bob["id"], "carl").status_code == 201
        before = cohort(client, ha, with_bob["id"])

        response = add_teacher(client, ha, with_bob["id"], username)

        assert_problem(response, 409, "already_member")
        assert cohort(client, ha, with_bob["id"]) == before
        assert (names(before["teachers"]), names(before["students"])) == (["anna", "carl"], ["bob"])

    def test_an_unknown_username(
        self, client: TestClient, anna: Learner, with_bob: dict[str, Any]
    ) -> None:
        _, ha = anna

        response = add_teacher(client, ha, with_bob["id"], "nobody_here")

        assert_problem(response, 404, "user_not_found")
        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])


class TestLeaving:
    def test_a_student_leaves_with_their_username_in_any_case(
        self, client: TestClient, anna: Learner, bob: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hb) = anna, bob

        response = remove(client, hb, with_bob["id"], "BoB")

        assert response.status_code == 204, response.text
        assert response.content == b""
        assert_problem(read(client, hb, with_bob["id"]), 404, "cohort_not_found")
        assert my_cohorts(client, hb) == []
        assert roster(client, ha, with_bob["id"]) == (["anna"], [])

    def test_a_student_who_left_can_join_again_as_a_new_member(
        self, client: TestClient, clock: FixedClock, anna: Learner, bob: Learner, with_bob: Any
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        assert remove(client, hb, with_bob["id"], "bob").status_code == 204
        clock.advance(timedelta(days=3))

        body = joined(client, hb, with_bob["invite_code"])

        assert (body["id"], body["role"]) == (with_bob["id"], "student")
        [entry] = my_cohorts(client, hb)
        assert instant(entry["joined_at"]) == START + timedelta(days=3)
        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])

    def test_the_last_teacher_cannot_leave(
        self, client: TestClient, anna: Learner, with_bob: dict[str, Any]
    ) -> None:
        _, ha = anna

        assert_problem(remove(client, ha, with_bob["id"], "anna"), 409, "last_teacher")

        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])
        assert [entry["role"] for entry in my_cohorts(client, ha)] == ["teacher"]

    def test_with_a_second_teacher_one_may_leave(
        self, client: TestClient, anna: Learner, carl: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hc) = anna, carl
        assert add_teacher(client, ha, with_bob["id"], "carl").status_code == 201

        response = remove(client, ha, with_bob["id"], "anna")

        assert response.status_code == 204, response.text
        assert roster(client, hc, with_bob["id"]) == (["carl"], ["bob"])
        assert_problem(read(client, ha, with_bob["id"]), 404, "cohort_not_found")
        assert my_cohorts(client, ha) == []
        assert_problem(remove(client, hc, with_bob["id"], "carl"), 409, "last_teacher")
        assert roster(client, hc, with_bob["id"]) == (["carl"], ["bob"])


class TestRemovingMembers:
    def test_a_teacher_removes_a_student(
        self, client: TestClient, anna: Learner, bob: Learner, carl: Learner, with_bob: Any
    ) -> None:
        (_, ha), (_, hb), (_, hc) = anna, bob, carl
        joined(client, hc, with_bob["invite_code"])

        response = remove(client, ha, with_bob["id"], "Bob")

        assert response.status_code == 204, response.text
        assert roster(client, ha, with_bob["id"]) == (["anna"], ["carl"])
        assert_problem(read(client, hb, with_bob["id"]), 404, "cohort_not_found")
        assert my_cohorts(client, hb) == []
        assert joined(client, hb, with_bob["invite_code"])["role"] == "student"

    def test_a_teacher_removes_another_teacher(
        self, client: TestClient, anna: Learner, carl: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hc) = anna, carl
        assert add_teacher(client, ha, with_bob["id"], "carl").status_code == 201

        response = remove(client, ha, with_bob["id"], "carl")

        assert response.status_code == 204, response.text
        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])
        assert my_cohorts(client, hc) == []

    def test_a_student_cannot_remove_anyone_else(
        self, client: TestClient, anna: Learner, bob: Learner, carl: Learner, with_bob: Any
    ) -> None:
        (_, ha), (_, hb), (_, hc) = anna, bob, carl
        joined(client, hc, with_bob["invite_code"])

        for username in ("carl", "anna"):
            assert_problem(remove(client, hb, with_bob["id"], username), 403, "teachers_only")

        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob", "carl"])

    def test_someone_not_in_the_class(
        self, client: TestClient, anna: Learner, carl: Learner, with_bob: dict[str, Any]
    ) -> None:
        _, ha = anna

        assert_problem(remove(client, ha, with_bob["id"], "carl"), 404, "not_a_member")

        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])

    def test_a_student_who_already_left(
        self, client: TestClient, anna: Learner, bob: Learner, with_bob: dict[str, Any]
    ) -> None:
        (_, ha), (_, hb) = anna, bob
        assert remove(client, hb, with_bob["id"], "bob").status_code == 204

        assert_problem(remove(client, ha, with_bob["id"], "bob"), 404, "not_a_member")

        assert roster(client, ha, with_bob["id"]) == (["anna"], [])

    def test_an_unknown_username(
        self, client: TestClient, anna: Learner, with_bob: dict[str, Any]
    ) -> None:
        _, ha = anna

        assert_problem(remove(client, ha, with_bob["id"], "nobody_here"), 404, "user_not_found")

        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])

    @pytest.mark.parametrize("blocker", ["student", "teacher"])
    def test_a_block_between_teacher_and_student_does_not_keep_the_student_in(
        self, client: TestClient, anna: Learner, bob: Learner, with_bob: Any, blocker: str
    ) -> None:
        # The student is on the teacher's roster whoever blocked whom; the teacher can still
        # remove them (a disruptive student must not become unremovable by blocking the teacher).
        (_, ha), (_, hb) = anna, bob
        headers, target = (hb, "anna") if blocker == "student" else (ha, "bob")
        blocked = client.post("/v1/me/blocks", json={"username": target}, headers=headers)
        assert blocked.status_code == 201, blocked.text
        assert roster(client, ha, with_bob["id"]) == (["anna"], ["bob"])

        response = remove(client, ha, with_bob["id"], "bob")

        assert response.status_code == 204, response.text
        assert roster(client, ha, with_bob["id"]) == (["anna"], [])
        assert my_cohorts(client, hb) == []


class TestAtTheSameMoment:
    def test_five_learners_joining_at_once_are_all_in(
        self, client: TestClient, anna: Learner, spanish: dict[str, Any]
    ) -> None:
        _, ha = anna
        usernames = ["dora", "emil", "fred", "gina", "hugo"]
        learners = [signed_up(client, username=name)[1] for name in usernames]

        responses = at_once([lambda h=h: join(client, h, spanish["invite_code"]) for h in learners])

        assert [response.status_code for response in responses] == [201] * 5, [
            response.text for response in responses
        ]
        assert roster(client, ha, spanish["id"]) == (["anna"], usernames)
        for headers in learners:
            assert [entry["id"] for entry in my_cohorts(client, headers)] == [spanish["id"]]

    def test_one_learner_joining_twice_at_once_is_in_once(
        self, client: TestClient, anna: Learner, bob: Learner, spanish: dict[str, Any]
    ) -> None:
        (_, ha), (_, hb) = anna, bob

        responses = at_once([lambda: join(client, hb, spanish["invite_code"])] * 2)

        ok = [response for response in responses if response.status_code == 201]
        refused = [response for response in responses if response.status_code != 201]
        assert len(ok) == 1 and len(refused) == 1, [response.text for response in responses]
        assert ok[0].json()["role"] == "student"
        assert_problem(refused[0], 409, "already_member")
        assert roster(client, ha, spanish["id"]) == (["anna"], ["bob"])
        assert [entry["id"] for entry in my_cohorts(client, hb)] == [spanish["id"]]


def test_the_openapi_document_declares_the_refusals_of_classes(
    client: TestClient, anna: Learner, bob: Learner
) -> None:
    # Found by the fuzzer: these answers were missing from /openapi.json.
    (_, teacher), (_, student) = anna, bob
    _, stranger = signed_up(client)
    spanish = created(client, teacher)
    joined(client, student, spanish["invite_code"])
    cohort_path = "/v1/cohorts/{cohort_id}"
    refusals = [
        (read(client, stranger, spanish["id"]), ("get", cohort_path, 404, "cohort_not_found")),
        (
            change(client, student, spanish["id"], name="Mine now"),
            ("patch", cohort_path, 403, "teachers_only"),
        ),
        (
            join(client, stranger, "ZZZZZZZZ"),
            ("post", "/v1/cohorts/join", 404, "invite_code_unknown"),
        ),
        (
            join(client, student, spanish["invite_code"]),
            ("post", "/v1/cohorts/join", 409, "already_member"),
        ),
        (
            add_teacher(client, student, spanish["id"], "anna"),
            ("post", f"{cohort_path}/teachers", 403, "teachers_only"),
        ),
        (
            remove(client, teacher, spanish["id"], "anna"),
            ("delete", f"{cohort_path}/members/{{username}}", 409, "last_teacher"),
        ),
    ]
    paths = client.get("/openapi.json").json()["paths"]
    for response, (method, path, status, code) in refusals:
        assert_problem(response, status, code)
        declared = paths[path][method]["responses"][str(status)]
        assert "application/problem+json" in declared["content"]
