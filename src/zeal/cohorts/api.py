"""Routes for cohorts: create, join, read, change, teachers and members."""

from fastapi import APIRouter, Response, status

from zeal.accounts.schemas import PublicUser
from zeal.cohorts import service as cohorts_service
from zeal.cohorts.models import Role
from zeal.cohorts.schemas import (
    CohortCreate,
    CohortList,
    CohortRead,
    CohortSummary,
    CohortUpdate,
    JoinRequest,
    TeacherAdd,
)
from zeal.deps import ContextDep, CurrentUser, SessionDep
from zeal.problems import refusals
from zeal.routing import Route
from zeal.schemas import IdPath, UsernamePath

router = APIRouter(route_class=Route, prefix="/v1", tags=["cohorts"])


def _read(session: SessionDep, user: CurrentUser, cohort_id: int) -> CohortRead:
    roster = cohorts_service.roster(session, user, cohort_id)
    cohort = roster.cohort
    return CohortRead(
        id=cohort.id,
        name=cohort.name,
        role=roster.role,
        has_leaderboard=cohort.has_leaderboard,
        leaderboard_names=cohort.leaderboard_names,
        invite_code=cohort.invite_code if roster.role == Role.TEACHER else None,
        teachers=[PublicUser.of(u) for u in roster.teachers],
        students=[PublicUser.of(u) for u in roster.students],
    )


@router.post("/cohorts", status_code=status.HTTP_201_CREATED)
def create_cohort(
    body: CohortCreate, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> CohortRead:
    """Start a class; you are its teacher, and it comes with an invite code."""
    cohort = cohorts_service.create_cohort(
        session, ctx, user, name=body.name, has_leaderboard=body.has_leaderboard
    )
    return _read(session, user, cohort.id)


@router.post("/cohorts/join", status_code=status.HTTP_201_CREATED, responses=refusals(404, 409))
def join_cohort(
    body: JoinRequest, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> CohortRead:
    """Join a class as a student with the invite code your teacher gave you."""
    cohort = cohorts_service.join_cohort(session, ctx, user, invite_code=body.invite_code)
    return _read(session, user, cohort.id)


@router.get("/me/cohorts")
def list_my_cohorts(user: CurrentUser, session: SessionDep) -> CohortList:
    """The classes you teach or attend."""
    return CohortList(
        cohorts=[
            CohortSummary.of(cohort, Role(member.role), member.joined_at)
            for cohort, member in cohorts_service.my_cohorts(session, user)
        ]
    )


@router.get("/cohorts/{cohort_id}", responses=refusals(404))
def read_cohort(cohort_id: IdPath, user: CurrentUser, session: SessionDep) -> CohortRead:
    """A class you belong to: its teachers and students."""
    return _read(session, user, cohort_id)


@router.patch("/cohorts/{cohort_id}", responses=refusals(403, 404))
def update_cohort(
    cohort_id: IdPath, body: CohortUpdate, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> CohortRead:
    """Teachers: rename, turn the board on or off, anonymous names, a new invite code."""
    cohorts_service.update_cohort(
        session,
        ctx,
        user,
        cohort_id,
        name=body.name,
        has_leaderboard=body.has_leaderboard,
        leaderboard_names=body.leaderboard_names,
        regenerate_invite_code=body.regenerate_invite_code,
    )
    return _read(session, user, cohort_id)


@router.post(
    "/cohorts/{cohort_id}/teachers",
    status_code=status.HTTP_201_CREATED,
    responses=refusals(403, 404, 409),
)
def add_teacher(
    cohort_id: IdPath, body: TeacherAdd, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> CohortRead:
    """Teachers: make another learner a teacher of the class."""
    cohorts_service.add_teacher(session, ctx, user, cohort_id, username=body.username)
    return _read(session, user, cohort_id)


@router.delete(
    "/cohorts/{cohort_id}/members/{username}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=refusals(403, 404, 409),
)
def remove_member(
    cohort_id: IdPath,
    username: UsernamePath,
    user: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
) -> Response:
    """A teacher removes a member, or you leave (your own username)."""
    cohorts_service.remove_member(session, ctx, user, cohort_id, username=username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
