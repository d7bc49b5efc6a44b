"""The one error family Zeal raises, rendered as RFC 9457 problem details."""

from typing import Any, ClassVar


class ZealError(Exception):
    """A refusal a client can act on: an HTTP status, a stable `code`, a human `detail`."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        self.detail = detail or self.title
        self.extra = extra
        self.headers: dict[str, str] = {}  # e.g. Retry-After on a 429
        super().__init__(self.detail)


class WrongPassword:
    """Marks a refusal for a password that did not match: it counts toward the sign-in limit."""


class NotFound(ZealError):
    status = 404
    code = "not_found"
    title = "Not found"


class Unauthenticated(ZealError):
    status = 401
    code = "unauthenticated"
    title = "Authentication required"


class Forbidden(ZealError):
    status = 403
    code = "forbidden"
    title = "Not allowed"


class Conflict(ZealError):
    status = 409
    code = "conflict"
    title = "Conflict"


class Invalid(ZealError):
    status = 422
    code = "validation_error"
    title = "Invalid request"


class CursorInvalid(Invalid):
    """A list's cursor that Zeal did not give out (cursors are opaque: clients pass them back)."""

    code = "cursor_invalid"
    title = "Invalid cursor"
