"""Settling a learner's streaks from a read: the freezes due are spent before the learner
sees their own streaks, calendar or freezes, in a transaction of its own (a read's session
does not write), and the read then looks again."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.accounts.queries import lock_learner
from zeal.clock import local_date
from zeal.context import Context
from zeal.db import Database
from zeal.practice import freezes, reading
from zeal.practice.models import StreakFreeze, UserLanguage


def settle_now(database: Database, ctx: Context, user_id: int) -> bool:
    """Lock the learner and settle; whether anything changed. Two readers at once: the
    second finds the first's work done, under the lock."""
    with database.transaction() as session:
        learner = lock_learner(session, user_id)
        if learner is None:
            return False
        return freezes.settle(session, ctx, learner, local_date(learner, ctx.clock.now()))


def own_streaks(
    database: Database, session: Session, ctx: Context, user: freezes.Someone
) -> list[reading.StreakView]:
    """The learner's own streaks, settled first when a day ended unpractised."""
    user_id, today = user.id, local_date(user, ctx.clock.now())
    views, unsettled = reading.own_streaks(session, user_id, today)
    if unsettled and settle_now(database, ctx, user_id):
        with database.transaction(write=False) as fresh:
            views, _ = reading.own_streaks(fresh, user_id, today)
    return views


@contextmanager
def settled(
    database: Database, session: Session, ctx: Context, user: freezes.Someone
) -> Iterator[Session]:
    """A session to read what settling changes (the calendar, the freezes) in: the
    request's own when nothing was due (one statement asks), else a new one that sees it."""
    _, unsettled = reading.own_streaks(session, user.id, local_date(user, ctx.clock.now()))
    if not (unsettled and settle_now(database, ctx, user.id)):
        yield session
        return
    with database.transaction(write=False) as fresh:
        yield fresh


def settle_due(database: Database, ctx: Context) -> int:
    """The worker's pass: every learner who holds a freeze and has a streak whose run ended
    before their yesterday is settled, each in a transaction of its own; how many were."""
    now = ctx.clock.now()
    with database.transaction(write=False) as session:
        rows = session.execute(_DUE, {"utc_today": now.date()}).all()
    due = sorted({row.user_id for row in rows if reading.run_ended(row, local_date(row, now))})
    return sum(settle_now(database, ctx, user_id) for user_id in due)


_FREEZE = cast(Table, StreakFreeze.__table__)
_LANGUAGE = cast(Table, UserLanguage.__table__)
_USER = cast(Table, User.__table__)
_HOLDERS = select(_FREEZE.c.user_id).where(_FREEZE.c.day.is_(None)).distinct().subquery()
# The learners holding a freeze, with their streaks whose run ended before the UTC date (a
# learner's yesterday is at most that date in any zone); `run_ended` then judges each
# by the learner's own calendar.
_DUE = (
    select(
        _LANGUAGE.c.user_id,
        _LANGUAGE.c.daily_streak,
        _LANGUAGE.c.last_practice_date,
        _LANGUAGE.c.kept_through,
        _USER.c.timezone,
    )
    .join(_HOLDERS, _HOLDERS.c.user_id == _LANGUAGE.c.user_id)
    .join(_USER, _USER.c.id == _LANGUAGE.c.user_id)
    .where(
        _LANGUAGE.c.daily_streak > 0,
        _LANGUAGE.c.last_practice_date < bindparam("utc_today"),
        or_(_LANGUAGE.c.kept_through.is_(None), _LANGUAGE.c.kept_through < bindparam("utc_today")),
    )
)
