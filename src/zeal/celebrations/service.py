"""When to celebrate, what is waiting, and marking it shown."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from zeal.badges.models import Badge
from zeal.celebrations.models import Celebration
from zeal.context import Context
from zeal.db import among

# Streak lengths worth a celebration; after a year, every further full year too.
STREAK_MILESTONES = (7, 14, 30, 50, 100, 200, 365, 500, 1000)
# A page shows at most this many at once (the rest wait for the next page).
AT_ONCE = 3


def is_milestone(days: int) -> bool:
    return days in STREAK_MILESTONES or (days > 365 and days % 365 == 0)


@dataclass(frozen=True)
class CelebrationView:
    id: int
    kind: str  # "streak" or "badge"
    language: str | None
    days: int | None
    badge_name: str | None
    badge_icon: str | None


def on_practice(
    session: Session,
    ctx: Context,
    user_id: int,
    *,
    streak: tuple[str, int] | None,
    badge_ids: Sequence[int],
) -> None:
    """Keep what a practice event gave to celebrate: `streak` (language, days), when today's
    first counting practice brought a streak to a milestone, and the badges it earned."""
    rows: list[dict[str, Any]] = []
    if streak is not None and is_milestone(streak[1]):
        rows.append({"kind": "streak", "language": streak[0], "days": streak[1], "badge_id": None})
    rows += [{"kind": "badge", "language": None, "days": None, "badge_id": b} for b in badge_ids]
    if rows:
        now = ctx.clock.now()
        session.execute(_CELEBRATE, [{"user_id": user_id, "created_at": now, **r} for r in rows])


_CELEBRATION = cast(Table, Celebration.__table__)
# The table, not the mapped class: a plain executemany, not the ORM's bulk insert.
_CELEBRATE = insert(_CELEBRATION)
_BADGE = cast(Table, Badge.__table__)
_WAITING = (
    select(
        _CELEBRATION.c.id,
        _CELEBRATION.c.kind,
        _CELEBRATION.c.language,
        _CELEBRATION.c.days,
        _BADGE.c.name,
        _BADGE.c.icon,
    )
    .outerjoin(_BADGE, _BADGE.c.id == _CELEBRATION.c.badge_id)
    .where(_CELEBRATION.c.user_id == bindparam("user_id"), _CELEBRATION.c.shown_at.is_(None))
    .order_by(_CELEBRATION.c.id)
    .limit(AT_ONCE)
)


def waiting(session: Session, user_id: int) -> list[CelebrationView]:
    """What the learner's next page celebrates, oldest first."""
    rows = session.execute(_WAITING, {"user_id": user_id})
    return [CelebrationView(*row) for row in rows]


def mark_shown(session: Session, ctx: Context, user_id: int, ids: Sequence[int]) -> None:
    """Mark these of the learner's celebrations shown (others' ids change nothing)."""
    if not ids:
        return
    session.execute(
        update(_CELEBRATION)
        .where(
            _CELEBRATION.c.user_id == user_id,
            among(_CELEBRATION.c.id, "ids"),
            _CELEBRATION.c.shown_at.is_(None),
        )
        .values(shown_at=ctx.clock.now()),
        {"ids": list(ids)},
    )


def settle(session: Session, ctx: Context, user_ids: Sequence[int]) -> None:
    """Mark every celebration of these learners shown: history loaded all at once (the demo
    world) was celebrated when it happened, not on the first page anyone opens."""
    if user_ids:
        session.execute(
            update(_CELEBRATION)
            .where(among(_CELEBRATION.c.user_id, "ids"), _CELEBRATION.c.shown_at.is_(None))
            .values(shown_at=ctx.clock.now()),
            {"ids": list(user_ids)},
        )
