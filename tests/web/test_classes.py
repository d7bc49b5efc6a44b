"""Classes in the browser: starting one, joining with a code, the class page as teachers and
students see it, and teachers' actions refused to students."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Learner
from tests.factories import signed_up
from tests.leaderboards.helpers import join, new_cohort
from tests.web.conftest import SignedIn
from tests.web.helpers import (
    Browser,
    field_error,
    flash_of,
    form_error,
    form_fields,
    input_value,
    text_of,
    title_of,
)


def invite_code(html: str) -> str | None:
    match = re.search(r'<p class="invite-code"[^>]*>([^<]+)</p>', html)
    return match.group(1).strip() if match else None


def my_classes(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/v1/me/cohorts", headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["cohorts"]
    return found


def read_class(client: TestClient, headers: dict[str, str], cohort_id: int) -> dict[str, Any]:
    response = client.get(f"/v1/cohorts/{cohort_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def members(html: str, heading: str) -> list[str]:
    """Usernames listed under a heading of the members section ("Teachers" or "Students")."""
    match = re.search(rf"<h3>{heading}.*?</ul>", html, re.DOTALL)
    return re.findall(r'href="/learners/([^"]+)"', match.group(0)) if match else []


class TestStartingAndJoining:
    def test_a_new_class_opens_with_its_invite_code_for_the_teacher(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")
        browser.page("/classes")

        response = browser.post("/classes", {"name": "  Spanish   2B ", "has_leaderboard": "on"})

        (cohort,) = my_classes(client, anna[1])
        assert response.headers["location"] == f"/classes/{cohort['id']}"
        page = browser.follow(response)
        assert flash_of(page) == ("Your class is ready: share its invite code.", False)
        assert title_of(page) == "Spanish 2B"
        assert invite_code(page) == cohort["invite_code"]
        assert 'action="/classes/{}"'.format(cohort["id"]) in page
        listed = text_of(browser.page("/classes"))
        assert "Spanish 2B Teacher Leaderboard" in listed

    def test_a_class_without_a_name_is_not_started(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        browser = signed_in("anna")
        browser.page("/classes")

        response = browser.post("/classes", {"name": "   ", "has_leaderboard": "on"})

        assert response.status_code == 422
        assert field_error(response.text, "name") == "A cohort name has 1 to 100 characters."
        assert 'name="has_leaderboard" checked' in response.text
        assert my_classes(client, anna[1]) == []

    def test_a_student_joins_with_the_code_and_sees_no_teacher_tools(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1])
        browser = signed_in("bob")
        browser.page("/classes")

        response = browser.post(
            "/classes/join", {"invite_code": f" {cohort['invite_code'].lower()} "}
        )

        assert response.headers["location"] == f"/classes/{cohort['id']}"
        page = browser.follow(response)
        assert flash_of(page) == ("Welcome to the class!", False)
        assert "You are a student in this class." in text_of(page)
        assert invite_code(page) is None
        assert cohort["invite_code"] not in page
        assert f'action="/classes/{cohort["id"]}"' not in page
        assert members(signed_in("anna").page(f"/classes/{cohort['id']}"), "Students") == ["bob"]

    @pytest.mark.parametrize(
        ("code", "status", "message"),
        [
            ("NOPE1234", 404, "No cohort has this invite code; ask your teacher."),
            (None, 409, "You are already in 'Spanish 2B'."),
        ],
    )
    def test_a_code_that_does_not_let_you_in_says_why(
        self,
        client: TestClient,
        anna: Learner,
        bob: Learner,
        signed_in: SignedIn,
        code: str | None,
        status: int,
        message: str,
    ) -> None:
        cohort = new_cohort(client, anna[1])
        join(client, bob[1], cohort)
        code = code or cohort["invite_code"]
        browser = signed_in("bob")
        browser.page("/classes")

        response = browser.post("/classes/join", {"invite_code": code})

        assert response.status_code == status
        assert field_error(response.text, "invite_code") == message
        assert input_value(response.text, "invite_code") == code
        assert [c["role"] for c in my_classes(client, bob[1])] == ["student"]


class TestTeachersTools:
    def test_the_teacher_changes_the_settings(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1], has_leaderboard=False)
        browser = signed_in("anna")
        fields = form_fields(browser.page(f"/classes/{cohort['id']}"), f"/classes/{cohort['id']}")
        fields.update(name="Spanish 3A", has_leaderboard="on", leaderboard_names="anonymous")

        page = browser.submit(f"/classes/{cohort['id']}", fields)

        assert flash_of(page) == ("Class settings saved.", False)
        assert title_of(page) == "Spanish 3A"
        assert f'href="/boards?board={cohort["id"]}"' in page
        saved = read_class(client, anna[1], cohort["id"])
        assert (saved["name"], saved["has_leaderboard"]) == ("Spanish 3A", True)
        assert saved["leaderboard_names"] == "anonymous"

    def test_a_blank_name_is_refused_in_place(
        self, client: TestClient, anna: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1])
        browser = signed_in("anna")
        browser.page(f"/classes/{cohort['id']}")

        response = browser.post(
            f"/classes/{cohort['id']}", {"name": "", "leaderboard_names": "visible"}
        )

        assert response.status_code == 422
        assert field_error(response.text, "name") == "A cohort name has 1 to 100 characters."
        assert read_class(client, anna[1], cohort["id"])["name"] == "Spanish 2B"

    def test_a_new_invite_code_replaces_the_old_one(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1])
        browser = signed_in("anna")
        browser.page(f"/classes/{cohort['id']}")

        page = browser.submit(f"/classes/{cohort['id']}/invite-code")

        assert flash_of(page) == ("A new invite code is ready; the old one no longer works.", False)
        new_code = invite_code(page)
        assert new_code is not None and new_code != cohort["invite_code"]
        student = signed_in("bob")
        student.page("/classes")
        old = student.post("/classes/join", {"invite_code": cohort["invite_code"]})
        assert old.status_code == 404
        assert student.post("/classes/join", {"invite_code": new_code}).status_code == 303

    def test_a_teacher_makes_a_student_a_teacher(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1])
        join(client, bob[1], cohort)
        browser = signed_in("anna")
        browser.page(f"/classes/{cohort['id']}")

        page = browser.submit(f"/classes/{cohort['id']}/teachers", {"username": "bob"})

        assert flash_of(page) == ("bob teaches this class now.", False)
        assert members(page, "Teachers") == ["anna", "bob"]
        assert invite_code(signed_in("bob").page(f"/classes/{cohort['id']}")) is not None

    def test_a_teacher_removes_a_student(
        self, client: TestClient, anna: Learner, bob: Learner, signed_in: SignedIn
    ) -> None:
        cohort = new_cohort(client, anna[1])
        join(client, bob[1], cohort)
        browser = signed_in("anna")
        browser.page(f"/classes/{cohort['id']}")

        page = browser.submit(f"/classes/{cohort['id']}/members/bob/remove")

        assert flash_of(page) == ("bob is no longer in the class.", False)
        assert members(page, "Students") == []
        assert signed_in("bob").get(f"/classes/{cohort['id']}").status_code == 404


class TestStudentsLimits:
    @pytest.fixture
    def cohort(self, client: TestClient, anna: Learner, bob: Learner) -> dict[str, Any]:
        cohort = new_cohort(client, anna[1])
        join(client, bob[1], cohort)
        carl = signed_up(client, username="carl")
        join(client, carl[1], cohort)
        return cohort

    def test_a_student_cannot_change_the_settings(
        self, client: TestClient, anna: Learner, signed_in: SignedIn, cohort: dict[str, Any]
    ) -> None:
        browser = signed_in("bob")
        browser.page(f"/classes/{cohort['id']}")

        response = browser.post(
            f"/classes/{cohort['id']}",
            {"name": "Taken over", "has_leaderboard": "on", "leaderboard_names": "visible"},
        )

        assert response.status_code == 403
        assert form_error(response.text) == "Only the cohort's teachers can do this."
        assert read_class(client, anna[1], cohort["id"])["name"] == "Spanish 2B"

    @pytest.mark.parametrize(
        ("action", "data", "message"),
        [
            ("invite-code", {}, "Only the cohort's teachers can do this."),
            ("teachers", {"username": "bob"}, "Only the cohort's teachers can do this."),
            ("members/carl/remove", {}, "Only teachers can remove other members."),
        ],
    )
    def test_a_student_pressing_a_teachers_button_changes_nothing(
        self,
        client: TestClient,
        anna: Learner,
        signed_in: SignedIn,
        cohort: dict[str, Any],
        action: str,
        data: dict[str, str],
        message: str,
    ) -> None:
        before = read_class(client, anna[1], cohort["id"])
        browser = signed_in("bob")
        browser.page(f"/classes/{cohort['id']}")

        page = browser.submit(f"/classes/{cohort['id']}/{action}", data)

        assert flash_of(page) == (message, True)
        assert read_class(client, anna[1], cohort["id"]) == before

    def test_a_student_leaves(
        self, client: TestClient, bob: Learner, signed_in: SignedIn, cohort: dict[str, Any]
    ) -> None:
        browser = signed_in("bob")
        browser.page(f"/classes/{cohort['id']}")

        response = browser.post(f"/classes/{cohort['id']}/members/bob/remove")

        assert response.headers["location"] == "/classes"
        page = browser.follow(response)
        assert flash_of(page) == ("You left the class.", False)
        assert "You are not in a class yet." in page
        assert my_classes(client, bob[1]) == []

    def test_the_last_teacher_cannot_leave(
        self, client: TestClient, anna: Learner, signed_in: SignedIn, cohort: dict[str, Any]
    ) -> None:
        browser: Browser = signed_in("anna")
        browser.page(f"/classes/{cohort['id']}")

        page = browser.submit(f"/classes/{cohort['id']}/members/anna/remove")

        assert flash_of(page) == ("Add another teacher before the last one leaves.", True)
        assert [c["role"] for c in my_classes(client, anna[1])] == ["teacher"]

    def test_an_outsider_sees_neither_the_class_nor_its_code(
        self, client: TestClient, signed_in: SignedIn, cohort: dict[str, Any]
    ) -> None:
        signed_up(client, username="dora")

        response = signed_in("dora").get(f"/classes/{cohort['id']}")

        assert response.status_code == 404
        assert cohort["invite_code"] not in response.text
        assert "Spanish 2B" not in response.text
