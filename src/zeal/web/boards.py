"""Leaderboards: friends and each class, with metric and period selectors."""

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from zeal.clock import local_date
from zeal.cohorts import service as cohorts_service
from zeal.leaderboards import service as boards_service
from zeal.leaderboards.schemas import BoardMetricCode, Leaderboard
from zeal.leaderboards.service import BoardRequest, board_metrics
from zeal.practice.metrics import Ranking
from zeal.routing import Route
from zeal.web.pages import LearnerDep, Web

router = APIRouter(route_class=Route)

Period = Literal["week", "last-week", "month", "all"]
PERIODS: dict[str, str] = {
    "week": "This week",
    "last-week": "Last week",
    "month": "This month",
    "all": "All time",
}


# A streak is counted on each learner's today: the period control means nothing for it.
IGNORES_PERIOD = frozenset(m.code for m in board_metrics() if m.ranking is Ranking.STREAK)


def _request(web: Web, metric: str, period: Period) -> BoardRequest:
    if period == "last-week":
        today = local_date(web.me, web.ctx.clock.now())
        monday = today - timedelta(days=today.weekday(), weeks=1)
        return BoardRequest(metric=metric, start=monday, end=monday + timedelta(days=6))
    return BoardRequest(metric=metric, period=period)


@router.get("/boards")
def boards_page(
    web: LearnerDep,
    board: Annotated[str, Query(max_length=12, pattern=r"^(friends|\d{1,9})$")] = "friends",
    metric: Annotated[BoardMetricCode, Query()] = "correct_exercises",
    period: Period = "week",
) -> Response:
    classes = [
        cohort
        for cohort, _ in cohorts_service.my_cohorts(web.session, web.me)
        if cohort.has_leaderboard
    ]
    request = _request(web, metric, period)
    if board == "friends":
        result = boards_service.friends_board(web.session, web.ctx, web.me, request)
        title = "You and your friends"
    else:
        result = boards_service.cohort_board(web.session, web.ctx, web.me, int(board), request)
        title = next((c.name for c in classes if c.id == int(board)), "Class")
    return web.render(
        "boards.html",
        classes=classes,
        board=board,
        title=title,
        metric=metric,
        period=period,
        metrics={m.code: m.label for m in board_metrics()},
        periods=PERIODS,
        ignores_period=IGNORES_PERIOD,
        leaderboard=Leaderboard.of(result),
    )
