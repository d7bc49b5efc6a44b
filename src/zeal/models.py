"""Imports every table, so Base.metadata is complete (Alembic and the drift test read it)."""

from zeal.accounts.models import ApiKey, SessionToken, User
from zeal.friends.models import Block, FriendRequest, Friendship
from zeal.practice.models import PracticeDay, PracticeEvent, UserLanguage

__all__ = [
    "ApiKey",
    "Block",
    "FriendRequest",
    "Friendship",
    "PracticeDay",
    "PracticeEvent",
    "SessionToken",
    "User",
    "UserLanguage",
]
