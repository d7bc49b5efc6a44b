"""What every page handler gets: the request, its transaction, the context and the viewer,
with the means to render a template or redirect after a form (post/redirect/get)."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from zeal.accounts import service as accounts_service
from zeal.accounts.errors import InvalidToken
from zeal.accounts.models import User
from zeal.accounts.service import SignedInSession
from zeal.badges import service as badges_service
from zeal.celebrations import service as celebrations
from zeal.context import Context
from zeal.db import writes
from zeal.deps import limits_of
from zeal.errors import Unauthenticated, ZealError
from zeal.friends import requests as friend_requests
from zeal.limits.service import Limits
from zeal.routing import Claim, Trip
from zeal.web import cookies, formats

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
formats.install(templates.env)


class SignInRequired(Unauthenticated):
    code = "sign_in_required"
    title = "Sign in to see this page"


@dataclass
class Web:
    request: Request
    session: Session
    ctx: Context
    user: User | None
    token: SignedInSession | None = None

    @property
    def limits(self) -> Limits:
        return limits_of(self.request)

    @property
    def me(self) -> User:
        if self.user is None:
            raise SignInRequired()
        return self.user

    def render(
        self, template: str, status_code: int = 200, *, header: bool = True, **values: Any
    ) -> HTMLResponse:
        """A page (or, with header=False, a fragment that shows no header counts)."""
        flash = cookies.read_flash(self.request)
        context = {
            "me": self.user,
            "csrf_token": cookies.csrf_token(self.request),
            "flash": flash,
            "settings": self.ctx.settings,
            "path": self.request.url.path,
            **(self._header_counts() if header else {}),
            **values,
        }
        response = templates.TemplateResponse(
            self.request, template, context, status_code=status_code
        )
        cookies.attach(self.request, response)
        if flash is not None:
            cookies.clear_flash(response)
        return response

    def _header_counts(self) -> dict[str, Any]:
        if self.user is None:
            return {}
        return {
            "unseen_badges": badges_service.unseen_count(self.session, self.user.id),
            "pending_requests": friend_requests.count_received(self.session, self.user),
            "celebrations": celebrations.waiting(self.session, self.user.id),
        }

    def redirect(
        self, url: str, flash: str | None = None, *, error: bool = False
    ) -> RedirectResponse:
        response = RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
        if flash:
            cookies.set_flash(self.request, response, flash, error=error)
        cookies.attach(self.request, response)
        return response

    def attempt(self, action: Callable[[], Any]) -> ZealError | None:
        """Run a service call in a savepoint: on a refusal nothing it did stays, and the page
        can show the form again with the message. A reading request writes nothing to undo
        (and may run outside a transaction, where there are no savepoints)."""
        try:
            if not writes(self.session):
                action()
                return None
            with self.session.begin_nested():
                action()
        except ZealError as error:
            return error
        return None

    def act(
        self, action: Callable[[], Any], back: str, done: str | Callable[[], str]
    ) -> RedirectResponse:
        """A button's action: back to the page it was pressed on, saying what happened (`done`,
        or what it makes of the outcome) or why nothing did."""
        error = self.attempt(action)
        if error is not None:
            return self.redirect(back, error.detail, error=True)
        return self.redirect(back, done() if callable(done) else done)


def _viewer(request: Request, trip: Trip) -> Web:
    """The page's viewer: whoever the session cookie names, or nobody (an unknown, expired or
    revoked cookie is as good as none)."""
    session, ctx = trip.session, trip.context
    secret = cookies.session_token(request)
    if secret is not None:
        try:
            user, token = accounts_service.user_for_token(session, ctx, secret)
        except InvalidToken:
            pass
        else:
            return Web(request, session, ctx, user, token)
    return Web(request, session, ctx, None)


class _ViewerClaim(Claim):
    """The viewer, looked up in the request's trip (`zeal.routing`)."""

    def __init__(self, request: Request, *, signed_in: bool) -> None:
        self.request = request
        self.signed_in = signed_in

    def settle(self, trip: Trip) -> Web:
        web = trip.once(_ViewerClaim, lambda: _viewer(self.request, trip))
        if self.signed_in and web.user is None:
            raise SignInRequired()
        return web


async def web_anyone(request: Request) -> Claim:
    return _ViewerClaim(request, signed_in=False)


async def web_learner(request: Request) -> Claim:
    if cookies.session_token(request) is None:
        raise SignInRequired()  # no cookie: refused at once, without the database
    return _ViewerClaim(request, signed_in=True)


async def form_values(request: Request) -> FormData:
    """The posted form (read once; later reads are served from Starlette's cache)."""
    return await request.form()


AnyoneDep = Annotated[Web, Depends(web_anyone)]
LearnerDep = Annotated[Web, Depends(web_learner)]
Form = Annotated[FormData, Depends(form_values)]


def local_target(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another site)."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def sign_in_url(request: Request) -> str:
    """Sign-in, then back to the page asked for (a form's target cannot be gone back to)."""
    if request.method != "GET":
        return "/sign-in"
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/sign-in" if target == "/" else f"/sign-in?next={quote(target, safe='')}"
