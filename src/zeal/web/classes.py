"""Classes: join with a code, start one, and the class page (teachers: invite code, members,
the leaderboard switch and name mode)."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from zeal.cohorts import service as cohorts_service
from zeal.cohorts.models import LeaderboardNames, Role
from zeal.cohorts.schemas import CohortCreate, CohortUpdate, JoinRequest
from zeal.routing import Route
from zeal.schemas import IdPath, UsernamePath
from zeal.web import forms
from zeal.web.pages import Form, LearnerDep, Web

router = APIRouter(route_class=Route)


def _classes_page(web: Web, status: int = 200, **form: Any) -> Response:
    return web.render(
        "classes.html",
        status,
        classes=cohorts_service.my_cohorts(web.session, web.me),
        values=form.get("values", {}),
        errors=form.get("errors", {}),
        form_name=form.get("form_name"),
    )


@router.get("/classes")
def classes_page(web: LearnerDep) -> Response:
    return _classes_page(web)


@router.post("/classes/join")
def join_class(web: LearnerDep, form: Form) -> Response:
    values = {"invite_code": str(form.get("invite_code", "")).strip()}
    try:
        body = forms.parse(JoinRequest, values)
    except forms.FormInvalid as invalid:
        return _classes_page(web, 422, values=values, errors=invalid.errors, form_name="join")
    joined: list[int] = []
    error = web.attempt(
        lambda: joined.append(
            cohorts_service.join_cohort(
                web.session, web.ctx, web.me, invite_code=body.invite_code
            ).id
        )
    )
    if error is not None:
        errors = forms.refusal(error)
        return _classes_page(web, error.status, values=values, errors=errors, form_name="join")
    return web.redirect(f"/classes/{joined[0]}", "Welcome to the class!")


@router.post("/classes")
def start_class(web: LearnerDep, form: Form) -> Response:
    values = {
        "name": str(form.get("name", "")).strip(),
        "has_leaderboard": forms.checkbox(form, "has_leaderboard"),
    }
    try:
        body = forms.parse(CohortCreate, values)
    except forms.FormInvalid as invalid:
        return _classes_page(web, 422, values=values, errors=invalid.errors, form_name="start")
    created: list[int] = []
    error = web.attempt(
        lambda: created.append(
            cohorts_service.create_cohort(
                web.session, web.ctx, web.me, name=body.name, has_leaderboard=body.has_leaderboard
            ).id
        )
    )
    if error is not None:
        errors = forms.refusal(error)
        return _classes_page(web, error.status, values=values, errors=errors, form_name="start")
    return web.redirect(f"/classes/{created[0]}", "Your class is ready: share its invite code.")


def _class_page(web: Web, cohort_id: int, status: int = 200, **form: Any) -> Response:
    roster = cohorts_service.roster(web.session, web.me, cohort_id)
    cohort = roster.cohort
    values = form.get("values") or {
        "name": cohort.name,
        "has_leaderboard": cohort.has_leaderboard,
        "leaderboard_names": cohort.leaderboard_names,
    }
    return web.render(
        "class.html",
        status,
        roster=roster,
        is_teacher=roster.role == Role.TEACHER,
        values=values,
        errors=form.get("errors", {}),
    )


@router.get("/classes/{cohort_id}")
def class_page(cohort_id: IdPath, web: LearnerDep) -> Response:
    return _class_page(web, cohort_id)


@router.post("/classes/{cohort_id}")
def update_class(cohort_id: IdPath, web: LearnerDep, form: Form) -> Response:
    values = {
        "name": str(form.get("name", "")).strip(),
        "has_leaderboard": forms.checkbox(form, "has_leaderboard"),
        "leaderboard_names": str(form.get("leaderboard_names", LeaderboardNames.VISIBLE)),
    }
    try:
        body = forms.parse(CohortUpdate, values)
    except forms.FormInvalid as invalid:
        return _class_page(web, cohort_id, 422, values=values, errors=invalid.errors)
    error = web.attempt(
        lambda: cohorts_service.update_cohort(
            web.session,
            web.ctx,
            web.me,
            cohort_id,
            name=body.name,
            has_leaderboard=body.has_leaderboard,
            leaderboard_names=body.leaderboard_names,
        )
    )
    if error is not None:
        return _class_page(web, cohort_id, error.status, values=values, errors=forms.refusal(error))
    return web.redirect(f"/classes/{cohort_id}", "Class settings saved.")


@router.post("/classes/{cohort_id}/invite-code")
def new_invite_code(cohort_id: IdPath, web: LearnerDep) -> Response:
    return web.act(
        lambda: cohorts_service.update_cohort(
            web.session, web.ctx, web.me, cohort_id, regenerate_invite_code=True
        ),
        f"/classes/{cohort_id}",
        "A new invite code is ready; the old one no longer works.",
    )


@router.post("/classes/{cohort_id}/teachers")
def add_teacher(cohort_id: IdPath, web: LearnerDep, form: Form) -> Response:
    username = str(form.get("username", "")).strip()
    return web.act(
        lambda: cohorts_service.add_teacher(
            web.session, web.ctx, web.me, cohort_id, username=username
        ),
        f"/classes/{cohort_id}",
        f"{username} teaches this class now.",
    )


@router.post("/classes/{cohort_id}/members/{username}/remove")
def remove_member(cohort_id: IdPath, username: UsernamePath, web: LearnerDep) -> Response:
    leaving = username.lower() == web.me.username_key
    error = web.attempt(
        lambda: cohorts_service.remove_member(
            web.session, web.ctx, web.me, cohort_id, username=username
        )
    )
    if error is not None:
        return web.redirect(f"/classes/{cohort_id}", error.detail, error=True)
    if leaving:
        return web.redirect("/classes", "You left the class.")
    return web.redirect(f"/classes/{cohort_id}", f"{username} is no longer in the class.")
