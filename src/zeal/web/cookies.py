"""The browser's session cookie and CSRF protection for the learner pages.

The session cookie carries an ordinary session token (the same kind `POST /v1/sessions` hands
out), so pages and API share one sign-in model. It is `HttpOnly`, `SameSite=Lax`, and `Secure`
whenever the request arrived over HTTPS (behind a proxy: run uvicorn with `--proxy-headers`).

CSRF: every form carries a token that must equal a random value in a separate cookie (the
double-submit pattern: another site can neither read our cookies nor set them), and a request
that says it comes from another origin is refused whatever it carries.
"""

import hmac
import secrets
from typing import Final
from urllib.parse import urlsplit

from fastapi import Request, Response

from zeal.errors import Forbidden

SESSION_COOKIE: Final = "zeal_session"
CSRF_COOKIE: Final = "zeal_csrf"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "X-CSRF-Token"
FLASH_COOKIE: Final = "zeal_flash"
DEVICE_COOKIE: Final = "zeal_device"
DEVICE_MAX_AGE: Final = 400 * 86_400  # the longest browsers keep a cookie

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    title = "This form has expired"


def _set(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )


def set_session(request: Request, response: Response, token: str, max_age: int) -> None:
    _set(request, response, SESSION_COOKIE, token, max_age)


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def set_device(request: Request, response: Response, token: str) -> None:
    """This browser is a known device of the account it signed in to (`zeal.limits`); kept
    across sign-outs, since it is what spares the learner a stranger's lock-out."""
    _set(request, response, DEVICE_COOKIE, token, DEVICE_MAX_AGE)


def device_token(request: Request) -> str | None:
    return request.cookies.get(DEVICE_COOKIE) or None


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def csrf_token(request: Request) -> str:
    """The token this browser's forms carry; a new one is made (and set by `attach`) if the
    browser has none or sign-in/out asked for a fresh one."""
    token: str | None = getattr(request.state, "new_csrf", None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE) or _renew(request)
    return token


def _renew(request: Request) -> str:
    token = secrets.token_urlsafe(32)
    request.state.new_csrf = token
    return token


def renew_csrf(request: Request) -> None:
    """Sign-in and sign-out change the token, so one picked up before cannot be replayed."""
    _renew(request)


def attach(request: Request, response: Response) -> None:
    """Set what this request decided for the browser: a new CSRF token."""
    token = getattr(request.state, "new_csrf", None)
    if token is not None:
        _set(request, response, CSRF_COOKIE, token, None)


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing page request that another site could have forged."""
    if request.method in _SAFE_METHODS:
        return
    if request.headers.get("sec-fetch-site") == "cross-site" or not _same_origin(request):
        raise CsrfFailed("The form was sent from another site; nothing was changed.")
    expected = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise CsrfFailed("Reload the page and send the form again; nothing was changed.")


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", request.url.netloc)


def set_flash(request: Request, response: Response, message: str, *, error: bool = False) -> None:
    """A one-time message for the next page (after a redirect): a success, or a refusal."""
    text = ("!" if error else "") + message
    _set(request, response, FLASH_COOKIE, text.encode().hex(), 60)


def read_flash(request: Request) -> tuple[str, bool] | None:
    """(message, is_error), or None."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        text = bytes.fromhex(raw).decode()
    except ValueError:
        return None
    return (text[1:], True) if text.startswith("!") else (text, False)


def clear_flash(response: Response) -> None:
    response.delete_cookie(FLASH_COOKIE, path="/")
