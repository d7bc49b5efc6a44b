"""What a learner sees of leagues: this week's group with its zones, and past weeks."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.context import Context
from zeal.friends.models import Block
from zeal.leagues.models import LeagueEntry, LeagueGroup
from zeal.leagues.rules import Outcome, Standing, next_tier, outcome_of, week_bounds, week_of
from zeal.leagues.standings import ENTRY, Member, ranked, standing_in, tier_for, zones_of


@dataclass(frozen=True)
class Tier:
    position: int  # 0: the first
    name: str


@dataclass(frozen=True)
class GroupRow:
    standing: Standing
    learner: User
    is_self: bool
    hidden: bool  # a block between them and the viewer, made after they were placed together


@dataclass(frozen=True)
class PastWeek:
    week_start: date
    tier: Tier
    rank: int
    xp: int
    group_size: int
    outcome: Outcome
    next_tier: Tier


@dataclass(frozen=True)
class League:
    """A learner's league this week: the group (None until their first XP of the week, or
    when they opted out), the tier they play in, and how last week ended."""

    opted_in: bool
    week_start: date
    starts_at: datetime
    ends_at: datetime
    tier: Tier
    group_id: int | None
    rows: list[GroupRow]
    promoted: int  # how many of this group move up (of a full group, when not placed)
    demoted: int
    last_week: PastWeek | None


def tier_named(ctx: Context, position: int) -> Tier:
    names = ctx.settings.league_tier_list
    position = max(0, min(position, len(names) - 1))
    return Tier(position, names[position])


_MINE = select(ENTRY.c.group_id, ENTRY.c.tier).where(
    ENTRY.c.user_id == bindparam("user"), ENTRY.c.week_start == bindparam("week")
)


def league(session: Session, ctx: Context, user: User) -> League:
    """Three short reads: the learner's entry, their group with its learners, last week."""
    week = week_of(ctx.clock.now())
    starts_at, ends_at = week_bounds(week)
    mine = session.execute(_MINE, {"user": user.id, "week": week}).first()
    past = history(session, ctx, user.id, limit=1)
    last_week = past[0] if past and past[0].week_start == week - timedelta(days=7) else None
    if mine is None:
        tier = tier_for(session, ctx.settings, user.id, week)
        group_id, rows = None, []
    else:
        tier, group_id = mine.tier, mine.group_id
        rows = _group(session, ctx, group_id, tier, user.id)
    zones = zones_of(ctx.settings)
    promoted, demoted = zones.of_size(len(rows) if rows else zones.group_size)
    return League(
        user.leagues,
        week,
        starts_at,
        ends_at,
        tier_named(ctx, tier),
        group_id,
        rows,
        promoted,
        demoted,
        last_week,
    )


def _group(session: Session, ctx: Context, group_id: int, tier: int, me: int) -> list[GroupRow]:
    """The group ranked, with each learner's profile: one statement (30 rows at most). A
    learner in a blocked pair with the viewer (blocked after the two were placed together)
    keeps their place but is nameless to them, as on a class board."""
    blocked = exists().where(Block.either_way(me, LeagueEntry.user_id)).label("blocked")
    found = session.execute(
        select(LeagueEntry.id, LeagueEntry.user_id, LeagueEntry.xp, User, blocked)
        .join(User, User.id == LeagueEntry.user_id)
        .where(LeagueEntry.group_id == group_id)
        .order_by(LeagueEntry.joined_at, LeagueEntry.id)
    ).all()
    learners = {row.user_id: row for row in found}
    members = [Member(row.id, row.user_id, row.xp) for row in found]
    return [
        GroupRow(
            standing,
            learners[standing.user_id].User,
            standing.user_id == me,
            bool(learners[standing.user_id].blocked),
        )
        for standing in ranked(members, zones_of(ctx.settings), tier)
    ]


_SIZE = (
    select(func.count())
    .where(LeagueEntry.group_id == LeagueGroup.id)
    .correlate(LeagueGroup)
    .scalar_subquery()
)


def history(session: Session, ctx: Context, user_id: int, *, limit: int = 52) -> list[PastWeek]:
    """The learner's weeks that ended, newest first: as written at the close, or, for a week
    not closed yet, as the close will write it (its XP no longer moves)."""
    week = week_of(ctx.clock.now())
    rows = session.execute(
        select(LeagueEntry, _SIZE.label("size"))
        .join(LeagueGroup, LeagueGroup.id == LeagueEntry.group_id)
        .where(LeagueEntry.user_id == user_id, LeagueEntry.week_start < week)
        .order_by(LeagueEntry.week_start.desc())
        .limit(limit)
    ).all()
    return [_past(session, ctx, row.LeagueEntry, row.size) for row in rows]


def _past(session: Session, ctx: Context, entry: LeagueEntry, size: int) -> PastWeek:
    rank, outcome = entry.rank, Outcome(entry.outcome) if entry.outcome else None
    if rank is None or outcome is None:
        mine = standing_in(session, ctx.settings, entry.group_id, entry.tier, entry.user_id)
        rank, outcome = mine.rank, outcome_of(mine.zone)
    after = tier_named(ctx, next_tier(entry.tier, outcome))
    return PastWeek(
        entry.week_start, tier_named(ctx, entry.tier), rank, entry.xp, size, outcome, after
    )
