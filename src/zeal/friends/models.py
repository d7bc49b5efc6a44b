"""Tables for friend requests, friendships and blocks.

A pair of learners is written low id first. While a request is pending, or a friendship active,
its row carries `open_pair` / `active_pair` ("low:high"), which is unique: the database itself
refuses a second pending request or a second friendship for a pair, also under concurrency.
When the request is answered or the friendship ends, the column goes back to NULL (NULLs never
collide), so history is kept: befriending again is a new row with a new friend streak.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    and_,
    case,
    or_,
)
from sqlalchemy.orm import Mapped, QueryableAttribute, mapped_column

from zeal.db import Base, UTCDateTime

_USER_FK = "user_account.id"
_Learner = int | ColumnElement[int] | QueryableAttribute[int]  # an id, or a column of ids


def pair_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"  # closed by a block between the two


class FriendRequest(Base):
    __tablename__ = "friend_request"
    __table_args__ = (
        Index("ix_friend_request_receiver_id_status", "receiver_id", "status"),
        Index("ix_friend_request_sender_id_receiver_id", "sender_id", "receiver_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))
    open_pair: Mapped[str | None] = mapped_column(String(24), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Friendship(Base):
    """Two learners who accepted each other, and the streak of days both practised."""

    __tablename__ = "friendship"
    __table_args__ = (
        CheckConstraint("user_low_id < user_high_id", name="ordered_pair"),
        Index("ix_friendship_user_low_id_ended_at", "user_low_id", "ended_at"),
        Index("ix_friendship_user_high_id_ended_at", "user_high_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_low_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"))
    user_high_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"))
    active_pair: Mapped[str | None] = mapped_column(String(24), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The first day that can count: the later of the two learners' local dates when they
    # became friends (practice on earlier days never counts).
    first_day: Mapped[date] = mapped_column(Date)
    # Kept in step with the ledger: the run of shared practice days ending at `streak_last_day`.
    friend_streak: Mapped[int] = mapped_column(Integer, default=0)
    streak_last_day: Mapped[date | None] = mapped_column(Date)
    max_friend_streak: Mapped[int] = mapped_column(Integer, default=0)
    max_friend_streak_date: Mapped[date | None] = mapped_column(Date)

    def other(self, user_id: int) -> int:
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id

    # These name table columns, not mapped attributes, so a hot query built of table columns
    # stays off the ORM's slower execution path (the SQL is the same).
    @classmethod
    def other_side(cls, user_id: _Learner) -> ColumnElement[int]:
        """In a query: the other learner of a friendship of `user_id`'s (as `other`, in SQL)."""
        c = cast(Table, cls.__table__).c
        return case((c.user_low_id == user_id, c.user_high_id), else_=c.user_low_id)

    @classmethod
    def of_learner(cls, user_id: _Learner) -> ColumnElement[bool]:
        """In a query: the friendships `user_id` is one side of (active or ended)."""
        c = cast(Table, cls.__table__).c
        return or_(c.user_low_id == user_id, c.user_high_id == user_id)

    @classmethod
    def between(cls, a: _Learner, b: _Learner) -> ColumnElement[bool]:
        """In a query: the friendships of `a` and `b` (ids or columns), whichever is lower;
        each side an equality, so either index serves it (`other_side` would hide them)."""
        c = cast(Table, cls.__table__).c
        return or_(
            and_(c.user_low_id == a, c.user_high_id == b),
            and_(c.user_low_id == b, c.user_high_id == a),
        )


class Block(Base):
    """`blocker` no longer wants contact with `blocked`: each is hidden from the other."""

    __tablename__ = "block"

    blocker_id: Mapped[int] = mapped_column(
        ForeignKey(_USER_FK, ondelete="CASCADE"), primary_key=True
    )
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey(_USER_FK, ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @classmethod
    def either_way(cls, a: _Learner, b: _Learner) -> ColumnElement[bool]:
        """In a query: a block between `a` and `b`, whoever blocked whom (a blocked pair do not
        exist for each other: search, profiles, boards and requests all ask this)."""
        c = cast(Table, cls.__table__).c
        return or_(
            and_(c.blocker_id == a, c.blocked_id == b),
            and_(c.blocker_id == b, c.blocked_id == a),
        )
