"""Reading a group's entries and the tier a learner plays in next (shared by placing,
closing and the board)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from zeal.config import Settings
from zeal.db import among
from zeal.leagues.models import LeagueEntry, LeagueGroup
from zeal.leagues.rules import Outcome, Standing, Zones, next_tier, outcome_of, standings

ENTRY = cast(Table, LeagueEntry.__table__)
GROUP = cast(Table, LeagueGroup.__table__)


def zones_of(settings: Settings) -> Zones:
    tiers = len(settings.league_tier_list)
    return Zones(
        settings.league_promoted, settings.league_demoted, tiers, settings.league_group_size
    )


@dataclass(frozen=True)
class Member:
    entry_id: int
    user_id: int
    xp: int


_MEMBERS = (
    select(ENTRY.c.group_id, ENTRY.c.id, ENTRY.c.user_id, ENTRY.c.xp)
    .where(among(ENTRY.c.group_id, "group_ids"))
    .order_by(ENTRY.c.group_id, ENTRY.c.joined_at, ENTRY.c.id)
)


def members_of(session: Session, group_ids: Sequence[int]) -> dict[int, list[Member]]:
    """Each group's entries in the order its learners joined: one statement."""
    found: dict[int, list[Member]] = {group_id: [] for group_id in group_ids}
    for group_id, entry_id, user_id, xp in session.execute(
        _MEMBERS, {"group_ids": list(group_ids)}
    ):
        found[group_id].append(Member(entry_id, user_id, xp))
    return found


def ranked(members: Sequence[Member], zones: Zones, tier: int) -> list[Standing]:
    return standings([(m.user_id, m.xp) for m in members], zones, tier)


def standing_in(
    session: Session, settings: Settings, group_id: int, tier: int, user_id: int
) -> Standing:
    """A learner's standing in their group of tier `tier`. For a week that ended, that is its
    result whether or not its close was written yet (a week's XP no longer moves once it
    ended, so the answer is the same either way)."""
    members = members_of(session, [group_id])[group_id]
    return next(s for s in ranked(members, zones_of(settings), tier) if s.user_id == user_id)


_LAST_ENTRY = (
    select(ENTRY.c.group_id, ENTRY.c.tier, ENTRY.c.outcome)
    .where(ENTRY.c.user_id == bindparam("user_id"), ENTRY.c.week_start < bindparam("week"))
    .order_by(ENTRY.c.week_start.desc())
    .limit(1)
)


def tier_for(session: Session, settings: Settings, user_id: int, week: date) -> int:
    """The tier a learner plays in during `week`: the first, or where their last week in a
    league took them (weeks without XP in between change nothing)."""
    last = session.execute(_LAST_ENTRY, {"user_id": user_id, "week": week}).first()
    if last is None:
        return 0
    if last.outcome:
        outcome = Outcome(last.outcome)
    else:
        outcome = outcome_of(standing_in(session, settings, last.group_id, last.tier, user_id).zone)
    highest = len(settings.league_tier_list) - 1
    return max(0, min(next_tier(last.tier, outcome), highest))
