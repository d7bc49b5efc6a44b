"""The shape of a learner's data export, and of the request that deletes an account."""

from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import Field

from zeal.accounts.schemas import MeRead
from zeal.data_rights.service import LearnerData
from zeal.leagues.models import LeagueEntry
from zeal.practice.schemas import FreezeRead, PracticeDayRead, PracticeEventRead
from zeal.schemas import Schema

S = TypeVar("S", bound=Schema)


class AccountDelete(Schema):
    password: str = Field(max_length=1024, description="The learner's current password.")


class SessionExport(Schema):
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class DeviceExport(Schema):
    """A device that signed in with the password (its token is never kept, so never shown)."""

    created_at: datetime
    signed_in_at: datetime


class LanguageExport(Schema):
    language: str
    daily_streak: int
    last_practice_date: date | None
    max_streak: int
    max_streak_date: date | None
    kept_through: date | None
    started_at: datetime


class DailyGoalExport(Schema):
    since_day: date = Field(description="From this local day on, until a later change.")
    goal_xp: int


class FriendshipExport(Schema):
    friend: str = Field(description="The other learner's username today.")
    created_at: datetime
    ended_at: datetime | None
    friend_streak: int
    max_friend_streak: int
    max_friend_streak_date: date | None


class FriendRequestExport(Schema):
    sender: str
    receiver: str
    status: str
    created_at: datetime
    responded_at: datetime | None


class BlockExport(Schema):
    blocked: str
    created_at: datetime


class MetricExport(Schema):
    metric: str
    value: int
    updated_at: datetime


class BadgeExport(Schema):
    metric: str
    level: int
    name: str
    achieved_at: datetime
    seen_at: datetime | None


class CelebrationExport(Schema):
    kind: str = Field(description="'streak' (a milestone) or 'badge'.")
    language: str | None
    days: int | None
    badge: str | None = Field(description="The badge's name, for a badge.")
    created_at: datetime
    shown_at: datetime | None


class RepairExport(Schema):
    language: str
    day: date = Field(description="A missed day, repaired.")
    repaired_by: str = Field(description="'platform' or 'learner'.")
    created_at: datetime


class LeagueWeekExport(Schema):
    week_start: date = Field(description="The Monday (UTC) the league week began.")
    tier: int = Field(description="1 for the first tier.")
    xp: int
    joined_at: datetime
    rank: int | None = Field(description="Null until the week's results are written.")
    outcome: str | None = Field(description="'promoted', 'stayed' or 'demoted'.")

    @classmethod
    def of(cls, entry: LeagueEntry) -> "LeagueWeekExport":
        return cls(
            week_start=entry.week_start,
            tier=entry.tier + 1,
            xp=entry.xp,
            joined_at=entry.joined_at,
            rank=entry.rank,
            outcome=entry.outcome,
        )


class ClassExport(Schema):
    class_id: int
    name: str
    role: str
    joined_at: datetime
    left_at: datetime | None


class LearnerExport(Schema):
    """Everything Zeal keeps about the learner (GDPR art. 15 and 20)."""

    exported_at: datetime
    account: MeRead
    sessions: list[SessionExport]
    devices: list[DeviceExport]
    practice_events: list[PracticeEventRead]
    practice_days: list[PracticeDayRead]
    languages: list[LanguageExport]
    streak_freezes: list[FreezeRead]
    streak_repairs: list[RepairExport]
    daily_goals: list[DailyGoalExport]
    friendships: list[FriendshipExport]
    friend_requests: list[FriendRequestExport]
    blocks: list[BlockExport]
    metrics: list[MetricExport]
    badges: list[BadgeExport]
    celebrations: list[CelebrationExport]
    league_weeks: list[LeagueWeekExport]
    classes: list[ClassExport]

    @classmethod
    def of(cls, data: LearnerData, exported_at: datetime) -> "LearnerExport":
        return cls(
            exported_at=exported_at,
            account=MeRead.of(data.user),
            sessions=[SessionExport.model_validate(row) for row in data.sessions],
            devices=[DeviceExport.model_validate(row) for row in data.devices],
            practice_events=[PracticeEventRead.of(row) for row in data.practice_events],
            practice_days=[PracticeDayRead.of(row) for row in data.practice_days],
            languages=[LanguageExport.model_validate(row) for row in data.languages],
            streak_freezes=[FreezeRead.model_validate(row) for row in data.streak_freezes],
            streak_repairs=[RepairExport.model_validate(row) for row in data.streak_repairs],
            daily_goals=[DailyGoalExport.model_validate(row) for row in data.daily_goals],
            friendships=[_read(FriendshipExport, row, friend=f) for row, f in data.friendships],
            friend_requests=[
                _read(FriendRequestExport, row, sender=sender, receiver=receiver)
                for row, sender, receiver in data.friend_requests
            ],
            blocks=[_read(BlockExport, row, blocked=b) for row, b in data.blocked_usernames],
            metrics=[_read(MetricExport, row, metric=code) for row, code in data.metrics],
            badges=[
                _read(BadgeExport, row, metric=code, level=badge.level, name=badge.name)
                for row, badge, code in data.badges
            ],
            celebrations=[
                _read(CelebrationExport, row, badge=name) for row, name in data.celebrations
            ],
            league_weeks=[LeagueWeekExport.of(entry) for entry in data.league_weeks],
            classes=[
                _read(ClassExport, row, class_id=cohort.id, name=cohort.name)
                for row, cohort in data.classes
            ],
        )


def _read(model: type[S], row: object, **given: Any) -> S:
    """`model` with the fields `given`, and every other field read off `row`."""
    values = {name: getattr(row, name) for name in model.model_fields if name not in given}
    return model.model_validate({**values, **given})
