"""Catching up: award badges to learners who already qualify (after a catalog change).

Counter values are rebuilt from the practice-day ledger, so history counts even for a metric
added later. For streak days a learner qualifies with the best streak they ever had (they did
reach it); friends count as they are now; one-time badges as recorded. Learners are handled in
batches, each batch's rows locked, so catch-up can run while events arrive without awarding
anything twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Row, func, select, union_all
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.badges.models import Badge, Metric, UserBadge, UserMetric
from zeal.context import Context
from zeal.friends.models import Friendship
from zeal.practice.metrics import METRICS
from zeal.practice.models import PracticeDay, UserLanguage


def ledger_counters() -> dict[str, str]:
    """Badge counters kept in the ledger: metric code -> practice_day column."""
    return {m.code: m.column for m in METRICS.booked_counters() if m.column}


def _rebuilt() -> set[str]:
    """Metrics whose stored value catch-up rewrites from the data (the others are only read)."""
    return {*ledger_counters(), "friends"}


@dataclass
class CatchUpReport:
    learners: int = 0
    # username -> names of the badges awarded (or that would be, in a dry run)
    awards: dict[str, list[str]] = field(default_factory=dict)

    @property
    def badges(self) -> int:
        return sum(len(names) for names in self.awards.values())


def catch_up(
    session: Session, ctx: Context, *, dry_run: bool = False, batch_size: int = 500
) -> CatchUpReport:
    catalog = session.execute(
        select(Metric, Badge).join(Badge, Badge.metric_id == Metric.id).order_by(Badge.level)
    ).all()
    report = CatchUpReport()
    last_id = 0
    while True:
        query = select(User).where(User.id > last_id).order_by(User.id).limit(batch_size)
        users = session.scalars(query if dry_run else query.with_for_update()).all()
        if not users:
            return report
        last_id = users[-1].id
        report.learners += len(users)
        _catch_up_batch(session, ctx, users, catalog, report, dry_run)


def _catch_up_batch(
    session: Session,
    ctx: Context,
    users: Sequence[User],
    catalog: Sequence[Row[Metric, Badge]],
    report: CatchUpReport,
    dry_run: bool,
) -> None:
    ids = [user.id for user in users]
    values = _qualifying_values(session, ids)
    stored = {
        (row.user_id, row.metric_id): row
        for row in session.scalars(select(UserMetric).where(UserMetric.user_id.in_(ids)))
    }
    owned = {
        (user_id, badge_id)
        for user_id, badge_id in session.execute(
            select(UserBadge.user_id, UserBadge.badge_id).where(UserBadge.user_id.in_(ids))
        )
    }
    now = ctx.clock.now()
    rebuilt = _rebuilt()
    for user in users:
        for metric, badge in catalog:
            row = stored.get((user.id, metric.id))
            value = values.get((user.id, metric.code), row.value if row else 0)
            if not dry_run and metric.code in rebuilt:
                if row is None:
                    row = UserMetric(user_id=user.id, metric_id=metric.id, value=0, updated_at=now)
                    session.add(row)
                    stored[(user.id, metric.id)] = row
                if row.value != value:
                    row.value, row.updated_at = value, now
            if badge.threshold <= value and (user.id, badge.id) not in owned:
                owned.add((user.id, badge.id))
                report.awards.setdefault(user.username, []).append(badge.name)
                if not dry_run:
                    session.add(UserBadge(user_id=user.id, badge_id=badge.id, achieved_at=now))
    session.flush()


def _qualifying_values(session: Session, ids: list[int]) -> dict[tuple[int, str], int]:
    values: dict[tuple[int, str], int] = {}
    counters = ledger_counters()
    table = PracticeDay.__table__
    sums = session.execute(
        select(table.c.user_id, *(func.sum(table.c[column]) for column in counters.values()))
        .where(table.c.user_id.in_(ids))
        .group_by(table.c.user_id)
    ).all()
    for user_id, *totals in sums:
        for code, total in zip(counters, totals, strict=True):
            values[(user_id, code)] = int(total or 0)
    languages = session.execute(
        select(
            UserLanguage.user_id,
            func.max(UserLanguage.max_streak),
            func.count(UserLanguage.last_practice_date),
        )
        .where(UserLanguage.user_id.in_(ids))
        .group_by(UserLanguage.user_id)
    ).all()
    for user_id, best, practised in languages:
        values[(user_id, "streak_days")] = int(best or 0)
        values[(user_id, "multilingual")] = 1 if practised >= 2 else 0
    sides = union_all(
        select(Friendship.user_low_id.label("user_id")).where(
            Friendship.active_pair.is_not(None), Friendship.user_low_id.in_(ids)
        ),
        select(Friendship.user_high_id.label("user_id")).where(
            Friendship.active_pair.is_not(None), Friendship.user_high_id.in_(ids)
        ),
    ).subquery()
    for user_id, count in session.execute(
        select(sides.c.user_id, func.count()).group_by(sides.c.user_id)
    ):
        values[(user_id, "friends")] = int(count)
    for user_id in ids:
        values.setdefault((user_id, "friends"), 0)
    return values
