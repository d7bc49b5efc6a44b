"""Friends and cohort boards, summed from the practice-day ledger.

A board's cost is the members times the days in the period: it reads per-day aggregates, never
raw events, in a fixed number of queries. Each member's days are their own local dates, so "this
week" is Monday to Sunday in everyone's calendar, wherever they live. Who is on a board is
decided as of the end of the period: friends then, members of the class then.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.clock import local_date, local_midnight
from zeal.cohorts import service as cohorts_service
from zeal.cohorts.models import LeaderboardNames, Role
from zeal.context import Context
from zeal.errors import Forbidden, Invalid
from zeal.friends.models import Block, Friendship, pair_key
from zeal.leaderboards.periods import Period, resolve
from zeal.practice.errors import LanguageUnknown
from zeal.practice.languages import LANGUAGES
from zeal.practice.metrics import METRICS, MetricDefinition, Ranking
from zeal.practice.models import PracticeDay, UserLanguage
from zeal.practice.streaks import current_streak

MAX_LIMIT = 200


def board_metrics() -> list[MetricDefinition]:
    """What a board can rank by: the registry's metrics with a ranking."""
    return METRICS.on_boards()


class MetricNotOnBoards(Invalid):
    code = "metric_unknown"
    title = "No board ranks by this metric"


class LeaderboardDisabled(Forbidden):
    code = "leaderboard_disabled"
    title = "This cohort has no leaderboard"


@dataclass(frozen=True)
class BoardRequest:
    metric: str  # a board metric's code
    period: str | None = None
    start: Any = None
    end: Any = None
    language: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class Row:
    rank: int
    user: User
    value: int
    is_self: bool
    is_friend: bool
    hidden: bool  # shown as "hidden learner" (an anonymous class board)


@dataclass(frozen=True)
class Board:
    metric: MetricDefinition
    period: Period
    language: str | None
    total: int
    rows: list[Row]


def _window(ctx: Context, viewer: User, request: BoardRequest) -> tuple[Period, datetime]:
    now = ctx.clock.now()
    today = local_date(viewer, now)
    period = resolve(request.period, request.start, request.end, today)
    if request.language is not None and request.language not in LANGUAGES:
        raise LanguageUnknown(f"'{request.language}' is not an ISO 639-1 language code.")
    # Membership counts as of the end of the period (now, for a period not over yet).
    if period.end is None or period.end >= today:
        return period, now
    return period, local_midnight(viewer, period.end + timedelta(days=1))


def friends_board(session: Session, ctx: Context, viewer: User, request: BoardRequest) -> Board:
    """The viewer and their friends as of the end of the period. Learners who turned discovery
    off appear only on their own class boards (and on their own friends board)."""
    period, until = _window(ctx, viewer, request)
    me = viewer.id
    friends = select(Friendship.other_side(me)).where(
        Friendship.of_learner(me),
        Friendship.created_at <= until,
        or_(Friendship.ended_at.is_(None), Friendship.ended_at > until),
    )
    population = session.scalars(
        select(User).where(
            or_(
                User.id == me,
                and_(User.id.in_(friends), User.discoverable.is_(True), ~_blocked_with(me)),
            )
        )
    ).all()
    return _board(session, ctx, viewer, request, period, list(population), hide_others=False)


def _blocked_with(user_id: int) -> Any:
    """Learners blocked by, or blocking, `user_id` (a blocked pair do not exist for each other)."""
    return exists().where(Block.either_way(user_id, User.id))


def cohort_board(
    session: Session, ctx: Context, viewer: User, cohort_id: int, request: BoardRequest
) -> Board:
    """The class's students as of the end of the period (members only; the board must be on)."""
    cohort, membership = cohorts_service.member_cohort(session, viewer, cohort_id)
    if not cohort.has_leaderboard:
        raise LeaderboardDisabled("The teacher has not turned this cohort's leaderboard on.")
    period, until = _window(ctx, viewer, request)
    population = session.scalars(
        select(User).where(User.id.in_(cohorts_service.members_at(cohort.id, until)))
    ).all()
    anonymous = (
        cohort.leaderboard_names == LeaderboardNames.ANONYMOUS and membership.role != Role.TEACHER
    )
    # Classmates in a blocked pair stay on the class board, but nameless to each other.
    blocked = set(
        session.scalars(
            select(User.id).where(
                User.id.in_(cohorts_service.members_at(cohort.id, until)),
                _blocked_with(viewer.id),
            )
        )
    )
    return _board(
        session,
        ctx,
        viewer,
        request,
        period,
        list(population),
        hide_others=anonymous,
        hidden_ids=blocked,
    )


def _board(
    session: Session,
    ctx: Context,
    viewer: User,
    request: BoardRequest,
    period: Period,
    population: list[User],
    *,
    hide_others: bool,
    hidden_ids: frozenset[int] | set[int] = frozenset(),
) -> Board:
    metric = _metric(request.metric)
    values = _values(session, ctx, request, metric, period, population)
    friends = _friends_among(session, viewer, population)
    ordered = sorted(population, key=lambda u: (-values.get(u.id, 0), u.username_key))
    rows: list[Row] = []
    rank = 0
    for position, user in enumerate(ordered, start=1):
        value = values.get(user.id, 0)
        if not rows or value != rows[-1].value:
            rank = position  # ties share a rank: 1, 2, 2, 4
        is_self = user.id == viewer.id
        hidden = (hide_others and not is_self) or user.id in hidden_ids
        rows.append(Row(rank, user, value, is_self, user.id in friends, hidden))
    limit = max(1, min(request.limit, MAX_LIMIT))
    shown = rows[:limit]
    shown += [row for row in rows[limit:] if row.is_self]  # the caller always sees their place
    return Board(metric, period, request.language, len(rows), shown)


def _metric(code: str) -> MetricDefinition:
    if code not in METRICS or METRICS[code].ranking is None:
        names = ", ".join(metric.code for metric in board_metrics())
        raise MetricNotOnBoards(f"'{code}' is not a board metric; boards rank by: {names}.")
    return METRICS[code]


def _values(
    session: Session,
    ctx: Context,
    request: BoardRequest,
    metric: MetricDefinition,
    period: Period,
    users: list[User],
) -> dict[int, int]:
    ids = [user.id for user in users]
    if not ids:
        return {}
    if metric.ranking is Ranking.STREAK:
        return _streaks(session, ctx, request, users)
    table = PracticeDay.__table__
    measure: Any = func.count(func.distinct(table.c.day))
    if metric.ranking is Ranking.SUM:
        measure = func.sum(table.c[str(metric.column)])
    query: Select[Any] = (
        select(table.c.user_id, measure).where(table.c.user_id.in_(ids)).group_by(table.c.user_id)
    )
    if period.start is not None:
        query = query.where(table.c.day >= period.start, table.c.day <= period.end)
    if request.language is not None:
        query = query.where(table.c.language == request.language)
    return {user_id: int(total or 0) for user_id, total in session.execute(query)}


def _streaks(
    session: Session, ctx: Context, request: BoardRequest, users: list[User]
) -> dict[int, int]:
    """The current daily streak, best language (or the one asked for), on each learner's today."""
    now = ctx.clock.now()
    todays = {user.id: local_date(user, now) for user in users}
    query = select(UserLanguage).where(UserLanguage.user_id.in_(todays))
    if request.language is not None:
        query = query.where(UserLanguage.language == request.language)
    best: dict[int, int] = {}
    for ul in session.scalars(query):
        alive = current_streak(ul.daily_streak, ul.last_practice_date, todays[ul.user_id])
        best[ul.user_id] = max(best.get(ul.user_id, 0), alive)
    return best


def _friends_among(session: Session, viewer: User, users: list[User]) -> set[int]:
    keys = {pair_key(viewer.id, user.id): user.id for user in users if user.id != viewer.id}
    if not keys:
        return set()
    active = session.scalars(select(Friendship.active_pair).where(Friendship.active_pair.in_(keys)))
    return {keys[key] for key in active if key is not None}
