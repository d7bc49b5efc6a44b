"""Response shapes for badges."""

from datetime import datetime

from pydantic import Field

from zeal.badges.models import Badge, Metric, UserBadge
from zeal.badges.service import AwardedBadge, BadgeState, MetricProgress
from zeal.schemas import Id, Schema

ICON_PATH = "/static/badges/"


class NewBadge(Schema):
    """A badge achieved by the request that returns it."""

    badge_id: int
    metric: str
    level: int
    name: str
    description: str
    icon: str
    icon_url: str

    @classmethod
    def of(cls, awarded: AwardedBadge) -> "NewBadge":
        return cls(
            badge_id=awarded.badge_id,
            metric=awarded.metric,
            level=awarded.level,
            name=awarded.name,
            description=awarded.description,
            icon=awarded.icon,
            icon_url=ICON_PATH + awarded.icon,
        )


class BadgeRead(Schema):
    id: int
    level: int
    threshold: int
    name: str
    description: str = Field(description="The achieved text once achieved, else how to get it.")
    achieved_description: str
    unachieved_description: str
    icon: str
    icon_url: str
    achieved: bool
    achieved_at: datetime | None
    seen: bool

    @classmethod
    def of(cls, state: BadgeState) -> "BadgeRead":
        badge = state.badge
        achieved = state.achieved_at is not None
        return cls(
            id=badge.id,
            level=badge.level,
            threshold=badge.threshold,
            name=badge.name,
            description=badge.achieved_description if achieved else badge.unachieved_description,
            achieved_description=badge.achieved_description,
            unachieved_description=badge.unachieved_description,
            icon=badge.icon,
            icon_url=ICON_PATH + badge.icon,
            achieved=achieved,
            achieved_at=state.achieved_at,
            seen=state.seen,
        )


class NextBadge(Schema):
    badge_id: int
    name: str
    threshold: int
    remaining: int
    progress: float = Field(ge=0, le=1, description="value / threshold, at most 1.")


class MetricRead(Schema):
    code: str
    name: str
    description: str
    mechanism: str
    value: int
    badges: list[BadgeRead]
    next: NextBadge | None = Field(description="The next badge to reach; null when all are.")

    @classmethod
    def of(cls, progress: MetricProgress) -> "MetricRead":
        metric, upcoming = progress.metric, progress.next_badge
        return cls(
            code=metric.code,
            name=metric.name,
            description=metric.description,
            mechanism=metric.mechanism,
            value=progress.value,
            badges=[BadgeRead.of(state) for state in progress.badges],
            next=NextBadge(
                badge_id=upcoming.id,
                name=upcoming.name,
                threshold=upcoming.threshold,
                remaining=max(upcoming.threshold - progress.value, 0),
                progress=min(progress.value / upcoming.threshold, 1.0),
            )
            if upcoming
            else None,
        )


class MyBadges(Schema):
    unseen: int
    metrics: list[MetricRead]


class AchievedBadge(Schema):
    """A badge another learner achieved: no progress values, no seen flag."""

    id: int
    metric: str
    metric_name: str
    level: int
    name: str
    description: str
    icon: str
    icon_url: str
    achieved_at: datetime

    @classmethod
    def of(cls, user_badge: UserBadge, badge: Badge, metric: Metric) -> "AchievedBadge":
        return cls(
            id=badge.id,
            metric=metric.code,
            metric_name=metric.name,
            level=badge.level,
            name=badge.name,
            description=badge.achieved_description,
            icon=badge.icon,
            icon_url=ICON_PATH + badge.icon,
            achieved_at=user_badge.achieved_at,
        )


class AchievedBadges(Schema):
    badges: list[AchievedBadge]


class UnseenCount(Schema):
    unseen: int


class SeenRequest(Schema):
    badge_ids: list[Id] | None = Field(
        default=None, max_length=500, description="Leave out to mark every new badge seen."
    )


class SeenResult(Schema):
    marked: int
    unseen: int
