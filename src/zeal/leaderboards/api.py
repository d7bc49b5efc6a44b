"""Routes for the friends board and cohort boards."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from zeal.deps import ContextDep, CurrentUser, SessionDep
from zeal.leaderboards import service as boards_service
from zeal.leaderboards.schemas import BoardMetricCode, Leaderboard
from zeal.leaderboards.service import BoardRequest
from zeal.problems import refusals
from zeal.schemas import IdPath

router = APIRouter(prefix="/v1", tags=["leaderboards"])


def board_request(
    metric: Annotated[BoardMetricCode, Query()],
    period: Annotated[str | None, Query(description="week (default), month or all")] = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Annotated[date | None, Query()] = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    limit: Annotated[int, Query(ge=1, le=boards_service.MAX_LIMIT)] = 50,
) -> BoardRequest:
    return BoardRequest(
        metric=metric,
        period=period,
        start=from_,
        end=to,
        language=language.lower() if language else None,
        limit=limit,
    )


BoardQuery = Annotated[BoardRequest, Depends(board_request)]


@router.get("/leaderboards/friends")
def friends_leaderboard(
    request: BoardQuery, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> Leaderboard:
    """You and your friends (as of the end of the period), ranked by a metric."""
    return Leaderboard.of(boards_service.friends_board(session, ctx, user, request))


@router.get("/cohorts/{cohort_id}/leaderboard", responses=refusals(403, 404))
def cohort_leaderboard(
    cohort_id: IdPath,
    request: BoardQuery,
    user: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
) -> Leaderboard:
    """A class's students ranked by a metric (members only, when the teacher turned it on)."""
    return Leaderboard.of(boards_service.cohort_board(session, ctx, user, cohort_id, request))
