"""The learner's own profile (names, time zone, avatar, social settings) and other learners'
profiles, shown as the privacy rules allow."""

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from fastapi import APIRouter
from fastapi.responses import Response

from zeal.accounts import avatars
from zeal.accounts.models import User
from zeal.accounts.schemas import MeUpdate
from zeal.data_rights import service as data_rights
from zeal.data_rights.schemas import LearnerExport
from zeal.deps import SignInAttemptDep
from zeal.friends import friendships, requests
from zeal.friends.pairs import Relation
from zeal.friends.schemas import ProfileRead
from zeal.routing import Route
from zeal.schemas import UsernamePath
from zeal.use_cases import accounts as accounts_use_case
from zeal.use_cases import profiles
from zeal.web import cookies, forms
from zeal.web.pages import Form, LearnerDep, Web

router = APIRouter(route_class=Route)

_FIELDS = ("display_name", "username", "timezone", "image", "character_color", "background_color")


@cache
def time_zones() -> list[str]:
    return sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC")


def _current(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "username": user.username,
        "timezone": user.timezone,
        "image": user.avatar_image,
        "character_color": user.avatar_character_color,
        "background_color": user.avatar_background_color,
        "discoverable": user.discoverable,
        "accept_requests": user.accepts_friend_requests,
    }


def _profile_page(
    web: Web,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    delete_errors: dict[str, str] | None = None,
) -> Response:
    return web.render(
        "profile.html",
        status,
        values=values,
        errors=errors,
        delete_errors=delete_errors or {},
        images=avatars.IMAGES,
        character_colors=avatars.CHARACTER_COLORS,
        background_colors=avatars.BACKGROUND_COLORS,
        time_zones=time_zones(),
    )


@router.get("/profile")
def profile_page(web: LearnerDep) -> Response:
    return _profile_page(web, _current(web.me), {})


def _changes(current: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    """Only what the learner changed goes to the service (so saving the social settings alone
    does not count as customising the profile)."""
    changed = {k: v for k, v in sent.items() if _differs(k, v, current[k])}
    avatar = {
        k: changed.pop(k) for k in ("image", "character_color", "background_color") if k in changed
    }
    social = {k: changed.pop(k) for k in ("discoverable", "accept_requests") if k in changed}
    return {
        **changed,
        **({"avatar": avatar} if avatar else {}),
        **({"social": social} if social else {}),
    }


def _differs(field: str, sent: Any, current: Any) -> bool:
    if field.endswith("_color"):  # #f09000 and #F09000 are one colour
        return str(sent).upper() != str(current).upper()
    return bool(sent != current)


@router.post("/profile")
def save_profile(web: LearnerDep, form: Form) -> Response:
    me = web.me
    sent: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in _FIELDS}
    sent["discoverable"] = forms.checkbox(form, "discoverable")
    sent["accept_requests"] = forms.checkbox(form, "accept_requests")
    try:
        body = forms.parse(MeUpdate, _changes(_current(me), sent))
    except forms.FormInvalid as invalid:
        return _profile_page(web, sent, invalid.errors, 422)
    error = web.attempt(
        lambda: accounts_use_case.update_profile(web.session, web.ctx, me, body.changes())
    )
    if error is not None:
        return _profile_page(web, sent, forms.refusal(error), error.status)
    return web.redirect("/profile", "Your profile is saved.")


@router.get("/profile/export")
def export_my_data(web: LearnerDep) -> Response:
    """The API's export, as a file the browser saves."""
    now = web.ctx.clock.now()
    export = LearnerExport.of(data_rights.export(web.session, web.me), now)
    name = data_rights.export_filename(web.me, now)
    return Response(
        export.model_dump_json(indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/profile/delete")
def delete_account(attempt: SignInAttemptDep, web: LearnerDep, form: Form) -> Response:
    me = web.me
    password = str(form.get("password", ""))

    def delete() -> None:
        data_rights.delete_account(web.session, web.ctx, attempt, me, password=password)

    error = web.attempt(delete)
    if error is not None:
        attempt.saw(error)
        refused = forms.refusal(error)
        return _profile_page(web, _current(me), {}, error.status, delete_errors=refused)
    cookies.renew_csrf(web.request)
    response = web.redirect("/sign-in", "Your account and all its data are deleted.")
    cookies.clear_session(response)
    return response


@router.get("/learners/{username}")
def learner_page(username: UsernamePath, web: LearnerDep) -> Response:
    me = web.me
    profile = profiles.profile(web.session, web.ctx, me, username=username)
    pending_id = None
    if profile.relation in (Relation.REQUEST_SENT, Relation.REQUEST_RECEIVED):
        received = profile.relation is Relation.REQUEST_RECEIVED
        pending = requests.pending_requests(web.session, me, received=received)
        pending_id = next((p.request.id for p in pending if p.other.id == profile.user.id), None)
    their_friends = (
        friendships.friends_of(web.session, web.ctx, me, username=username)
        if profile.relation is Relation.FRIEND
        else []
    )
    return web.render(
        "learner.html",
        learner=ProfileRead.of(profile),
        pending_id=pending_id,
        their_friends=their_friends,
    )
