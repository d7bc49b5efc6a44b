"""Sign up, sign in and sign out in the browser."""

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from zeal import demo
from zeal.accounts import devices
from zeal.accounts import service as accounts_service
from zeal.accounts.errors import InvalidToken
from zeal.accounts.schemas import SessionCreate, UserCreate
from zeal.deps import SignInAttemptDep
from zeal.routing import Route
from zeal.use_cases import accounts as accounts_use_case
from zeal.web import cookies, forms
from zeal.web.pages import AnyoneDep, Form, LearnerDep, Web, local_target

router = APIRouter(route_class=Route)


def _blank_to_none(form: Form, *names: str) -> dict[str, str | None]:
    return {name: (str(form.get(name, "")).strip() or None) for name in names}


def _signed_in(
    web: Web, token: str, target: str, flash: str | None = None, *, device: str | None = None
) -> Response:
    cookies.renew_csrf(web.request)
    response = web.redirect(target, flash)
    max_age = web.ctx.settings.session_days * 86_400
    cookies.set_session(web.request, response, token, max_age)
    if device is not None:
        cookies.set_device(web.request, response, device)
    return response


@router.get("/sign-up")
def sign_up_page(web: AnyoneDep) -> Response:
    if web.user is not None:
        return web.redirect("/")
    return web.render("sign_up.html", values={}, errors={})


@router.post("/sign-up")
def sign_up(web: AnyoneDep, form: Form) -> Response:
    values = {
        "email": str(form.get("email", "")),
        "password": str(form.get("password", "")),
        **_blank_to_none(form, "display_name", "username", "timezone"),
    }
    shown = {k: v for k, v in values.items() if k != "password"}
    try:
        body = forms.parse(UserCreate, values)
    except forms.FormInvalid as invalid:
        return web.render("sign_up.html", 422, values=shown, errors=invalid.errors)
    created: list[str] = []

    def create() -> None:
        user = accounts_service.create_user(web.session, web.ctx, **body.model_dump())
        token, _ = accounts_service.open_session(web.session, web.ctx, user)
        device = devices.remember_device(web.session, web.ctx, user.id, None)
        created.extend((token, user.username, device))

    error = web.attempt(create)
    if error is not None:
        return web.render("sign_up.html", error.status, values=shown, errors=forms.refusal(error))
    token, username, device = created
    flash = f"Welcome to Zeal! Your username is {username}."
    return _signed_in(web, token, "/", flash, device=device)


@router.get("/sign-in")
def sign_in_page(web: AnyoneDep, next: str | None = Query(None, max_length=2000)) -> Response:
    if web.user is not None:
        return web.redirect(local_target(next))
    return _sign_in_page(web, 200, {"next": next or ""}, {})


def _sign_in_page(
    web: Web, status: int, values: dict[str, str], errors: dict[str, Any]
) -> Response:
    # The demo's own numbers, counted when the hint is on (make run), never otherwise.
    hint = demo.hint(web.session) if web.ctx.settings.demo_hint else None
    return web.render("sign_in.html", status, values=values, errors=errors, hint=hint)


@router.get("/sign-in/token")
def sign_in_with_token(
    web: AnyoneDep, token: str = Query("", max_length=200, description="A learner token.")
) -> Response:
    """A platform's link into the pages: the learner token it minted becomes this browser's
    session (`POST /v1/platform/learners/{external_id}/tokens`)."""
    try:
        accounts_service.user_for_token(web.session, web.ctx, token)
    except InvalidToken:
        message = "That sign-in link has expired or was revoked: open Zeal from your app again."
        return web.redirect("/sign-in", message, error=True)
    return _signed_in(web, token, "/")


@router.post("/sign-in")
def sign_in(attempt: SignInAttemptDep, web: AnyoneDep, form: Form) -> Response:
    values = {"login": str(form.get("login", "")).strip(), "next": str(form.get("next", ""))}
    try:
        body = forms.parse(
            SessionCreate, {"login": values["login"], "password": str(form.get("password", ""))}
        )
    except forms.FormInvalid as invalid:
        return _sign_in_page(web, 422, values, invalid.errors)
    attempt.device_token = cookies.device_token(web.request)
    opened: list[accounts_use_case.SignedIn] = []

    def sign_in() -> None:
        opened.append(
            accounts_use_case.sign_in(
                web.session, web.ctx, attempt, login=body.login, password=body.password
            )
        )

    error = web.attempt(sign_in)
    attempt.saw(error)
    if error is not None:
        return _sign_in_page(web, error.status, values, forms.refusal(error))
    target = local_target(values["next"])
    return _signed_in(web, opened[0].token, target, device=opened[0].device_token)


@router.post("/sign-out")
def sign_out(web: LearnerDep) -> Response:
    assert web.token is not None
    accounts_service.revoke_session(web.session, web.ctx, web.token)
    cookies.renew_csrf(web.request)
    response = web.redirect("/sign-in", "You are signed out.")
    cookies.clear_session(response)
    return response
