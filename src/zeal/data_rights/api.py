"""Routes for the learner's data rights: a copy of their data, and deleting their account."""

from fastapi import APIRouter, Response, status

from zeal.data_rights import service
from zeal.data_rights.schemas import AccountDelete, LearnerExport
from zeal.deps import ContextDep, CurrentUser, SessionDep, SignInAttemptDep
from zeal.problems import refusals
from zeal.routing import Route

router = APIRouter(route_class=Route, prefix="/v1", tags=["data rights"])


@router.get("/me/export")
def export_my_data(
    user: CurrentUser, session: SessionDep, ctx: ContextDep, response: Response
) -> LearnerExport:
    """Everything Zeal keeps about the signed-in learner, as one JSON document."""
    now = ctx.clock.now()
    name = service.export_filename(user, now)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return LearnerExport.of(service.export(session, user), now)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, responses=refusals(403, 409))
def delete_me(
    attempt: SignInAttemptDep,
    body: AccountDelete,
    user: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
) -> Response:
    """Delete the account and all personal data, at once and for good: sessions, practice,
    streaks, badges, friendships and requests, blocks, class memberships and so every board.
    Wrong passwords count toward the sign-in limit, so a stolen session cannot guess one."""
    service.delete_account(session, ctx, attempt, user, password=body.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
