"""Counters of the abuse limits, when they are kept in the database (no Redis configured)."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zeal.db import Base, UTCDateTime


class LimitCounter(Base):
    """How many times `name` (e.g. `search:user:42`) happened in the window starting then."""

    __tablename__ = "limit_counter"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
