"""Repairing a broken streak (`practice.repairs`), and what the longer streak moves: the
streak-days badge gauge, which may reach a badge the break had kept out of reach."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from zeal.badges import service as badges_service
from zeal.badges.service import AwardedBadge
from zeal.context import Context
from zeal.practice import reading, repairs
from zeal.practice.reading import StreakView


@dataclass(frozen=True)
class StreakRepaired:
    repaired: repairs.Repaired
    streak: StreakView  # the language's streak as the learner now sees it
    new_badges: list[AwardedBadge]


def repair_streak(
    session: Session,
    ctx: Context,
    user_id: int,
    language: str,
    *,
    by: str,
    key_hash: str | None = None,
    api_key_id: int | None = None,
) -> StreakRepaired:
    repaired = repairs.repair(
        session, ctx, user_id, language, by=by, key_hash=key_hash, api_key_id=api_key_id
    )
    views, _ = reading.own_streaks(session, user_id, repaired.today)
    new_badges: list[AwardedBadge] = []
    if not repaired.replayed:
        best = max((view.daily_streak for view in views), default=0)
        change = {"streak_days": badges_service.Change(set_to=best)}
        new_badges = badges_service.apply_changes(session, ctx, user_id, change)
    view = next(view for view in views if view.language == repaired.language)
    return StreakRepaired(repaired, view, new_badges)
