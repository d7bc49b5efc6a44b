"""Streak repair: within `streak_repair_hours` after a streak broke, the platform may repair
it (and so may the learner, once every `self_repair_days`, when `self_repair` is on). The
days it missed become repaired days, kept days like a freeze's: the run goes on through them
without growing, as if it had not broken, and `max_streak` follows the joined run.

A streak *broke* when the first day it missed ended (the learner's midnight); the missed
days are those between the run that broke and today, or the run begun since. The freezes
due are spent first, so a day a freeze keeps is never repaired.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from zeal.accounts.errors import UserNotFound
from zeal.accounts.queries import lock_learner
from zeal.clock import local_date, local_midnight
from zeal.context import Context
from zeal.practice import errors, freezes
from zeal.practice.daily_streaks import (
    LanguageStreak,
    covered_days,
    read_streak,
    rebuild_streak,
    streak_ending_at,
)
from zeal.practice.languages import LANGUAGES
from zeal.practice.models import StreakRepair
from zeal.practice.streaks import ONE_DAY

PLATFORM, LEARNER = "platform", "learner"
_REPAIR = cast(Table, StreakRepair.__table__)


@dataclass(frozen=True)
class Offer:
    """A broken streak that can still be repaired."""

    language: str
    streak: int  # the streak days of the run that broke
    days: tuple[date, ...]  # the missed days a repair keeps
    until: datetime  # when the chance ends (UTC)


@dataclass(frozen=True)
class Repaired:
    language: str
    days: tuple[date, ...]
    streak: LanguageStreak
    replayed: bool
    today: date  # the learner's


def offers(session: Session, ctx: Context, user: freezes.Someone) -> list[Offer]:
    """Every language whose streak broke recently enough to repair: one read of the last
    few days, and one per offer for the length of the run that broke."""
    now = ctx.clock.now()
    today = local_date(user, now)
    since = today - timedelta(days=ctx.settings.streak_repair_hours // 24 + 3)
    covered: dict[str, set[date]] = {}
    covered_since = covered_days(user.id)
    recent = select(covered_since.c.language, covered_since.c.day)
    for row in session.execute(recent.where(covered_since.c.day >= since)):
        covered.setdefault(row.language, set()).add(row.day)
    found = []
    for language in sorted(covered):
        offer = _offer(session, ctx, user, language, covered[language], since)
        if offer is not None and now < offer.until:
            found.append(offer)
    return found


def _offer(
    session: Session,
    ctx: Context,
    user: freezes.Someone,
    language: str,
    covered: set[date],
    since: date,
) -> Offer | None:
    gap = missed_days(covered, local_date(user, ctx.clock.now()), since)
    if gap is None:
        return None
    streak = streak_ending_at(session, user.id, language, gap[0] - ONE_DAY)
    if streak <= 0:
        return None
    broke = local_midnight(user, gap[0] + ONE_DAY)
    until = broke + timedelta(hours=ctx.settings.streak_repair_hours)
    days = tuple(gap[0] + ONE_DAY * n for n in range((gap[1] - gap[0]).days + 1))
    return Offer(language, streak, days, until)


def missed_days(covered: set[date], today: date, since: date) -> tuple[date, date] | None:
    """The first and last day of the latest gap before today, between a run of covered days
    and today (or the run begun since); None when there is none after `since`."""
    day = today if today in covered else today - ONE_DAY
    while day in covered:
        day -= ONE_DAY
    last = day
    while day - ONE_DAY not in covered:
        day -= ONE_DAY
        if day <= since:
            return None
    return day, last


def repair(
    session: Session,
    ctx: Context,
    user_id: int,
    language: str,
    *,
    by: str,
    key_hash: str | None = None,
    api_key_id: int | None = None,
) -> Repaired:
    """Repair the language's broken streak: its missed days become repaired days and the
    streak is worked out again. A key already used answers what it repaired."""
    if language not in LANGUAGES:
        raise errors.LanguageUnknown(f"'{language}' is not an ISO 639-1 language code.")
    learner = lock_learner(session, user_id)
    if learner is None:
        raise UserNotFound(f"No learner has id {user_id}.")
    today = local_date(learner, ctx.clock.now())
    earlier = _earlier(session, user_id, language, key_hash, today)
    if earlier is not None:
        return earlier
    if by == LEARNER:
        _check_self_repair(session, ctx, user_id)
    freezes.settle(session, ctx, learner, today)
    offer = next((o for o in offers(session, ctx, learner) if o.language == language), None)
    if offer is None:
        raise errors.StreakNotRepairable(
            f"No {LANGUAGES[language]} streak broke in the last "
            f"{ctx.settings.streak_repair_hours} hours: there is nothing to repair."
        )
    now = ctx.clock.now()
    row = {"user_id": user_id, "language": language, "repaired_by": by, "created_at": now}
    row |= {"idempotency_key_hash": key_hash, "api_key_id": api_key_id}
    session.execute(insert(_REPAIR), [{**row, "day": day} for day in offer.days])
    streak = rebuild_streak(session, user_id, language)
    return Repaired(language, offer.days, streak, False, today)


def _earlier(
    session: Session, user_id: int, language: str, key_hash: str | None, today: date
) -> Repaired | None:
    if key_hash is None:
        return None
    rows = session.execute(
        select(_REPAIR.c.language, _REPAIR.c.day)
        .where(_REPAIR.c.user_id == user_id, _REPAIR.c.idempotency_key_hash == key_hash)
        .order_by(_REPAIR.c.day)
    ).all()
    if not rows:
        return None
    if rows[0].language != language:
        raise errors.IdempotencyKeyReused(
            "This idempotency key was already used to repair another language's streak."
        )
    streak = read_streak(session, user_id, language)
    return Repaired(language, tuple(row.day for row in rows), streak, True, today)


def next_self_repair(session: Session, ctx: Context, user_id: int) -> datetime | None:
    """When the learner may repair a streak of their own again (None: now)."""
    last = session.scalar(
        select(func.max(_REPAIR.c.created_at)).where(
            _REPAIR.c.user_id == user_id, _REPAIR.c.repaired_by == LEARNER
        )
    )
    if last is None:
        return None
    again: datetime = last + timedelta(days=ctx.settings.self_repair_days)
    return again if again > ctx.clock.now() else None


def _check_self_repair(session: Session, ctx: Context, user_id: int) -> None:
    if not ctx.settings.self_repair:
        raise errors.SelfRepairOff("Streaks are repaired by your learning platform here.")
    again = next_self_repair(session, ctx, user_id)
    if again is not None:
        raise errors.SelfRepairUsed(
            f"You can repair a streak once every {ctx.settings.self_repair_days} days; "
            f"the next from {again:%Y-%m-%d %H:%M} UTC."
        )
