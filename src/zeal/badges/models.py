"""Tables for the badge catalog (metrics and their badges) and what learners achieved.

A *metric* is what is measured (translated words, streak days, …); a *badge* is one level of a
metric with its own name; a *user metric* is a learner's current value of a metric; a *user
badge* is a badge a learner achieved.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zeal.db import Base, UTCDateTime


class Metric(Base):
    __tablename__ = "metric"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    # counter (only goes up), gauge (current value, may fall) or one_time (achieved once).
    mechanism: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)  # order in the catalog file


class BadgeCatalog(Base):
    """One row: `version` is new each time the catalog changes (`catalog.load`), so a process
    keeps the catalog in memory and reads it again only when the version it sees moved."""

    __tablename__ = "badge_catalog"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(32))


class Badge(Base):
    __tablename__ = "badge"
    __table_args__ = (UniqueConstraint("metric_id", "level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("metric.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    achieved_description: Mapped[str] = mapped_column(Text)
    unachieved_description: Mapped[str] = mapped_column(Text)
    icon: Mapped[str] = mapped_column(String(100))
    # Not listed to the learner until achieved (a surprise).
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class UserMetric(Base):
    __tablename__ = "user_metric"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    metric_id: Mapped[int] = mapped_column(
        ForeignKey("metric.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(Integer, default=0)
    # The value before the last change, written and returned by the statement that moves the
    # value (a RETURNING clause sees only the row as written); read nowhere else.
    previous_value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserBadge(Base):
    __tablename__ = "user_badge"
    # A badge is achieved at most once per learner, whatever runs at the same time.
    __table_args__ = (UniqueConstraint("user_id", "badge_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    badge_id: Mapped[int] = mapped_column(ForeignKey("badge.id", ondelete="CASCADE"))
    achieved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
