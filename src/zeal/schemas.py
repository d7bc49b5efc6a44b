"""The base for every request and response model."""

import base64
import re
from datetime import date
from typing import Annotated

from fastapi import Path, Query, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

from zeal.errors import CursorInvalid

# Row ids as clients may send them: what every backend's INTEGER column can hold.
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
# A learner's username in a path (the column's length; the service judges the rest).
UsernamePath = Annotated[str, Path(max_length=100)]


# A boolean a client sends is JSON true or false: 0, 1 or "yes" are refused, not guessed at.
Flag = Annotated[bool, Strict()]


def _iso_date(value: object) -> object:
    """Only YYYY-MM-DD: pydantic would read "0" as a Unix time (1970-01-01)."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD, e.g. 2026-03-10")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date in a query string (`from`, `to`).
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class Schema(BaseModel):
    # Unknown fields are refused (422), never silently dropped.
    model_config = ConfigDict(extra="forbid", from_attributes=True)


def answer(
    model: BaseModel, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """`model` as the JSON body, serialised once by pydantic's core, for a route that declares
    it as its `response_model`. Returned as a model, FastAPI would validate it against that
    model again first, and for a `def` route do so in one more trip to the threadpool."""
    body = model.model_dump_json(by_alias=True)
    return Response(body, status_code, headers, media_type="application/json")


# ---- cursors ---------------------------------------------------------------------------------


def encode_cursor(position: str) -> str:
    """An opaque cursor for a list's position: clients pass it back, never build it, so the
    order behind it may change."""
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise CursorInvalid(
            "This cursor is not one Zeal gave out: start from the first page."
        ) from None


# A cursor in a query string: the `next_cursor` of the page before.
CursorQuery = Annotated[
    str | None, Query(max_length=200, description="`next_cursor` of the page before.")
]
