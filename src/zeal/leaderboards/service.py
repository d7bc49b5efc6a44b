"""Friends and cohort boards, summed from the practice-day ledger.

A board's cost is the members times the days in the period: it reads per-day aggregates, never
raw events, in a fixed number of queries. Each member's days are their own local dates, so "this
week" is Monday to Sunday in everyone's calendar, wherever they live. Who is on a board is
decided as of the end of the period: friends then, members of the class then.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.clock import local_date, local_midnight
from zeal.cohorts import service as cohorts_service
from zeal.cohorts.models import LeaderboardNames, Role
from zeal.context import Context
from zeal.errors import Forbidden, Invalid
from zeal.friends.models import Block, Friendship
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


class Member(Protocol):
    """A learner on a board, as ranked (only those shown are loaded in full)."""

    @property
    def id(self) -> int: ...
    @property
    def timezone(self) -> str: ...


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
    on_board = or_(
        User.id == me,
        and_(User.id.in_(friends), User.discoverable.is_(True), ~_blocked_with(me)),
    )
    members = select(User.id).where(on_board)
    return _board(session, ctx, viewer, request, period, members, hide_others=False)


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
    members = cohorts_service.members_at(cohort.id, until)
    anonymous = (
        cohort.leaderboard_names == LeaderboardNames.ANONYMOUS and membership.role != Role.TEACHER
    )
    # Classmates in a blocked pair stay on the class board, but nameless to each other.
    blocked = set(
        session.scalars(select(User.id).where(User.id.in_(members), _blocked_with(viewer.id)))
    )
    return _board(
        session,
        ctx,
        viewer,
        request,
        period,
        members,
        hide_others=anonymous,
        hidden_ids=blocked,
    )


def _board(
    session: Session,
    ctx: Context,
    viewer: User,
    request: BoardRequest,
    period: Period,
    members: Select[int],
    *,
    hide_others: bool,
    hidden_ids: frozenset[int] | set[int] = frozenset(),
) -> Board:
    """`members` selects the ids of the learners on the board. Values are read joined to it in
    SQL (never a list of every id: SQL parsed and planned anew each time), everyone is ranked
    from lean rows, and only the learners shown are loaded in full."""
    metric = _metric(request.metric)
    population = session.execute(
        select(User.id, User.username_key, User.timezone).where(User.id.in_(members))
    ).all()
    values = _values(session, ctx, request, metric, period, population, members)
    ordered = sorted(population, key=lambda u: (-values.get(u.id, 0), u.username_key))
    ranked: list[tuple[int, int, int]] = []  # (rank, user id, value)
    for position, member in enumerate(ordered, start=1):
        value = values.get(member.id, 0)
        rank = position if not ranked or value != ranked[-1][2] else ranked[-1][0]  # 1, 2, 2, 4
        ranked.append((rank, member.id, value))
    limit = max(1, min(request.limit, MAX_LIMIT))
    shown = ranked[:limit] + [r for r in ranked[limit:] if r[1] == viewer.id]  # always yours
    users = _users(session, [user_id for _, user_id, _ in shown])
    friends = _friends_of(session, viewer)
    rows = [
        Row(rank, users[user_id], value, user_id == viewer.id, user_id in friends,
            (hide_others and user_id != viewer.id) or user_id in hidden_ids)
        for rank, user_id, value in shown
    ]  # fmt: skip
    return Board(metric, period, request.language, len(ranked), rows)


def _users(session: Session, ids: list[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))}


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
    users: Sequence[Member],
    members: Select[int],
) -> dict[int, int]:
    if not users:
        return {}
    if metric.ranking is Ranking.STREAK:
        return _streaks(session, ctx, request, users, members)
    table = PracticeDay.__table__
    measure: Any = func.count(func.distinct(table.c.day))
    if metric.ranking is Ranking.SUM:
        measure = func.sum(table.c[str(metric.column)])
    query: Select[Any] = (
        select(table.c.user_id, measure)
        .where(table.c.user_id.in_(members))
        .group_by(table.c.user_id)
    )
    if period.start is not None:
        query = query.where(table.c.day >= period.start, table.c.day <= period.end)
    if request.language is not None:
        query = query.where(table.c.language == request.language)
    return {user_id: int(total or 0) for user_id, total in session.execute(query)}


def _streaks(
    session: Session,
    ctx: Context,
    request: BoardRequest,
    users: Sequence[Member],
    members: Select[int],
) -> dict[int, int]:
    """The current daily streak, best language (or the one asked for), on each learner's today."""
    now = ctx.clock.now()
    todays = {user.id: local_date(user, now) for user in users}
    query = select(UserLanguage).where(UserLanguage.user_id.in_(members))
    if request.language is not None:
        query = query.where(UserLanguage.language == request.language)
    best: dict[int, int] = {}
    for ul in session.scalars(query):
        alive = current_streak(ul.daily_streak, ul.last_practice_date, todays[ul.user_id])
        best[ul.user_id] = max(best.get(ul.user_id, 0), alive)
    return best


def _friends_of(session: Session, viewer: User) -> set[int]:
    """The viewer's friends now (a board marks them, whoever else is on it)."""
    query = select(Friendship.other_side(viewer.id)).where(
        Friendship.of_learner(viewer.id), Friendship.active_pair.is_not(None)
    )
    return set(session.scalars(query))
