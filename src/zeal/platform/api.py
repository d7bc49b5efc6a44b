"""Routes for a platform's servers (`X-API-Key`): its learners by its own ids, and their
practice. Another platform's learners do not exist here (404, never 403)."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response, status
from pydantic import ValidationError

from zeal.accounts import platform_learners
from zeal.deps import ContextDep, PlatformKey, PlatformKeyAlone, SessionDep, database_of
from zeal.errors import ZealError
from zeal.platform import batch, service
from zeal.platform.schemas import (
    BatchResults,
    ExternalIdPath,
    LearnerToken,
    LearnerTokenCreate,
    PlatformLearnerPut,
    PlatformLearnerRead,
    PracticeBatch,
    PracticeBatchItem,
)
from zeal.practice.api import (
    GRANT_REPLAY,
    REPAIR_REPLAY,
    REPLAY,
    granted_response,
    recorded_response,
    repaired_response,
)
from zeal.practice.languages import as_language
from zeal.practice.schemas import (
    FreezeGrant,
    FreezeGranted,
    PracticeEventCreate,
    PracticeRecorded,
    StreakRepairCreate,
    StreakRepairRead,
)
from zeal.problems import refusals, validation_errors
from zeal.routing import Route
from zeal.schemas import answer

router = APIRouter(route_class=Route, prefix="/v1/platform", tags=["platform"])

_LEARNER = "/learners/{external_id}"
_CREATED: dict[int | str, dict[str, Any]] = {
    201: {"model": PlatformLearnerRead, "description": "A new learner."}
}


@router.put(
    _LEARNER,
    response_model=PlatformLearnerRead,
    responses={**_CREATED, **refusals(409)},
)
def put_learner(
    external_id: ExternalIdPath,
    body: PlatformLearnerPut,
    key: PlatformKey,
    session: SessionDep,
    ctx: ContextDep,
) -> Response:
    """Create the learner the platform knows by `external_id` (201), or change it (200): safe
    to repeat, and to send twice at once. Such learners sign in on the platform, not here."""
    put = service.put_learner(session, ctx, key.platform_id, external_id, body.fields())
    code = status.HTTP_201_CREATED if put.created else status.HTTP_200_OK
    return answer(PlatformLearnerRead.of(put.user), code)


@router.get(_LEARNER, response_model=PlatformLearnerRead, responses=refusals(404))
def get_learner(external_id: ExternalIdPath, key: PlatformKey, session: SessionDep) -> Response:
    """The platform's learner."""
    user = platform_learners.find_learner(session, key.platform_id, external_id)
    return answer(PlatformLearnerRead.of(user))


@router.delete(_LEARNER, status_code=status.HTTP_204_NO_CONTENT, responses=refusals(404, 409))
def delete_learner(
    external_id: ExternalIdPath, key: PlatformKey, session: SessionDep, ctx: ContextDep
) -> Response:
    """Erase the learner and everything Zeal keeps about them, as `DELETE /v1/me` does."""
    service.erase(session, ctx, key.platform_id, external_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    _LEARNER + "/practice-events",
    status_code=status.HTTP_201_CREATED,
    response_model=PracticeRecorded,
    responses={**REPLAY, **refusals(404)},
)
def record_practice(
    external_id: ExternalIdPath,
    body: PracticeEventCreate,
    key: PlatformKey,
    session: SessionDep,
    ctx: ContextDep,
) -> Response:
    """Record practice for the platform's learner: the same body and answers as
    `POST /v1/users/{user_id}/practice-events`."""
    recorded = service.record(
        session,
        ctx,
        platform_id=key.platform_id,
        external_id=external_id,
        practice=body.command(),
        api_key_id=key.id,
    )
    return recorded_response(recorded)


@router.post(
    _LEARNER + "/freezes",
    status_code=status.HTTP_201_CREATED,
    response_model=FreezeGranted,
    responses={**GRANT_REPLAY, **refusals(404, 409)},
)
def grant_freeze(
    external_id: ExternalIdPath,
    body: FreezeGrant,
    key: PlatformKey,
    session: SessionDep,
    ctx: ContextDep,
) -> Response:
    """Give the platform's learner a streak freeze: the same body and answers as
    `POST /v1/users/{user_id}/freezes`."""
    given = body.command(key.id)
    view, replayed, held = service.grant_freeze(session, ctx, key.platform_id, external_id, given)
    return granted_response(view, replayed, held)


@router.post(
    _LEARNER + "/streak-repairs",
    status_code=status.HTTP_201_CREATED,
    response_model=StreakRepairRead,
    responses={**REPAIR_REPLAY, **refusals(404, 409)},
)
def repair_streak(
    external_id: ExternalIdPath,
    body: StreakRepairCreate,
    key: PlatformKey,
    session: SessionDep,
    ctx: ContextDep,
) -> Response:
    """Repair the platform's learner's broken streak: the same body and answers as
    `POST /v1/users/{user_id}/streak-repairs`."""
    language = as_language(body.language)
    done = service.repair_streak(
        session, ctx, key.platform_id, external_id, language,
        key_hash=body.key_hash(), api_key_id=key.id,
    )  # fmt: skip
    return repaired_response(done)


@router.post(
    _LEARNER + "/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=LearnerToken,
    responses=refusals(404),
)
def create_learner_token(
    external_id: ExternalIdPath,
    key: PlatformKey,
    session: SessionDep,
    ctx: ContextDep,
    body: Annotated[LearnerTokenCreate | None, Body()] = None,
) -> Response:
    """A session for the learner, to hand to the platform's own web or mobile app: it signs
    the learner in on every learner route and on Zeal's pages, never on platform routes.
    Revoked by `DELETE /v1/sessions/current` (the learner) or `DELETE .../tokens` (all)."""
    lifetime = timedelta(seconds=(body or LearnerTokenCreate()).ttl_seconds)
    token, row = service.open_learner_session(session, ctx, key.platform_id, external_id, lifetime)
    return answer(LearnerToken(token=token, expires_at=row.expires_at), status.HTTP_201_CREATED)


@router.delete(
    _LEARNER + "/tokens", status_code=status.HTTP_204_NO_CONTENT, responses=refusals(404)
)
def delete_learner_tokens(
    external_id: ExternalIdPath, key: PlatformKey, session: SessionDep, ctx: ContextDep
) -> Response:
    """Sign the learner out everywhere: every session of theirs stops working at once."""
    service.sign_out_everywhere(session, ctx, key.platform_id, external_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


BATCH_PATH = "/v1/platform/practice-events/batch"


@router.post(BATCH_PATH.removeprefix("/v1/platform"), response_model=BatchResults)
def record_batch(
    body: PracticeBatch, key: PlatformKeyAlone, request: Request, ctx: ContextDep
) -> Response:
    """Up to 1,000 practice events for the platform's learners, to backfill history or catch
    up after an outage: each item gets its own result, in order (201 recorded, 200 replayed,
    or a refusal with its code); a bad item never fails or rolls back the others, and a batch
    sent again with the same idempotency keys counts nothing twice. Events that only add to
    counters are recorded together, the others one by one, each in a transaction of its own,
    so the answer can hold recorded events beside refused ones."""
    items = [_batch_item(raw) for raw in body.events]
    results = batch.record_batch(
        database_of(request), ctx, platform_id=key.platform_id, api_key_id=key.id, items=items
    )
    return answer(BatchResults.of(results))


def _batch_item(raw: dict[str, Any]) -> batch.BatchItem | batch.ItemResult:
    try:
        item = PracticeBatchItem.model_validate(raw)
        external_id = platform_learners.check_external_id(item.external_id)
    except ValidationError as invalid:
        errors, summary = validation_errors(invalid.errors())
        return batch.ItemResult(422, code="validation_error", detail=summary, errors=errors)
    except ZealError as refused:
        return batch.refusal(refused)
    return batch.BatchItem(external_id, item.command())
