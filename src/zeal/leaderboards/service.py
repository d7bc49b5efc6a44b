"""Friends and cohort boards, read from the practice totals and the practice-day ledger.

A board of a calendar week, month or all time reads one practice total per member, whatever the
history; a custom window sums the members' practice days in it. Either way it never reads raw
events, and one query ranks everyone in SQL and returns only the rows shown. Each member's days
are their own local dates, so "this week" is Monday to Sunday in everyone's calendar, wherever
they live. Who is on a board is decided as of the end of the period: friends then, members of
the class then.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Date,
    Integer,
    Select,
    Subquery,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.clock import local_date, local_midnight
from zeal.cohorts import service as cohorts_service
from zeal.cohorts.models import LeaderboardNames, Role
from zeal.context import Context
from zeal.db import PLAN_EACH_RUN, binary_order
from zeal.errors import Forbidden, Invalid
from zeal.friends.models import Block, Friendship
from zeal.leaderboards.periods import Period, resolve
from zeal.practice import totals
from zeal.practice.errors import LanguageUnknown
from zeal.practice.languages import LANGUAGES
from zeal.practice.ledger import yesterday_in_zone, yesterdays_by_zone
from zeal.practice.metrics import METRICS, MetricDefinition, Ranking
from zeal.practice.models import PracticeDay, PracticeTotal, UserLanguage

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
class Learner:
    """What a board shows of a learner."""

    id: int
    username: str
    display_name: str
    avatar_image: str
    avatar_character_color: str
    avatar_background_color: str


@dataclass(frozen=True)
class Row:
    rank: int
    learner: Learner
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
    params = {"me": viewer.id, "until": until}
    return _board(session, ctx, request, period, _Kind.FRIENDS, params, hide_others=False)


def cohort_board(
    session: Session, ctx: Context, viewer: User, cohort_id: int, request: BoardRequest
) -> Board:
    """The class's students as of the end of the period (members only; the board must be on).
    Classmates in a blocked pair stay on the class board, but nameless to each other."""
    cohort, membership = cohorts_service.member_cohort(session, viewer, cohort_id)
    if not cohort.has_leaderboard:
        raise LeaderboardDisabled("The teacher has not turned this cohort's leaderboard on.")
    period, until = _window(ctx, viewer, request)
    anonymous = (
        cohort.leaderboard_names == LeaderboardNames.ANONYMOUS and membership.role != Role.TEACHER
    )
    params = {"me": viewer.id, "until": until, "cohort": cohort.id}
    return _board(session, ctx, request, period, _Kind.COHORT, params, hide_others=anonymous)


class _Kind(StrEnum):
    FRIENDS = "friends"
    COHORT = "cohort"


# Every value a board statement needs is a bind parameter, so each shape of statement (whose
# learners, which metric, a total or a window, one language or all) is built once per
# process: building one cost several times more than PostgreSQL's work for the board.
_ME = bindparam("me", type_=Integer)
_UNTIL: BindParameter[datetime] = bindparam("until")  # typed by the column it meets


def _members(kind: _Kind) -> Subquery:
    """The learners on a board as of `until`, once each: their ids (`id`) and the username
    keys that break ties in the ranking (so the ranking needs no other join)."""
    if kind is _Kind.COHORT:
        students = cohorts_service.members_at(bindparam("cohort", type_=Integer), _UNTIL)
        ids = students.subquery("students")
        return (
            select(_USER.c.id, _USER.c.username_key)
            .join_from(ids, _USER, _USER.c.id == ids.c.user_id)
            .subquery("members")
        )
    friendship = _FRIENDSHIP.c
    friends = select(Friendship.other_side(_ME)).where(
        Friendship.of_learner(_ME),
        friendship.created_at <= _UNTIL,
        or_(friendship.ended_at.is_(None), friendship.ended_at > _UNTIL),
    )
    # The ids first (the viewer and their friends: an index lookup), then the rules on those
    # few rows: an OR around the id test made PostgreSQL scan every learner, twice a board.
    candidates = union(select(_ME.label("id")), friends).subquery("candidates")
    return (
        select(_USER.c.id, _USER.c.username_key)
        .join_from(candidates, _USER, _USER.c.id == candidates.c.id)
        .where(or_(_USER.c.id == _ME, and_(_USER.c.discoverable.is_(True), ~_blocked_with(_ME))))
        .subquery("members")
    )


def _member_ids(kind: _Kind) -> Select[Any]:
    """The members' ids, for an `IN`."""
    return select(_members(kind).c[0])


def _blocked_with(user_id: Any) -> Any:
    """Learners blocked by, or blocking, `user_id` (a blocked pair do not exist for each other)."""
    return exists().where(Block.either_way(user_id, _USER.c.id))


def _board(
    session: Session,
    ctx: Context,
    request: BoardRequest,
    period: Period,
    kind: _Kind,
    params: dict[str, Any],
    *,
    hide_others: bool,
) -> Board:
    """One query ranks every member in SQL and returns only the rows shown, with their
    display columns: the work in Python is the same for 5 members or 5,000."""
    metric = _metric(request.metric)
    backend = session.get_bind().dialect.name
    params["limit"] = max(1, min(request.limit, MAX_LIMIT))
    params["language"] = request.language
    options: dict[str, Any] = {}
    if metric.ranking is Ranking.STREAK:
        statement = _streak_board(session, ctx, kind, params, backend)
    else:
        covered = totals.covering(period.start, period.end)
        if covered is not None:
            params["span"], params["starts_on"] = covered[0].value, covered[1]
            params["language"] = request.language or totals.ALL_LANGUAGES
        else:
            params["start"], params["end"] = period.start, period.end
            options = PLAN_EACH_RUN  # a day or a year of days: see `PLAN_EACH_RUN`
        column = "days" if metric.ranking is Ranking.DAYS else str(metric.column)
        by_language = covered is None and request.language is not None
        statement = _sum_board(kind, column, covered is not None, by_language, backend)
    me, rows, on_board = params["me"], [], 0
    for found in session.execute(statement, params, execution_options=options):
        hidden = (hide_others and found.id != me) or bool(found.blocked)
        is_self, is_friend = found.id == me, bool(found.is_friend)
        rows.append(Row(found.rank, _learner(found), int(found.value), is_self, is_friend, hidden))
        on_board = found.total
    return Board(metric, period, request.language, on_board, rows)


def _learner(found: Any) -> Learner:
    return Learner(
        id=found.id,
        username=found.username,
        display_name=found.display_name,
        avatar_image=found.avatar_image,
        avatar_character_color=found.avatar_character_color,
        avatar_background_color=found.avatar_background_color,
    )


@cache
def _sum_board(kind: _Kind, column: str, covered: bool, by_language: bool, backend: str) -> Any:
    """A board of a sum or a count of days: one practice total per member when the period is
    a calendar week, month or all time, else their practice days in the window, summed."""
    members = _members(kind)
    member = members.c[0]
    if covered:
        joined = members.outerjoin(
            _TOTAL,
            and_(
                _TOTAL.c.user_id == member,
                _TOTAL.c.span == bindparam("span"),
                _TOTAL.c.starts_on == bindparam("starts_on"),
                _TOTAL.c.language == bindparam("language"),
            ),
        )
        return _ranked(members, joined, _TOTAL.c[column], backend)
    day = _DAY.c.day
    measure = func.count(func.distinct(day)) if column == "days" else func.sum(_DAY.c[column])
    summed = select(_DAY.c.user_id, measure.label("value")).where(
        _DAY.c.user_id.in_(_member_ids(kind)),
        day >= bindparam("start", type_=Date),
        day <= bindparam("end", type_=Date),
    )
    if by_language:
        summed = summed.where(_DAY.c.language == bindparam("language"))
    values = summed.group_by(_DAY.c.user_id).subquery("summed")
    joined = members.outerjoin(values, values.c.user_id == member)
    return _ranked(members, joined, values.c.value, backend)


def _streak_board(
    session: Session, ctx: Context, kind: _Kind, params: dict[str, Any], backend: str
) -> Any:
    """The current daily streak, best language (or the one asked for), on each learner's
    today: alive while its last day is that learner's yesterday or later. The members' zones
    fall on at most three local dates at any instant, so "yesterday" is one CASE over them
    (`yesterday_in_zone`)."""
    now = ctx.clock.now()
    zones = session.scalars(
        select(_USER.c.timezone).where(_USER.c.id.in_(_member_ids(kind))).distinct(),
        params,
    )
    params.update(yesterdays_by_zone(zones, now))
    yesterday = yesterday_in_zone(_USER.c.timezone)  # NULL for all: nobody on the board
    # Alive while the run's last day, practised or kept by a freeze, is yesterday or later.
    through = or_(
        _LANGUAGE.c.last_practice_date >= yesterday, _LANGUAGE.c.kept_through >= yesterday
    )
    alive = case((through, _LANGUAGE.c.daily_streak), else_=0)
    best = (
        select(_LANGUAGE.c.user_id, func.max(alive).label("value"))
        .join(_USER, _USER.c.id == _LANGUAGE.c.user_id)
        .where(_LANGUAGE.c.user_id.in_(_member_ids(kind)))
        .group_by(_LANGUAGE.c.user_id)
    )
    if params["language"] is not None:
        best = best.where(_LANGUAGE.c.language == bindparam("language"))
    values = best.subquery("best")
    members = _members(kind)
    member = members.c[0]
    joined = members.outerjoin(values, values.c.user_id == member)
    return _ranked(members, joined, values.c.value, backend)


def _ranked(members: Subquery, joined: Any, value: Any, backend: str) -> Any:
    """Every member's value, rank (ties share one: 1, 2, 2, 4), position (by value, then
    username, byte by byte as Python would sort) and how many are on the board; then only the
    rows shown (the top `limit` and the viewer's own), with their display columns. Those are
    joined after the ranking: carried through it for every member, they made its sorts and
    windows a fifth slower."""
    value = func.coalesce(value, 0)
    name = binary_order(backend, members.c.username_key)
    ranked = (
        select(
            members.c.id.label("member_id"),
            value.label("value"),
            func.rank().over(order_by=value.desc()).label("rank"),
            func.row_number().over(order_by=(value.desc(), name)).label("position"),
            func.count().over().label("total"),
        )
        .select_from(joined)
        .subquery("ranked")
    )
    shown = _USER.alias("shown")
    is_friend = exists().where(
        _FRIENDSHIP.c.active_pair.is_not(None), Friendship.between(_ME, ranked.c.member_id)
    )
    blocked = exists().where(Block.either_way(_ME, ranked.c.member_id))
    return (
        select(
            *(shown.c[column.name] for column in _SHOWN),
            ranked.c.value,
            ranked.c.rank,
            ranked.c.position,
            ranked.c.total,
            is_friend.label("is_friend"),
            blocked.label("blocked"),
        )
        .join_from(ranked, shown, shown.c.id == ranked.c.member_id)
        .where(
            or_(ranked.c.position <= bindparam("limit", type_=Integer), ranked.c.member_id == _ME)
        )
        .order_by(ranked.c.position)
    )


def _metric(code: str) -> MetricDefinition:
    if code not in METRICS or METRICS[code].ranking is None:
        names = ", ".join(metric.code for metric in board_metrics())
        raise MetricNotOnBoards(f"'{code}' is not a board metric; boards rank by: {names}.")
    return METRICS[code]


_TOTAL = cast(Table, PracticeTotal.__table__)
_DAY = cast(Table, PracticeDay.__table__)
_LANGUAGE = cast(Table, UserLanguage.__table__)
_USER = cast(Table, User.__table__)
_FRIENDSHIP = cast(Table, Friendship.__table__)
# What a board shows of each learner on it.
_SHOWN = (
    _USER.c.id,
    _USER.c.username,
    _USER.c.display_name,
    _USER.c.avatar_image,
    _USER.c.avatar_character_color,
    _USER.c.avatar_background_color,
)
