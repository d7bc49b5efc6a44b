"""League groups and the learners placed in them, one entry per learner and week."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zeal.db import Base, UTCDateTime


class LeagueGroup(Base):
    """Up to the group size of learners of one tier, for one week (Monday 00:00 UTC on).
    `members` counts its entries, kept under the group's row lock, so room is known without
    counting; `closed_at` is set once the week's results are written."""

    __tablename__ = "league_group"
    __table_args__ = (Index("ix_league_group_week_start_tier", "week_start", "tier"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_start: Mapped[date] = mapped_column(Date)
    tier: Mapped[int] = mapped_column(Integer)  # 0: the first tier of `ZEAL_LEAGUE_TIERS`
    members: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class LeagueEntry(Base):
    """A learner's week in a group: the XP earned in it (kept on every event, so the board is
    one indexed read) and, once the week closed, the rank and what it meant."""

    __tablename__ = "league_entry"
    __table_args__ = (
        UniqueConstraint("user_id", "week_start"),
        Index("ix_league_entry_group_id_xp", "group_id", "xp"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    group_id: Mapped[int] = mapped_column(ForeignKey("league_group.id", ondelete="CASCADE"))
    tier: Mapped[int] = mapped_column(Integer)
    xp: Mapped[int] = mapped_column(Integer, default=0)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rank: Mapped[int | None] = mapped_column(Integer)  # set when the week closed
    outcome: Mapped[str | None] = mapped_column(String(10))  # promoted | stayed | demoted
