"""The base for every request and response model."""

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    # Unknown fields are refused (422), never silently dropped.
    model_config = ConfigDict(extra="forbid", from_attributes=True)
