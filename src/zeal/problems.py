"""Every error leaves Zeal as `application/problem+json` (RFC 9457) with a stable `code`."""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from zeal.errors import ZealError

log = logging.getLogger("zeal")

PROBLEM_TYPE = "application/problem+json"

_HTTP_CODES = {
    400: ("bad_request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("payload_too_large", "Request body too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    503: ("service_unavailable", "Service unavailable"),
}


def problem(
    request: Request,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = problem_body(status, code, title, detail, request.url.path, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE, headers=headers)


def problem_body(
    status: int, code: str, title: str, detail: str, instance: str, **extra: Any
) -> dict[str, Any]:
    """The RFC 9457 document every error response carries."""
    return {
        "type": f"urn:zeal:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": instance,
        **extra,
    }


async def _zeal_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ZealError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    headers.update(exc.headers)
    return problem(request, exc.status, exc.code, exc.title, exc.detail, headers, **exc.extra)


def validation_errors(found: Sequence[Any]) -> tuple[list[dict[str, Any]], str]:
    """pydantic's errors as a problem lists them (where, what, which kind), and one line
    that sums them up."""
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in found
    ]
    summary = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return errors, summary


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors, summary = validation_errors(exc.errors())
    if any(err["type"] == "json_invalid" for err in errors):
        return problem(
            request, 400, "malformed_json", "Malformed JSON", "The request body is not valid JSON."
        )
    return problem(
        request, 422, "validation_error", "Invalid request", summary or "Invalid request.",
        errors=errors,
    )  # fmt: skip


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem(request, exc.status_code, code, title, detail, dict(exc.headers or {}))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "internal", "Internal error", "Something went wrong on our side.")


# Errors that mean "the database cannot be reached right now" (refused, dropped, timed out,
# no pooled connection free): the client may retry. Integrity and programming errors are not
# among them; they stay bugs (500).
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)


# Seconds a client should wait before trying again when the database is away.
RETRY_AFTER_OUTAGE = {"Retry-After": "1"}


def database_unavailable(request: Request) -> JSONResponse:
    return problem(
        request, 503, "database_unavailable", "Database unavailable",
        "Zeal cannot reach its database right now; try again shortly.", RETRY_AFTER_OUTAGE,
    )  # fmt: skip


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return database_unavailable(request)


Handler = Callable[[Request, Exception], Awaitable[Response]]

HANDLERS: dict[type[Exception], Handler] = {
    ZealError: _zeal_error,
    RequestValidationError: _validation_error,
    StarletteHTTPException: _http_error,
    **dict.fromkeys(DATABASE_UNAVAILABLE, _database_unavailable),
    Exception: _unexpected,
}


def install(app: FastAPI) -> None:
    for exc_class, handler in HANDLERS.items():
        app.add_exception_handler(exc_class, handler)
    document(app)


# --- How /openapi.json declares these answers ---------------------------------------------

PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document. Clients act on `code`, which never changes.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance", "code"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:zeal:problem:user_not_found"]},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The path of the request."},
        "code": {"type": "string", "examples": ["user_not_found"]},
        "errors": {
            "type": "array",
            "description": "With `validation_error`: what was wrong, and where.",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    # Some problems carry more, e.g. `retry_after` with `rate_limited`.
    "additionalProperties": True,
}

_ERROR_DESCRIPTIONS = {
    400: "The body is not JSON (`malformed_json`).",
    401: "No valid session token, platform key, or login and password (`code` says which).",
    403: "Not allowed (`code` says why).",
    404: "Not found, or not visible to you (`code` says what).",
    409: "In conflict with the current state (`code` says how).",
    413: "The body is too large (`payload_too_large`).",
    422: "Invalid request: `validation_error` with `errors`, or a rule's own `code`.",
    429: "Too many requests (`rate_limited`, or a rule's own `code`); see `Retry-After`.",
    503: "The database cannot be reached (`database_unavailable`); try again shortly.",
}
# What any operation may answer: too large, invalid, too many, no database.
_EVERY_OPERATION = (413, 422, 429, 503)
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
# FastAPI's own declaration of 422, which Zeal answers as a Problem instead.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route for the refusals only it can give (403, 404, 409, ...);
    `document` makes their bodies Problems."""
    return {status: {"description": _ERROR_DESCRIPTIONS[status]} for status in statuses}


def document(app: FastAPI) -> None:
    """Declare in /openapi.json what `install` answers: every error status an operation can
    give, as `application/problem+json` with the Problem schema."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            declare_problems(generate())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def declare_problems(schema: dict[str, Any]) -> None:
    """Give every operation the errors any operation can give (400 with a body, 401 with
    credentials) and every error response the Problem body, in place."""
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            statuses = [
                *([400] if "requestBody" in operation else []),
                *([401] if operation.get("security") else []),
                *_EVERY_OPERATION,
            ]
            for status in statuses:
                responses.setdefault(str(status), {})
            for status, response in responses.items():
                if not (status.isdigit() and int(status) >= 400):
                    continue
                # A route's own words stay; FastAPI's "Validation Error" gives way.
                if response.get("description") in (None, "", "Validation Error"):
                    response["description"] = _ERROR_DESCRIPTIONS.get(int(status), "An error.")
                response["content"] = {PROBLEM_TYPE: {"schema": {"$ref": PROBLEM_REF}}}
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
