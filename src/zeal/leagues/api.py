"""Routes for the learner's weekly league."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from zeal.deps import ContextDep, CurrentUser, SessionDep
from zeal.leagues import service
from zeal.leagues.schemas import LeagueHistory, LeagueRead, PastWeekRead
from zeal.routing import Route
from zeal.schemas import answer

router = APIRouter(route_class=Route, prefix="/v1", tags=["leagues"])


@router.get("/me/leagues", response_model=LeagueRead)
def my_league(user: CurrentUser, session: SessionDep, ctx: ContextDep) -> Response:
    """This week's group ranked by XP, with the zones that move up and down, the week's end
    (UTC, and on the learner's clock), and how last week ended."""
    league = service.league(session, ctx, user)
    return answer(LeagueRead.of(league, user, ctx.clock.now()))


@router.get("/me/leagues/history", response_model=LeagueHistory)
def my_league_history(
    user: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
    limit: Annotated[int, Query(ge=1, le=260)] = 52,
) -> Response:
    """The learner's league weeks that ended, newest first: tier, rank, XP and outcome."""
    weeks = service.history(session, ctx, user.id, limit=limit)
    return answer(LeagueHistory(weeks=[PastWeekRead.of(week) for week in weeks]))
