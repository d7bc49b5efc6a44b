"""Metric values and badge awards.

Every change that can move a metric (a practice event, a friendship starting or ending, a
profile change) calls in here inside its own transaction, with the learner's row already
locked, so values and awards are written once even when events arrive together; the unique
(user, badge) constraint is the last word. Badges are never taken away.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Insert,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from zeal.accounts.models import User
from zeal.badges.catalog_cache import VERSION, CatalogBadge, CatalogMetric, catalog
from zeal.badges.models import Badge, Metric, UserBadge, UserMetric
from zeal.clock import local_date
from zeal.context import Context
from zeal.db import among, insert_new, upsert
from zeal.friends import friendships
from zeal.practice.metrics import METRICS
from zeal.practice.models import UserLanguage
from zeal.practice.recording import Booking
from zeal.practice.streaks import best_current_streak
from zeal.webhooks import outbox

NIGHT_OWL_HOURS = range(0, 4)


@dataclass(frozen=True)
class AwardedBadge:
    """A badge as announced the moment it is achieved."""

    badge_id: int
    metric: str
    level: int
    name: str
    description: str
    icon: str


@dataclass(frozen=True)
class Change:
    add: int = 0  # counters
    set_to: int | None = None  # gauges and one-time metrics


def apply_changes(
    session: Session,
    ctx: Context,
    user_id: int,
    changes: dict[str, Change],
    *,
    announce: bool = True,
) -> list[AwardedBadge]:
    """Move the learner's metric values and award every badge a value reached (all levels it
    passed, once each). Metrics the catalog does not have are ignored.

    One upsert adds the counters' amounts, sets the gauges, and returns each value that moved
    with the value before it (kept for this in `previous_value`) and the catalog's version;
    the badges come from the catalog this process keeps, and one insert awards the thresholds
    passed. A statement built once per number of metrics: every practice event comes here.
    """
    codes = list(changes)
    params: dict[str, Any] = {"user_id": user_id, "now": ctx.clock.now()}
    for i, code in enumerate(codes):
        params[f"code_{i}"] = code
        params[f"add_{i}"], params[f"set_{i}"] = changes[code].add, changes[code].set_to
    backend = session.get_bind().dialect.name
    rows = session.execute(_move_values(backend, len(codes)), params).all()
    if not rows:
        return []
    badges = catalog(session, rows[0].catalog_version)
    reached = []
    for metric_id, new, old, _ in sorted(rows):  # announced by metric, then level
        metric = badges.metric_by_id.get(metric_id)
        if metric is not None:
            reached += _passed(metric, old or 0, new)
    if not reached:
        return []
    awarded = _award(session, [(user_id, badge) for badge in reached], params["now"])
    if announce:
        _announce(session, awarded, params["now"])
    return [badge for _, badge in awarded]


_USER_METRIC = cast(Table, UserMetric.__table__)
_USER_BADGE = cast(Table, UserBadge.__table__)
_BADGE = cast(Table, Badge.__table__)
_METRIC = cast(Table, Metric.__table__)
_KEPT = _USER_METRIC.alias("kept")


@cache
def _move_values(backend: str, count: int) -> Insert:
    """Upsert `_moved_rows`, returning the new value, the value before (NULL: none kept) and
    the catalog's version."""
    moved = ("value", "previous_value", "updated_at")
    statement = upsert(
        backend,
        _USER_METRIC,
        (["user_id", "metric_id", *moved], _moved_rows(count)),
        ["user_id", "metric_id"],
        lambda proposed: {name: proposed[name] for name in moved},
    )
    columns = (
        _USER_METRIC.c.metric_id,
        _USER_METRIC.c.value,
        _USER_METRIC.c.previous_value,
        VERSION.label("catalog_version"),
    )
    return statement.returning(*columns)


def _moved_rows(count: int) -> Select[Any]:
    """For metric `code_i` (i < count) that has badges and moves: the learner, the metric, the
    new value, the kept one and the time. The learner's row lock makes reading the kept
    values inside the write safe."""
    metric, kept = _METRIC.c, _KEPT.c
    new = _moved_value(count)
    return (
        select(
            bindparam("user_id", type_=Integer),
            metric.id,
            new,
            kept.value,
            bindparam("now", type_=_USER_METRIC.c.updated_at.type),
        )
        .select_from(
            _METRIC.outerjoin(
                _KEPT, and_(kept.metric_id == metric.id, kept.user_id == bindparam("user_id"))
            )
        )
        .where(
            metric.code.in_([bindparam(f"code_{i}") for i in range(count)]),
            exists().where(_BADGE.c.metric_id == metric.id),
            or_(kept.value.is_(None), new != kept.value),
        )
    )


def _moved_value(count: int) -> ColumnElement[int]:
    """In `_move_values`: metric `code_i`'s kept value plus `add_i`, or `set_i` when given."""
    old = func.coalesce(_KEPT.c.value, 0)
    return case(
        *(
            (
                _METRIC.c.code == bindparam(f"code_{i}"),
                func.coalesce(
                    bindparam(f"set_{i}", type_=Integer), old + bindparam(f"add_{i}", type_=Integer)
                ),
            )
            for i in range(count)
        ),
        else_=old,
    )


def _passed(metric: CatalogMetric, old: int, new: int) -> list[AwardedBadge]:
    """The metric's badges whose thresholds a move from `old` to `new` passed, by level."""
    return [
        AwardedBadge(b.id, metric.code, b.level, b.name, b.achieved_description, b.icon)
        for b in metric.badges
        if old < b.threshold <= new
    ]


def _award(
    session: Session, reached: list[tuple[int, AwardedBadge]], now: datetime, chunk: int = 500
) -> list[tuple[int, AwardedBadge]]:
    """Award the badges reached (by learner) that are not held yet (a gauge that fell and rose
    again reaches a badge it already won): an insert per `chunk` badges that skips those
    held. The ones awarded, in the order reached."""
    backend, awarded = session.get_bind().dialect.name, set()
    returning = (_USER_BADGE.c.user_id, _USER_BADGE.c.badge_id)
    for start in range(0, len(reached), chunk):
        rows = [
            {"user_id": user_id, "badge_id": badge.badge_id, "achieved_at": now}
            for user_id, badge in reached[start : start + chunk]
        ]
        inserted = session.execute(insert_new(backend, _USER_BADGE, rows).returning(*returning))
        awarded |= {(user_id, badge_id) for user_id, badge_id in inserted}
    return [(user_id, badge) for user_id, badge in reached if (user_id, badge.badge_id) in awarded]


def _announce(session: Session, awarded: list[tuple[int, AwardedBadge]], now: datetime) -> None:
    """`badge.awarded` for the learners' platforms' webhooks, in this transaction."""
    events = [(u, outbox.EventType.BADGE_AWARDED, {"badge": asdict(b)}) for u, b in awarded]
    outbox.emit_many(session, now, events)


# ---- what moves metrics ----------------------------------------------------------------------


def _best_streak(languages: Iterable[Any], today: date) -> int:
    """`languages`: learner languages, or rows with their streak, last practice date and
    the last day a freeze kept."""
    return best_current_streak(
        ((ul.daily_streak, ul.last_practice_date, ul.kept_through) for ul in languages), today
    )


def on_practice(session: Session, ctx: Context, booking: Booking) -> list[AwardedBadge]:
    """After a practice event was booked. Most events move one counter or nothing, and then
    cost nothing more: streak days and languages can only change when a language-day first
    counts (`new_streak_day`)."""
    changes = event_changes(booking.amounts, booking.local_hour)
    if booking.new_streak_day:
        languages = booking.streaks
        changes["streak_days"] = Change(set_to=_best_streak(languages, booking.today))
        if sum(1 for ul in languages if ul.last_practice_date is not None) >= 2:
            changes["multilingual"] = Change(set_to=1)
    if not changes:
        return []
    # Webhooks hear of awards only when the learner's platform has some (read with the
    # event's standing): otherwise announcing costs not even a statement.
    listened = booking.attempt.standing.listened
    return apply_changes(session, ctx, booking.user.id, changes, announce=listened)


def event_changes(amounts: Mapping[str, int], local_hour: int) -> dict[str, Change]:
    """What any practice event moves: the counters it adds to, and night owl by its hour on
    the learner's clock."""
    changes: dict[str, Change] = {}
    for metric in METRICS.booked_counters():
        amount = amounts.get(str(metric.column), 0)
        if amount:
            changes[metric.code] = Change(add=amount)
    if local_hour in NIGHT_OWL_HOURS:
        changes["night_owl"] = Change(set_to=1)
    return changes


# ---- many learners' events at once (a batch's everyday events) -------------------------------


@dataclass(frozen=True)
class Values:
    """Learners' kept metric values (by learner, then metric code), and the catalog's
    metrics by code."""

    by_code: dict[str, CatalogMetric]
    of: dict[int, dict[str, int]]

    def add(self, user_id: int, added: Mapping[str, int]) -> None:
        """Count amounts in (as the caller will write them), for the learner's next move."""
        mine = self.of[user_id]
        for code, amount in added.items():
            mine[code] = mine.get(code, 0) + amount


def values_of(session: Session, user_ids: Iterable[int]) -> Values:
    """The learners' kept values of every metric that has badges: two statements."""
    known = catalog(session, session.execute(select(VERSION)).scalar())
    of: dict[int, dict[str, int]] = {user_id: {} for user_id in user_ids}
    rows = session.execute(_VALUES, {"user_ids": list(of)}).all() if of else []
    for user_id, metric_id, value in rows:
        metric = known.metric_by_id.get(metric_id)
        if metric is not None:
            of[user_id][metric.code] = value
    return Values({metric.code: metric for metric in known.metrics}, of)


_VALUES = select(_USER_METRIC.c.user_id, _USER_METRIC.c.metric_id, _USER_METRIC.c.value).where(
    among(_USER_METRIC.c.user_id, "user_ids")
)


def quiet_move(values: Values, user_id: int, changes: dict[str, Change]) -> dict[str, int] | None:
    """The amounts `changes` adds to the learner's kept counters, when that is all it does:
    no badge reached and no gauge set to a new value. None otherwise: the event must then go
    through `apply_changes`, which awards and announces."""
    mine = values.of[user_id]
    added: dict[str, int] = {}
    for code, change in changes.items():
        metric = values.by_code.get(code)
        if metric is None:
            continue  # no badges: not kept
        old = mine.get(code)
        if change.set_to is not None:
            if old != change.set_to:
                return None
            continue
        new = (old or 0) + change.add
        if any((old or 0) < badge.threshold <= new for badge in metric.badges):
            return None
        added[code] = change.add
    return added


def add_quietly(
    session: Session, ctx: Context, values: Values, added: Mapping[tuple[int, str], int]
) -> None:
    """Add amounts `quiet_move` cleared to the learners' counters (by learner and metric
    code): one upsert run for each, as one executemany."""
    if not added:
        return
    now = ctx.clock.now()
    rows = [
        {"user_id": user_id, "metric_id": values.by_code[code].id, "value": amount, "now": now}
        for (user_id, code), amount in added.items()
    ]
    session.execute(_add_to_counters(session.get_bind().dialect.name), rows)


@cache
def _add_to_counters(backend: str) -> Insert:
    row = _USER_METRIC.c
    return upsert(
        backend,
        _USER_METRIC,
        {
            "user_id": bindparam("user_id"),
            "metric_id": bindparam("metric_id"),
            "value": bindparam("value"),
            "updated_at": bindparam("now"),
        },
        ["user_id", "metric_id"],
        # The value before first: MariaDB assigns in order, each seeing those before.
        lambda proposed: {
            "previous_value": row.value,
            "value": row.value + proposed.value,
            "updated_at": proposed.updated_at,
        },
    )


def add_to_counters(
    session: Session, ctx: Context, added: Mapping[tuple[int, str], int]
) -> dict[int, list[AwardedBadge]]:
    """Add amounts to many learners' counters (by learner and metric code) and award the
    badges they reach, announcing each (a league week's close): one executemany upsert that
    returns each value with the one before, then `_award` and `_announce` for them all. The
    badges awarded, by learner."""
    badges = catalog(session, session.execute(select(VERSION)).scalar())
    by_code = {metric.code: metric for metric in badges.metrics}
    now = ctx.clock.now()
    rows = [
        {"user_id": user_id, "metric_id": by_code[code].id, "value": amount, "now": now}
        for (user_id, code), amount in sorted(added.items())
        if code in by_code and amount
    ]
    if not rows:
        return {}
    backend = session.get_bind().dialect.name
    returning = (_USER_METRIC.c.user_id, _USER_METRIC.c.metric_id, _USER_METRIC.c.value)
    statement = _add_to_counters(backend).returning(*returning, _USER_METRIC.c.previous_value)
    reached: list[tuple[int, AwardedBadge]] = []
    for user_id, metric_id, new, old in session.execute(statement, rows):
        metric = badges.metric_by_id[metric_id]
        reached += [(user_id, badge) for badge in _passed(metric, old or 0, new)]
    awarded = _award(session, reached, now)
    _announce(session, awarded, now)
    by_learner: dict[int, list[AwardedBadge]] = {}
    for user_id, badge in awarded:
        by_learner.setdefault(user_id, []).append(badge)
    return by_learner


def on_friends_changed(session: Session, ctx: Context, user_ids: Iterable[int]) -> None:
    """A friendship began or ended: both learners' friend counts move (B11)."""
    for user_id in sorted(set(user_ids)):
        apply_changes(
            session,
            ctx,
            user_id,
            {"friends": Change(set_to=friendships.count_friends(session, user_id))},
        )


def on_profile_customised(session: Session, ctx: Context, user_id: int) -> None:
    apply_changes(session, ctx, user_id, {"profile_customised": Change(set_to=1)})


# ---- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeState:
    badge: CatalogBadge
    achieved_at: datetime | None
    seen: bool


@dataclass(frozen=True)
class MetricProgress:
    metric: CatalogMetric
    value: int
    badges: list[BadgeState]  # hidden badges only once achieved
    next_badge: CatalogBadge | None

    @property
    def last_achieved(self) -> datetime | None:
        return max((b.achieved_at for b in self.badges if b.achieved_at), default=None)


@dataclass(frozen=True)
class BadgesPage:
    metrics: list[MetricProgress]
    unseen: int  # badges achieved and not looked at yet


# Built once: the learner's value and achievement beside each badge, and the catalog's version.
_ALL_WITH_MINE = (
    select(
        _BADGE.c.id,
        _USER_METRIC.c.value,
        _USER_BADGE.c.achieved_at,
        _USER_BADGE.c.seen_at,
        VERSION.label("catalog_version"),
    )
    .select_from(_BADGE)
    .outerjoin(
        _USER_METRIC,
        (_USER_METRIC.c.metric_id == _BADGE.c.metric_id)
        & (_USER_METRIC.c.user_id == bindparam("user_id")),
    )
    .outerjoin(
        _USER_BADGE,
        (_USER_BADGE.c.badge_id == _BADGE.c.id) & (_USER_BADGE.c.user_id == bindparam("user_id")),
    )
)


def board(session: Session, ctx: Context, user: User) -> BadgesPage:
    """Every metric with the learner's value, its badges and the next one to reach; metrics
    with a recent achievement first, then in catalog order (B28). The catalog comes from the
    process's copy; the learner's part is one query, and the live gauges one more."""
    rows = session.execute(_ALL_WITH_MINE, {"user_id": user.id}).all()
    known = catalog(session, rows[0].catalog_version if rows else None)
    mine = {row.id: row for row in rows}
    live = _live_values(session, ctx, user)
    progress = []
    for metric in known.metrics:
        # Every row of a metric's badges carries the same stored value.
        row = next((mine[b.id] for b in metric.badges if b.id in mine), None)
        value = live.get(metric.code, row.value if row and row.value is not None else 0)
        states = [_state(badge, mine.get(badge.id)) for badge in metric.badges]
        shown = [s for s in states if s.achieved_at or not s.badge.hidden]
        if not shown:
            continue
        upcoming = [s.badge for s in states if not s.achieved_at and not s.badge.hidden]
        progress.append(MetricProgress(metric, value, shown, upcoming[0] if upcoming else None))
    unseen = sum(1 for row in rows if row.achieved_at is not None and row.seen_at is None)
    # Most recently achieved first; metrics with nothing achieved keep the catalog order.
    return BadgesPage(sorted(progress, key=_board_order), unseen)


def _state(badge: CatalogBadge, mine: Any) -> BadgeState:
    if mine is None or mine.achieved_at is None:
        return BadgeState(badge, None, False)
    return BadgeState(badge, mine.achieved_at, mine.seen_at is not None)


def _board_order(progress: MetricProgress) -> tuple[bool, float, int]:
    last = progress.last_achieved
    return (last is None, -last.timestamp() if last else 0.0, progress.metric.position)


_LANGUAGE = cast(Table, UserLanguage.__table__)
_FRIENDS = friendships.COUNT_FRIENDS.subquery("friends")
# The friend count beside each of the learner's language streaks: one row even with none.
_GAUGES = select(
    _FRIENDS.c.friends,
    _LANGUAGE.c.daily_streak,
    _LANGUAGE.c.last_practice_date,
    _LANGUAGE.c.kept_through,
).select_from(_FRIENDS.outerjoin(_LANGUAGE, _LANGUAGE.c.user_id == bindparam("user_id")))


def _live_values(session: Session, ctx: Context, user: User) -> dict[str, int]:
    """Gauges read as they are now, not as last written (a lapsed streak shows 0; W8)."""
    rows = session.execute(_GAUGES, {"user_id": user.id}).all()
    languages = [row for row in rows if row.daily_streak is not None]
    today = local_date(user, ctx.clock.now())
    return {"streak_days": _best_streak(languages, today), "friends": int(rows[0].friends)}


def achieved(session: Session, user_id: int) -> list[tuple[UserBadge, Badge, Metric]]:
    """Badges the learner achieved, newest first (what other learners may see)."""
    rows = session.execute(
        select(UserBadge, Badge, Metric)
        .join(Badge, Badge.id == UserBadge.badge_id)
        .join(Metric, Metric.id == Badge.metric_id)
        .where(UserBadge.user_id == user_id)
        .order_by(UserBadge.achieved_at.desc(), Metric.position, Badge.level.desc())
    ).all()
    return [(ub, badge, metric) for ub, badge, metric in rows]


_UNSEEN = (
    select(func.count())
    .select_from(_USER_BADGE)
    .where(_USER_BADGE.c.user_id == bindparam("user_id"), _USER_BADGE.c.seen_at.is_(None))
)


def unseen_count(session: Session, user_id: int) -> int:
    """Badges achieved and not looked at yet (every page's header shows it)."""
    return int(session.scalar(_UNSEEN, {"user_id": user_id}) or 0)


def mark_seen(
    session: Session, ctx: Context, user_id: int, badge_ids: list[int] | None = None
) -> int:
    """Mark the learner's new badges seen (all, or those listed); one UPDATE. Returns how many."""
    statement = (
        update(UserBadge)
        .where(UserBadge.user_id == user_id, UserBadge.seen_at.is_(None))
        .values(seen_at=ctx.clock.now())
        .execution_options(synchronize_session=False)
    )
    if badge_ids is not None:
        statement = statement.where(UserBadge.badge_id.in_(badge_ids))
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
