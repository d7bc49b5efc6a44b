"""Friends and cohort boards, read from the practice totals and the practice-day ledger.

A board of a calendar week, month or all time reads one practice total per member, whatever the
history; a custom window sums the members' practice days in it. Either way it never reads raw
events, and one query ranks everyone in SQL and returns only the rows shown. Each member's days
are their own local dates, so "this week" is Monday to Sunday in everyone's calendar, wherever
they live. Who is on a board is decided as of the end of the period: friends then, members of
the class then.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Select,
    Subquery,
    Table,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.clock import local_date, local_midnight
from zeal.cohorts import service as cohorts_service
from zeal.cohorts.models import LeaderboardNames, Role
from zeal.context import Context
from zeal.db import binary_order
from zeal.errors import Forbidden, Invalid
from zeal.friends.models import Block, Friendship
from zeal.leaderboards.periods import Period, resolve
from zeal.practice import totals
from zeal.practice.errors import LanguageUnknown
from zeal.practice.languages import LANGUAGES
from zeal.practice.metrics import METRICS, MetricDefinition, Ranking
from zeal.practice.models import PracticeDay, PracticeTotal, UserLanguage
from zeal.practice.streaks import ONE_DAY

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
    # The ids first (the viewer and their friends: an index lookup), then the rules on those
    # few rows: an OR around the id test made PostgreSQL scan every learner, twice a board.
    candidates = union_all(select(literal(me)), friends)
    members = select(User.id).where(
        User.id.in_(candidates),
        or_(User.id == me, and_(User.discoverable.is_(True), ~_blocked_with(me))),
    )
    return _board(session, ctx, viewer, request, period, members, hide_others=False)


def _blocked_with(user_id: int) -> Any:
    """Learners blocked by, or blocking, `user_id` (a blocked pair do not exist for each other)."""
    return exists().where(Block.either_way(user_id, User.id))


def cohort_board(
    session: Session, ctx: Context, viewer: User, cohort_id: int, request: BoardRequest
) -> Board:
    """The class's students as of the end of the period (members only; the board must be on).
    Classmates in a blocked pair stay on the class board, but nameless to each other."""
    cohort, membership = cohorts_service.member_cohort(session, viewer, cohort_id)
    if not cohort.has_leaderboard:
        raise LeaderboardDisabled("The teacher has not turned this cohort's leaderboard on.")
    period, until = _window(ctx, viewer, request)
    members = cohorts_service.members_at(cohort.id, until)
    anonymous = (
        cohort.leaderboard_names == LeaderboardNames.ANONYMOUS and membership.role != Role.TEACHER
    )
    return _board(session, ctx, viewer, request, period, members, hide_others=anonymous)


def _board(
    session: Session,
    ctx: Context,
    viewer: User,
    request: BoardRequest,
    period: Period,
    members: Select[int],
    *,
    hide_others: bool,
) -> Board:
    """`members` selects the ids of the learners on the board. One query ranks them all in SQL
    (values joined to `members`, never a list of every id) and returns only the rows shown,
    with the learners' display columns: the work in Python is the same for 5 members or 5,000."""
    metric = _metric(request.metric)
    values = _values(session, ctx, request, metric, period, members).subquery()
    limit = max(1, min(request.limit, MAX_LIMIT))
    ranked = _ranked(session, values, members)
    me = viewer.id
    shown = (
        select(User, ranked.c.rank, ranked.c.value, ranked.c.total, _is_friend(me), _blocked(me))
        .join(ranked, ranked.c.user_id == User.id)
        .where(or_(ranked.c.position <= limit, User.id == me))  # your own row always
        .order_by(ranked.c.position)
    )
    rows, on_board = [], 0
    for user, rank, value, total, is_friend, blocked in session.execute(shown):
        hidden = (hide_others and user.id != me) or bool(blocked)
        rows.append(Row(rank, user, int(value), user.id == me, bool(is_friend), hidden))
        on_board = total
    return Board(metric, period, request.language, on_board, rows)


def _ranked(session: Session, values: Subquery, members: Select[int]) -> Subquery:
    """Every member with their value, rank (ties share one: 1, 2, 2, 4), position (by value,
    then username, byte by byte as Python would sort) and how many are on the board."""
    value = func.coalesce(values.c.value, 0)
    name = binary_order(session.get_bind().dialect.name, User.__table__.c.username_key)
    return (
        select(
            User.id.label("user_id"),
            value.label("value"),
            func.rank().over(order_by=value.desc()).label("rank"),
            func.row_number().over(order_by=(value.desc(), name)).label("position"),
            func.count().over().label("total"),
        )
        .select_from(User)
        .outerjoin(values, values.c.user_id == User.id)
        .where(User.id.in_(members))
        .subquery()
    )


def _is_friend(viewer_id: int) -> Any:
    """In the board's query: whether the row's learner is the viewer's friend now."""
    return (
        exists()
        .where(Friendship.active_pair.is_not(None), Friendship.between(viewer_id, User.id))
        .label("is_friend")
    )


def _blocked(viewer_id: int) -> Any:
    """In the board's query: a block between the viewer and the row's learner."""
    return _blocked_with(viewer_id).label("blocked")


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
    members: Select[int],
) -> Select[Any]:
    """(user_id, value) for the members with a value: one practice total each when the period
    is a calendar week, month or all time, else their practice days summed."""
    if metric.ranking is Ranking.STREAK:
        return _streaks(session, ctx, request, members)
    covered = totals.covering(period.start, period.end)
    if covered is not None:
        span, starts_on = covered
        column = _TOTAL.c.days if metric.ranking is Ranking.DAYS else _TOTAL.c[str(metric.column)]
        return select(_TOTAL.c.user_id, column.label("value")).where(
            _TOTAL.c.user_id.in_(members),
            _TOTAL.c.language == (request.language or totals.ALL_LANGUAGES),
            _TOTAL.c.span == span.value,
            _TOTAL.c.starts_on == starts_on,
        )
    day = _DAY.c.day
    measure: Any = func.count(func.distinct(day))
    if metric.ranking is Ranking.SUM:
        measure = func.sum(_DAY.c[str(metric.column)])
    query = (
        select(_DAY.c.user_id, measure.label("value"))
        .where(_DAY.c.user_id.in_(members), day >= period.start, day <= period.end)
        .group_by(_DAY.c.user_id)
    )
    if request.language is not None:
        query = query.where(_DAY.c.language == request.language)
    return query


@dataclass(frozen=True)
class _Zone:
    timezone: str


def _streaks(
    session: Session, ctx: Context, request: BoardRequest, members: Select[int]
) -> Select[Any]:
    """The current daily streak, best language (or the one asked for), on each learner's
    today: alive while its last day is that learner's yesterday or later. The members' zones
    fall on at most three local dates at any instant, so "yesterday" is one CASE over them."""
    now = ctx.clock.now()
    zones = session.scalars(select(User.timezone).where(User.id.in_(members)).distinct())
    by_yesterday: dict[date, list[str]] = defaultdict(list)
    for zone in zones:
        by_yesterday[local_date(_Zone(zone), now) - ONE_DAY].append(zone)
    language = _LANGUAGE
    if not by_yesterday:  # nobody on the board
        return select(language.c.user_id, literal(0).label("value")).where(false())
    yesterday = case(
        *((User.timezone.in_(names), day) for day, names in sorted(by_yesterday.items()))
    )
    alive = case((language.c.last_practice_date >= yesterday, language.c.daily_streak), else_=0)
    query = (
        select(language.c.user_id, func.max(alive).label("value"))
        .join(User, User.id == language.c.user_id)
        .where(language.c.user_id.in_(members))
        .group_by(language.c.user_id)
    )
    if request.language is not None:
        query = query.where(language.c.language == request.language)
    return query


_TOTAL = cast(Table, PracticeTotal.__table__)
_DAY = cast(Table, PracticeDay.__table__)
_LANGUAGE = cast(Table, UserLanguage.__table__)
