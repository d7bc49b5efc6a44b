"""Closing the weeks that ended: each group's ranks and outcomes written once, as history.

`close_weeks` takes the unclosed groups of past weeks a batch at a time, each batch in a
transaction of its own with the groups' rows locked, and skips a group another run closed
meanwhile: the job is safe to run twice or at once (the worker runs it every minute and
`zeal leagues close-week` by hand). A week's XP stops moving when it ends (see `placement`),
so whenever a group is closed its result is the same. Promotions and top-three finishes move
the learners' badge counters in the same transaction.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from zeal.badges import service as badges
from zeal.context import Context
from zeal.db import Database, among
from zeal.leagues.rules import Outcome, outcome_of, week_of
from zeal.leagues.standings import ENTRY, GROUP, members_of, ranked, zones_of

TOP_THREE = 3


@dataclass
class ClosedWeeks:
    """What a run of the close wrote."""

    groups: int = 0
    learners: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))


def close_weeks(database: Database, ctx: Context, *, batch: int = 200) -> ClosedWeeks:
    """Close every group of a week that has ended; what was closed (nothing, run again)."""
    closed = ClosedWeeks()
    while True:
        with database.transaction() as session:
            if not close_some(session, ctx, batch, closed):
                return closed


_DUE = (
    select(GROUP.c.id, GROUP.c.tier, GROUP.c.closed_at)
    .where(GROUP.c.week_start < bindparam("week"), GROUP.c.closed_at.is_(None))
    .order_by(GROUP.c.id)
    .limit(bindparam("batch"))
    .with_for_update()
)


def close_some(session: Session, ctx: Context, batch: int, closed: ClosedWeeks) -> bool:
    """Lock up to `batch` unclosed groups of ended weeks and close those still open once
    locked; False when none was left."""
    rows = session.execute(_DUE, {"week": week_of(ctx.clock.now()), "batch": batch}).all()
    due = {row.id: row.tier for row in rows if row.closed_at is None}
    if due:
        _close(session, ctx, due, closed)
    return bool(rows)


def _close(session: Session, ctx: Context, tiers: dict[int, int], closed: ClosedWeeks) -> None:
    """Write the groups' ranks and outcomes (one update per rank and outcome, not per
    learner), mark them closed and move the badge counters."""
    zones = zones_of(ctx.settings)
    written: dict[tuple[int, Outcome], list[int]] = defaultdict(list)
    counters: dict[tuple[int, str], int] = defaultdict(int)
    for group_id, members in members_of(session, list(tiers)).items():
        entry_of = {member.user_id: member.entry_id for member in members}
        for standing in ranked(members, zones, tiers[group_id]):
            outcome = outcome_of(standing.zone)
            written[(standing.rank, outcome)].append(entry_of[standing.user_id])
            closed.outcomes[outcome] += 1
            if outcome is Outcome.PROMOTED:
                counters[(standing.user_id, "league_promotions")] += 1
            if standing.rank <= TOP_THREE:
                counters[(standing.user_id, "league_top_three")] += 1
    for (rank, outcome), entry_ids in written.items():
        session.execute(
            update(ENTRY).where(among(ENTRY.c.id, "ids")).values(rank=rank, outcome=outcome),
            {"ids": entry_ids},
        )
    now = ctx.clock.now()
    session.execute(
        update(GROUP).where(among(GROUP.c.id, "ids")).values(closed_at=now), {"ids": list(tiers)}
    )
    badges.add_to_counters(session, ctx, counters)
    closed.groups += len(tiers)
    closed.learners += sum(len(ids) for ids in written.values())
