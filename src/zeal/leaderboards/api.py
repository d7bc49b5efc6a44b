"""Routes for the friends board and cohort boards."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from zeal.deps import ContextDep, CurrentUser, SessionDep
from zeal.leaderboards import service as boards_service
from zeal.leaderboards.progress import SORT_PATTERN, class_progress
from zeal.leaderboards.schemas import BoardMetricCode, ClassProgressRead, Leaderboard
from zeal.leaderboards.service import BoardRequest
from zeal.practice.languages import MAX_TAG_LENGTH, as_language
from zeal.problems import refusals
from zeal.routing import Route
from zeal.schemas import IdPath, IsoDate, answer

router = APIRouter(route_class=Route, prefix="/v1", tags=["leaderboards"])


# Async, as it does no I/O: a plain `def` dependency would cost a trip to the threadpool.
async def board_request(
    metric: Annotated[BoardMetricCode, Query()],
    period: Annotated[str | None, Query(description="week (default), month or all")] = None,
    from_: Annotated[IsoDate | None, Query(alias="from")] = None,
    to: Annotated[IsoDate | None, Query()] = None,
    language: Annotated[str | None, Query(max_length=MAX_TAG_LENGTH)] = None,
    limit: Annotated[int, Query(ge=1, le=boards_service.MAX_LIMIT)] = 50,
) -> BoardRequest:
    return BoardRequest(
        metric=metric,
        period=period,
        start=from_,
        end=to,
        language=as_language(language) if language else None,
        limit=limit,
    )


BoardQuery = Annotated[BoardRequest, Depends(board_request)]


@router.get("/leaderboards/friends", response_model=Leaderboard)
def friends_leaderboard(
    request: BoardQuery, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> Response:
    """You and your friends (as of the end of the period), ranked by a metric."""
    return answer(Leaderboard.of(boards_service.friends_board(session, ctx, user, request)))


@router.get(
    "/cohorts/{cohort_id}/leaderboard", response_model=Leaderboard, responses=refusals(403, 404)
)
def cohort_leaderboard(
    cohort_id: IdPath,
    request: BoardQuery,
    user: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
) -> Response:
    """A class's students ranked by a metric (members only, when the teacher turned it on)."""
    board = boards_service.cohort_board(session, ctx, user, cohort_id, request)
    return answer(Leaderboard.of(board))


@router.get(
    "/cohorts/{cohort_id}/progress",
    response_model=ClassProgressRead,
    responses=refusals(403, 404),
)
def cohort_progress(
    cohort_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
    sort: Annotated[
        str,
        Query(
            pattern=SORT_PATTERN,
            description="name (default), streak, last_practice, minutes, correct_exercises or "
            "badges; '-' first for the other way round (e.g. -minutes: most first).",
        ),
    ] = "name",
) -> Response:
    """Teachers only, whether or not the class board is on: each current student's streaks,
    last practice day, and this week's minutes, correct exercises and badges; students with
    no practice for 3 days or more are flagged `lapsed`."""
    progress = class_progress(session, ctx, user, cohort_id, sort)
    return answer(ClassProgressRead.of(progress))
