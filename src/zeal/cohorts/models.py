"""Tables for cohorts (classes) and their memberships.

A membership row keeps joined_at / left_at, so a board for a past period shows who was in the
class then. While a membership is current, `active_key` ("cohort:user") is set and unique: one
current membership per learner and cohort, enforced by the database.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zeal.db import Base, UTCDateTime


class Role(StrEnum):
    TEACHER = "teacher"
    STUDENT = "student"


class LeaderboardNames(StrEnum):
    VISIBLE = "visible"
    ANONYMOUS = "anonymous"


class Cohort(Base):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    invite_code: Mapped[str] = mapped_column(String(16), unique=True)
    has_leaderboard: Mapped[bool] = mapped_column(Boolean, default=False)
    leaderboard_names: Mapped[str] = mapped_column(String(10), default=LeaderboardNames.VISIBLE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def active_key(cohort_id: int, user_id: int) -> str:
    return f"{cohort_id}:{user_id}"


class CohortMember(Base):
    __tablename__ = "cohort_member"
    __table_args__ = (
        Index("ix_cohort_member_cohort_id_left_at", "cohort_id", "left_at"),
        Index("ix_cohort_member_user_id_left_at", "user_id", "left_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active_key: Mapped[str | None] = mapped_column(String(24), unique=True)
