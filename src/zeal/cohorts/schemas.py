"""Request and response shapes for cohorts."""

from datetime import datetime

from pydantic import Field

from zeal.accounts.schemas import PublicUser
from zeal.cohorts.models import Cohort, LeaderboardNames, Role
from zeal.schemas import Flag, Schema


class CohortCreate(Schema):
    name: str = Field(max_length=200, examples=["Spanish 2B"])
    has_leaderboard: Flag = False


class CohortUpdate(Schema):
    name: str | None = Field(default=None, max_length=200)
    has_leaderboard: Flag | None = None
    leaderboard_names: LeaderboardNames | None = None
    regenerate_invite_code: Flag = False


class JoinRequest(Schema):
    invite_code: str = Field(max_length=32)


class TeacherAdd(Schema):
    username: str = Field(max_length=100)


class CohortSummary(Schema):
    id: int
    name: str
    role: Role
    has_leaderboard: bool
    leaderboard_names: LeaderboardNames
    invite_code: str | None = Field(description="Shown to teachers only.")
    joined_at: datetime

    @classmethod
    def of(cls, cohort: Cohort, role: Role, joined_at: datetime) -> "CohortSummary":
        return cls(
            id=cohort.id,
            name=cohort.name,
            role=role,
            has_leaderboard=cohort.has_leaderboard,
            leaderboard_names=LeaderboardNames(cohort.leaderboard_names),
            invite_code=cohort.invite_code if role == Role.TEACHER else None,
            joined_at=joined_at,
        )


class CohortList(Schema):
    cohorts: list[CohortSummary]


class CohortRead(Schema):
    id: int
    name: str
    role: Role = Field(description="Your role in this cohort.")
    has_leaderboard: bool
    leaderboard_names: LeaderboardNames
    invite_code: str | None = Field(description="Shown to teachers only.")
    teachers: list[PublicUser]
    students: list[PublicUser]
