"""Imports every table, so Base.metadata is complete (Alembic and the drift test read it)."""

from zeal.accounts.models import ApiKey, KnownDevice, SessionToken, User
from zeal.badges.models import Badge, Metric, UserBadge, UserMetric
from zeal.celebrations.models import Celebration
from zeal.cohorts.models import Cohort, CohortMember
from zeal.friends.models import Block, FriendRequest, Friendship
from zeal.leagues.models import LeagueEntry, LeagueGroup
from zeal.limits.models import LimitCounter
from zeal.practice.models import PracticeDay, PracticeEvent, PracticeTotal, UserLanguage
from zeal.webhooks.models import StreakNotice, Webhook, WebhookDelivery, WebhookEventType

__all__ = [
    "ApiKey",
    "Badge",
    "Block",
    "Celebration",
    "Cohort",
    "CohortMember",
    "FriendRequest",
    "Friendship",
    "KnownDevice",
    "LeagueEntry",
    "LeagueGroup",
    "LimitCounter",
    "Metric",
    "PracticeDay",
    "PracticeEvent",
    "PracticeTotal",
    "SessionToken",
    "StreakNotice",
    "User",
    "UserBadge",
    "UserLanguage",
    "UserMetric",
    "Webhook",
    "WebhookDelivery",
    "WebhookEventType",
]
