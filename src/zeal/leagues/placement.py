"""Placing learners in this week's groups and adding the XP they earn.

A learner is placed by their first XP of the week (a group fills with learners who are
active), in the first group of their tier with room and no one they blocked or who blocked
them, else in a new group. A group's row is locked while it takes a learner (its count grows
under the lock, so it never overfills) and stays locked until that transaction commits; a
learner placed meanwhile skips it for the next group with room rather than wait (`SKIP
LOCKED`), and opens a new one when every group with room is taken at that moment. At the
Monday rush no placement waits for another; groups opened side by side fill up as more
learners come (the lowest first), so at most a few per tier end the week short.

Only XP earned in the current league week counts: an event reported late from a week that
has ended adds nothing there, so a closed week's results never move.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

from zeal.accounts.queries import Learner
from zeal.context import Context
from zeal.db import among
from zeal.friends.models import Block
from zeal.leagues.rules import week_of
from zeal.leagues.standings import ENTRY, GROUP, tier_for

_ADD_XP = (
    update(ENTRY)
    .where(ENTRY.c.user_id == bindparam("user"), ENTRY.c.week_start == bindparam("week"))
    .values(xp=ENTRY.c.xp + bindparam("added"))
)


def add_xp(
    session: Session, ctx: Context, learner: Learner, xp: int, occurred_at: datetime
) -> None:
    """An event earned `xp`: this week's entry grows, or the learner is placed by it. One
    statement for a learner already placed."""
    week = week_of(ctx.clock.now())
    if not _counts(ctx, learner, xp, occurred_at, week):
        return
    added = session.execute(_ADD_XP, {"user": learner.id, "week": week, "added": xp})
    if not cast(CursorResult[Any], added).rowcount:
        place(session, ctx, learner.id, week, xp)


def _counts(ctx: Context, learner: Learner, xp: int, occurred_at: datetime, week: date) -> bool:
    """Whether XP earned at `occurred_at` goes to the learner's league of `week`."""
    taking_part = ctx.settings.leagues and learner.leagues
    return taking_part and xp > 0 and week_of(occurred_at) == week


_PLACED = select(ENTRY.c.user_id).where(
    ENTRY.c.week_start == bindparam("week"), among(ENTRY.c.user_id, "user_ids")
)


def add_xp_many(
    session: Session,
    ctx: Context,
    learners: Mapping[int, Learner],
    events: Iterable[tuple[int, int, datetime]],
) -> None:
    """`add_xp` for many events at once (a batch's everyday events: learner, XP, instant):
    one read of who is placed and one executemany for them; the others are placed."""
    week = week_of(ctx.clock.now())
    due: dict[int, int] = {}
    for user_id, xp, occurred_at in events:
        if _counts(ctx, learners[user_id], xp, occurred_at, week):
            due[user_id] = due.get(user_id, 0) + xp
    if not due:
        return
    placed = set(session.scalars(_PLACED, {"week": week, "user_ids": list(due)}))
    rows = [{"user": u, "week": week, "added": xp} for u, xp in due.items() if u in placed]
    if rows:
        session.execute(_ADD_XP, rows)
    for user_id in sorted(due.keys() - placed):
        place(session, ctx, user_id, week, due[user_id])


_OPEN_GROUP = (
    select(GROUP.c.id)
    .where(
        GROUP.c.week_start == bindparam("week"),
        GROUP.c.tier == bindparam("tier"),
        GROUP.c.members < bindparam("size"),
        GROUP.c.id > bindparam("after"),
    )
    .order_by(GROUP.c.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)
# A member of the group the learner is blocked from, either way.
_BLOCKED_MEMBER = (
    select(ENTRY.c.id)
    .where(
        ENTRY.c.group_id == bindparam("group"),
        exists().where(Block.either_way(bindparam("user"), ENTRY.c.user_id)),
    )
    .limit(1)
)
_GROW = update(GROUP).where(GROUP.c.id == bindparam("group")).values(members=GROUP.c.members + 1)


def place(session: Session, ctx: Context, user_id: int, week: date, xp: int) -> int:
    """Put the learner in a group of `week` with `xp` earned so far; the group's id."""
    now = ctx.clock.now()
    tier = tier_for(session, ctx.settings, user_id, week)
    joined = _join_one(session, ctx, user_id, week, tier)
    if joined is None:
        row = {"week_start": week, "tier": tier, "members": 1, "created_at": now}
        joined = int(session.execute(_NEW_GROUP, row).scalar_one())
    entry = {"user_id": user_id, "week_start": week, "group_id": joined, "tier": tier}
    session.execute(_NEW_ENTRY, {**entry, "xp": xp, "joined_at": now})
    return joined


_NEW_GROUP = insert(GROUP).returning(GROUP.c.id)
_NEW_ENTRY = insert(ENTRY)


def _join_one(session: Session, ctx: Context, user_id: int, week: date, tier: int) -> int | None:
    """Lock the first group of the tier with room that no other placement holds and that
    has nobody the learner is blocked from, and take a place in it; None when there is none."""
    params = {"week": week, "tier": tier, "size": ctx.settings.league_group_size, "after": 0}
    while (group_id := session.execute(_OPEN_GROUP, params).scalar()) is not None:
        pair = {"user": user_id, "group": group_id}
        if session.execute(_BLOCKED_MEMBER, pair).first() is None:
            session.execute(_GROW, {"group": group_id})
            return int(group_id)
        params["after"] = group_id
    return None


_MY_ENTRY = select(ENTRY.c.id, ENTRY.c.group_id).where(
    ENTRY.c.user_id == bindparam("user"), ENTRY.c.week_start == bindparam("week")
)
_LOCK_GROUP = select(GROUP.c.members).where(GROUP.c.id == bindparam("group")).with_for_update()
_SHRINK = update(GROUP).where(GROUP.c.id == bindparam("group")).values(members=GROUP.c.members - 1)


def leave(session: Session, ctx: Context, user_id: int) -> None:
    """The learner opted out: they leave this week's group (their past weeks stay theirs)."""
    week = week_of(ctx.clock.now())
    mine = session.execute(_MY_ENTRY, {"user": user_id, "week": week}).first()
    if mine is None:
        return
    session.execute(_LOCK_GROUP, {"group": mine.group_id})  # its count, as placements do
    session.execute(ENTRY.delete().where(ENTRY.c.id == mine.id))
    session.execute(_SHRINK, {"group": mine.group_id})
