"""Imports every table, so Base.metadata is complete (Alembic and the drift test read it)."""

from zeal.accounts.models import ApiKey, SessionToken, User
from zeal.practice.models import PracticeDay, PracticeEvent, UserLanguage

__all__ = ["ApiKey", "PracticeDay", "PracticeEvent", "SessionToken", "User", "UserLanguage"]
