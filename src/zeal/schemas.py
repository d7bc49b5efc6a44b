"""The base for every request and response model."""

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

# Row ids as clients may send them: what every backend's INTEGER column can hold.
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
# A learner's username in a path (the column's length; the service judges the rest).
UsernamePath = Annotated[str, Path(max_length=100)]


class Schema(BaseModel):
    # Unknown fields are refused (422), never silently dropped.
    model_config = ConfigDict(extra="forbid", from_attributes=True)
