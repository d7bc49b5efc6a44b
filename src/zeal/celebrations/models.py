"""What is waiting to be celebrated, and when it was shown."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zeal.db import Base, UTCDateTime


class Celebration(Base):
    """A moment for the learner's next page: `kind` "streak" (`language`'s streak reached
    `days`, a milestone) or "badge" (`badge_id` earned). Shown once: `shown_at` is set when
    a page showed it."""

    __tablename__ = "celebration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    language: Mapped[str | None] = mapped_column(String(8))
    days: Mapped[int | None] = mapped_column(Integer)
    badge_id: Mapped[int | None] = mapped_column(ForeignKey("badge.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
