"""Routes for reading badges and marking new ones seen."""

from typing import Annotated

from fastapi import APIRouter, Body, Response

from zeal.badges import service as badges_service
from zeal.badges.schemas import (
    AchievedBadge,
    AchievedBadges,
    MetricRead,
    MyBadges,
    SeenRequest,
    SeenResult,
    UnseenCount,
)
from zeal.deps import ContextDep, CurrentUser, SessionDep
from zeal.friends.visibility import visible_learner
from zeal.problems import refusals
from zeal.routing import Route
from zeal.schemas import UsernamePath, answer

router = APIRouter(route_class=Route, prefix="/v1", tags=["badges"])


@router.get("/me/badges", response_model=MyBadges)
def read_my_badges(user: CurrentUser, session: SessionDep, ctx: ContextDep) -> Response:
    """Every metric with your value, its badges (hidden ones once achieved) and the next one."""
    page = badges_service.board(session, ctx, user)
    mine = MyBadges(
        unseen=page.unseen, metrics=[MetricRead.of(progress) for progress in page.metrics]
    )
    return answer(mine)


@router.get("/me/badges/unseen-count", response_model=UnseenCount)
def count_unseen_badges(user: CurrentUser, session: SessionDep) -> Response:
    """How many badges you achieved and have not looked at yet."""
    return answer(UnseenCount(unseen=badges_service.unseen_count(session, user.id)))


@router.post("/me/badges/seen")
def mark_badges_seen(
    user: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
    body: Annotated[SeenRequest | None, Body()] = None,
) -> SeenResult:
    """Mark new badges seen: all of them, or the `badge_ids` given."""
    ids = body.badge_ids if body is not None else None
    marked = badges_service.mark_seen(session, ctx, user.id, ids)
    return SeenResult(marked=marked, unseen=badges_service.unseen_count(session, user.id))


@router.get("/users/{username}/badges", responses=refusals(404))
def read_learner_badges(
    username: UsernamePath, user: CurrentUser, session: SessionDep
) -> AchievedBadges:
    """Badges a learner achieved, newest first (no progress values)."""
    learner = visible_learner(session, user, username)
    return AchievedBadges(
        badges=[AchievedBadge.of(*row) for row in badges_service.achieved(session, learner.id)]
    )
