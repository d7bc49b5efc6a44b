"""Forms on the pages: read with the API's own schemas, refused with the API's own messages.

A refusal becomes a map from field name to message, shown beside the field; messages that
belong to no field go under "form", shown at the top of the form.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from zeal.errors import ZealError

FORM = "form"

Model = TypeVar("Model", bound=BaseModel)

# Which field a service refusal is about, by its stable code.
FIELD_OF_CODE: Mapping[str, str] = {
    "email_taken": "email",
    "username_taken": "username",
    "username_invalid": "username",
    "username_reserved": "username",
    "password_too_weak": "password",
    "password_incorrect": "password",
    "display_name_invalid": "display_name",
    "timezone_invalid": "timezone",
    "avatar_invalid": "avatar",
    "language_unknown": "language",
    "practice_type_unknown": "type",
    "outcome_invalid": "outcome",
    "duration_invalid": "minutes",
    "invite_code_unknown": "invite_code",
    "already_member": "invite_code",
    "cohort_name_invalid": "name",
    "search_too_short": "q",
}


class FormInvalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def parse(model: type[Model], data: Mapping[str, Any]) -> Model:
    """Validate form values with an API schema; raises FormInvalid with per-field messages."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise FormInvalid(_messages(error)) from None


def _messages(error: ValidationError) -> dict[str, str]:
    messages: dict[str, str] = {}
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        field = loc[-1] if loc else FORM
        if loc and loc[0] in ("avatar", "social"):
            field = loc[0]
        message = item["msg"].removeprefix("Value error, ")
        messages.setdefault(field, message[0].upper() + message[1:])
    return messages


def refusal(error: ZealError) -> dict[str, str]:
    return {FIELD_OF_CODE.get(error.code, FORM): error.detail}


def checkbox(form: Mapping[str, Any], name: str) -> bool:
    """An HTML checkbox is sent only when ticked."""
    return name in form
