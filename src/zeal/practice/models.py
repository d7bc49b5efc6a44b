"""Tables for practice events, the practice-day ledger and per-language streaks."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zeal.db import Base, UTCDateTime
from zeal.practice.metrics import METRICS, Unit

_USER_FK = "user_account.id"


class PracticeEvent(Base):
    """Something the learner did that counts as practice, kept as received."""

    __tablename__ = "practice_event"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key_hash"),
        Index("ix_practice_event_user_id_occurred_at", "user_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    # The BCP 47 tag as sent (`es-MX`); `language` is its language, what every rule counts.
    language_tag: Mapped[str] = mapped_column(String(35))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The learner's local day at `occurred_at`, fixed when the event arrives: a later change
    # of time zone never moves past practice.
    day: Mapped[date] = mapped_column(Date)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(20))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    # SHA-256 of the key: fixed length, and byte-exact on MariaDB's case-insensitive collations.
    idempotency_key_hash: Mapped[str | None] = mapped_column(String(64))
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # The streak this event produced, replayed when the same idempotency key comes again.
    result_json: Mapped[str] = mapped_column(Text)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PracticeDay(Base):
    """One learner, one language, one local day: the ledger streaks are derived from and the
    aggregates leaderboards sum."""

    __tablename__ = "practice_day"
    __table_args__ = (
        Index("ix_practice_day_user_id_day", "user_id", "day"),
        # Boards of a week or a month read every member's days in a date range.
        Index("ix_practice_day_day_user_id", "day", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # Whether the day met the platform's minimum effort and so extends the streak.
    counts_for_streak: Mapped[bool] = mapped_column(Boolean, default=False)
    events: Mapped[int] = mapped_column(Integer, default=0)
    # One integer column per metric booked in the ledger, declared in the metric registry and
    # added below; read them through the registry (`counters`, `counter`).

    def counter(self, column: str) -> int:
        value: int = getattr(self, column)
        return value

    def counters(self) -> dict[str, int]:
        return {metric.column: self.counter(metric.column) for metric in _BOOKED if metric.column}

    @property
    def practice_seconds(self) -> int:
        """Exercise, reading and listening time: what the minimum daily effort is judged by."""
        return sum(self.counter(column) for column in SECONDS_COLUMNS)


class PracticeTotal(Base):
    """One learner's practice days summed over a week, a month or all time, in one language or
    in all of them (`language` "*"): what boards read, one row per member whatever the history.
    Kept with the ledger on every event, in the same transaction (`practice.totals`)."""

    __tablename__ = "practice_total"
    # A class board reads every member's row of one span: a range of this index.
    __table_args__ = (
        Index("ix_practice_total_span_starts_on", "span", "starts_on", "language", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    span: Mapped[str] = mapped_column(String(5), primary_key=True)  # week, month or all
    # The Monday of the week, the first of the month, or 1970-01-01 for all time.
    starts_on: Mapped[date] = mapped_column(Date, primary_key=True)
    days: Mapped[int] = mapped_column(Integer, default=0)  # distinct local days with practice
    events: Mapped[int] = mapped_column(Integer, default=0)
    # The same registry columns as `practice_day`, summed.


class XpRule(Base):
    """One line of the XP table (`practice.xp`): what events of `type` (and, for exercises,
    `outcome`; "" for none or any other) earn per event and per whole minute."""

    __tablename__ = "xp_rule"

    type: Mapped[str] = mapped_column(String(30), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20), primary_key=True)
    per_event: Mapped[int] = mapped_column(Integer)
    per_minute: Mapped[int] = mapped_column(Integer)


class XpTableVersion(Base):
    """One row: `version` is new each time the XP table changes, so processes re-read it."""

    __tablename__ = "xp_table"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(32))


_BOOKED = METRICS.booked()
# The time columns (exercise, reading, listening): their sum is a day's practice time.
SECONDS_COLUMNS = [m.column for m in _BOOKED if m.column and m.unit is Unit.SECONDS]
for _metric in _BOOKED:
    # Declarative classes take columns added after the class statement (SQLAlchemy's
    # "appending additional columns"), so the registry is the one list of them.
    for _table in (PracticeDay, PracticeTotal):
        setattr(_table, str(_metric.column), mapped_column(Integer, default=0, nullable=False))


class UserLanguage(Base):
    """A language the learner practises, with the streak kept in step with the ledger.

    `daily_streak` is the length of the run of streak days ending at `last_practice_date`
    (0 once reset at sign-in after a lapse); what a learner is shown is computed from it and
    today's date, so a lapsed streak reads 0 even before anything rewrites it.
    """

    __tablename__ = "user_language"

    user_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    daily_streak: Mapped[int] = mapped_column(Integer, default=0)
    last_practice_date: Mapped[date | None] = mapped_column(Date)
    max_streak: Mapped[int] = mapped_column(Integer, default=0)
    max_streak_date: Mapped[date | None] = mapped_column(Date)
    # The run's last day kept by a streak freeze, when that is after `last_practice_date`:
    # the streak is alive through it. NULL otherwise.
    kept_through: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StreakFreeze(Base):
    """One streak freeze: earned by a streak or granted by the platform; while `day` is NULL
    the learner holds it, once spent it keeps `day` in `language` as a kept day."""

    __tablename__ = "streak_freeze"
    __table_args__ = (
        # One freeze per kept day: the last word should two spends race.
        UniqueConstraint("user_id", "language", "day"),
        UniqueConstraint("user_id", "idempotency_key_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(10))  # earned | granted
    reason: Mapped[str | None] = mapped_column(String(200))  # a grant's, as the platform wrote
    earned_language: Mapped[str | None] = mapped_column(String(2))
    earned_streak: Mapped[int | None] = mapped_column(Integer)  # the streak length that earned it
    idempotency_key_hash: Mapped[str | None] = mapped_column(String(64))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    language: Mapped[str | None] = mapped_column(String(2))
    day: Mapped[date | None] = mapped_column(Date)
    spent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StreakRepair(Base):
    """A day a streak missed, repaired afterwards (by the platform, or by the learner when
    the platform lets them): a kept day, like a freeze's."""

    __tablename__ = "streak_repair"
    __table_args__ = (UniqueConstraint("user_id", "language", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    day: Mapped[date] = mapped_column(Date)
    repaired_by: Mapped[str] = mapped_column(String(10))  # platform | learner
    # The request's key (SHA-256), the same on every day one repair covered.
    idempotency_key_hash: Mapped[str | None] = mapped_column(String(64))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
