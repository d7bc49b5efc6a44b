"""Routes for recording practice and reading streaks and the practice-day ledger."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from zeal.badges.schemas import NewBadge
from zeal.clock import local_date
from zeal.context import Context
from zeal.deps import ContextDep, CurrentUser, DatabaseDep, PlatformKey, SessionDep
from zeal.practice import freezes, goals, reading, repairs
from zeal.practice.languages import MAX_TAG_LENGTH, as_language
from zeal.practice.reading import LedgerQuery
from zeal.practice.schemas import (
    FreezeGrant,
    FreezeGranted,
    FreezeList,
    FreezeRead,
    GoalRead,
    PracticeDayList,
    PracticeDayRead,
    PracticeEventCreate,
    PracticeEventRead,
    PracticeRecorded,
    RepairOfferRead,
    RepairOffers,
    StreakList,
    StreakRead,
    StreakRepairCreate,
    StreakRepairRead,
)
from zeal.problems import refusals
from zeal.routing import Route
from zeal.schemas import IdPath, IsoDate, Schema, answer
from zeal.use_cases import settling
from zeal.use_cases.record_practice import RecordedPractice, record_practice
from zeal.use_cases.streak_repairs import StreakRepaired, repair_streak

router = APIRouter(route_class=Route, prefix="/v1", tags=["practice"])

REPLAY: dict[int | str, dict[str, Any]] = {
    200: {
        "model": PracticeRecorded,
        "description": "The idempotency key was seen before: the original result.",
    }
}


def recorded_response(recorded: RecordedPractice) -> Response:
    result = PracticeRecorded(
        event=PracticeEventRead.of(recorded.event),
        streak=StreakRead.of(recorded.streak),
        new_badges=[NewBadge.of(badge) for badge in recorded.new_badges],
        xp_earned=recorded.xp_earned,
        xp_today=recorded.xp_today,
    )
    return created_or_replayed(result, replayed=recorded.replayed)


def created_or_replayed(result: Schema, *, replayed: bool) -> Response:
    """201 with what a request made, or 200 with what the same idempotency key made before."""
    if replayed:
        return answer(result, status.HTTP_200_OK, {"Idempotent-Replayed": "true"})
    return answer(result, status.HTTP_201_CREATED)


@router.post(
    "/me/practice-events",
    status_code=status.HTTP_201_CREATED,
    response_model=PracticeRecorded,
    responses=REPLAY,
)
def record_my_practice(
    body: PracticeEventCreate, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> Response:
    """Record practice for the signed-in learner; returns that language's streak."""
    recorded = record_practice(session, ctx, user_id=user.id, practice=body.command())
    return recorded_response(recorded)


@router.get("/me/goal", response_model=GoalRead)
def my_goal(user: CurrentUser, session: SessionDep, ctx: ContextDep) -> Response:
    """Today's XP against the learner's daily goal, and the goal streak (days in a row that
    met the goal each had), with the goals on offer."""
    today = local_date(user, ctx.clock.now())
    default = ctx.settings.daily_goal_default
    progress = goals.progress(session, user.id, today, default)
    return answer(GoalRead.of(progress, ctx.settings.daily_goal_preset_list))


@router.post(
    "/users/{user_id}/practice-events",
    status_code=status.HTTP_201_CREATED,
    response_model=PracticeRecorded,
    responses={**REPLAY, **refusals(404)},
)
def record_practice_for_user(
    user_id: IdPath,
    body: PracticeEventCreate,
    key: PlatformKey,
    session: SessionDep,
    ctx: ContextDep,
) -> Response:
    """Record practice on a learner's behalf (platform servers, `X-API-Key`)."""
    recorded = record_practice(
        session, ctx, user_id=user_id, practice=body.command(), api_key_id=key.id
    )
    return recorded_response(recorded)


@router.get("/me/streaks", response_model=StreakList)
def read_my_streaks(
    user: CurrentUser, session: SessionDep, ctx: ContextDep, database: DatabaseDep
) -> Response:
    """The learner's streak in every language they practise, longest first (the streak
    freezes due spent first)."""
    today = local_date(user, ctx.clock.now())
    views = settling.own_streaks(database, session, ctx, user)
    streaks = StreakList(
        today=today,
        min_daily_seconds=ctx.settings.min_daily_seconds,
        streaks=[StreakRead.of(view) for view in views],
        xp_today=sum(view.xp_today for view in views),
    )
    return answer(streaks)


@router.get("/me/practice-days")
def read_my_practice_days(
    user: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
    database: DatabaseDep,
    language: Annotated[str | None, Query(max_length=MAX_TAG_LENGTH)] = None,
    from_: Annotated[IsoDate | None, Query(alias="from")] = None,
    to: Annotated[IsoDate | None, Query()] = None,
) -> PracticeDayList:
    """The practice-day ledger (local dates, inclusive; default: the last 30 days), with the
    days streak freezes kept."""
    query = LedgerQuery(as_language(language) if language else None, from_, to)
    today = local_date(user, ctx.clock.now())
    with settling.settled(database, session, ctx, user) as reads:
        start, end, rows = reading.list_practice_days(reads, user, today, query)
        kept = reading.kept_days(reads, user.id, start, end, query.language)
    return PracticeDayList.model_validate(
        {
            "from": start,
            "to": end,
            "days": [PracticeDayRead.of(row) for row in rows],
            "kept_days": [kept_day.__dict__ for kept_day in kept],
        }
    )


@router.get("/me/freezes", response_model=FreezeList)
def read_my_freezes(
    user: CurrentUser, session: SessionDep, ctx: ContextDep, database: DatabaseDep
) -> Response:
    """The streak freezes the learner holds and has spent, and how to earn one."""
    with settling.settled(database, session, ctx, user) as reads:
        found = freezes.list_freezes(reads, user.id)
    return answer(freeze_list(ctx, found))


def freeze_list(ctx: Context, found: freezes.Freezes) -> FreezeList:
    return FreezeList(
        held=found.held,
        cap=ctx.settings.streak_freeze_cap,
        earn_every_days=ctx.settings.streak_freeze_earn_days,
        freezes=[FreezeRead.of(view) for view in found.freezes],
    )


def granted_response(view: freezes.FreezeView, replayed: bool, held: int) -> Response:
    result = FreezeGranted(freeze=FreezeRead.of(view), held=held)
    return created_or_replayed(result, replayed=replayed)


GRANT_REPLAY: dict[int | str, dict[str, Any]] = {
    200: {"model": FreezeGranted, "description": "The idempotency key was seen before."}
}


@router.post(
    "/users/{user_id}/freezes",
    status_code=status.HTTP_201_CREATED,
    response_model=FreezeGranted,
    responses={**GRANT_REPLAY, **refusals(404, 409)},
)
def grant_freeze(
    user_id: IdPath, body: FreezeGrant, key: PlatformKey, session: SessionDep, ctx: ContextDep
) -> Response:
    """Give a learner a streak freeze (platform servers, `X-API-Key`); refused with
    `409 freeze_limit_reached` when they hold the cap already."""
    view, replayed, held = freezes.grant_to(session, ctx, user_id, body.command(key.id))
    return granted_response(view, replayed, held)


def repaired_response(done: StreakRepaired) -> Response:
    result = StreakRepairRead(
        language=done.repaired.language,
        days=list(done.repaired.days),
        streak=StreakRead.of(done.streak),
        new_badges=[NewBadge.of(badge) for badge in done.new_badges],
    )
    return created_or_replayed(result, replayed=done.repaired.replayed)


REPAIR_REPLAY: dict[int | str, dict[str, Any]] = {
    200: {"model": StreakRepairRead, "description": "The idempotency key was seen before."}
}


@router.get("/me/streak-repairs", response_model=RepairOffers)
def read_my_repair_offers(
    user: CurrentUser, session: SessionDep, ctx: ContextDep, database: DatabaseDep
) -> Response:
    """The learner's broken streaks that can still be repaired, and whether they may repair
    one themself (`ZEAL_SELF_REPAIR`)."""
    with settling.settled(database, session, ctx, user) as reads:
        found = repairs.offers(reads, ctx, user)
        again = repairs.next_self_repair(reads, ctx, user.id)
    return answer(repair_offers(ctx, found, again))


def repair_offers(ctx: Context, found: list[repairs.Offer], again: datetime | None) -> RepairOffers:
    return RepairOffers(
        self_repair=ctx.settings.self_repair,
        next_self_repair_at=again if ctx.settings.self_repair else None,
        repair_hours=ctx.settings.streak_repair_hours,
        offers=[RepairOfferRead.of(offer) for offer in found],
    )


@router.post(
    "/me/streak-repairs",
    status_code=status.HTTP_201_CREATED,
    response_model=StreakRepairRead,
    responses={**REPAIR_REPLAY, **refusals(403, 409)},
)
def repair_my_streak(
    body: StreakRepairCreate, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> Response:
    """Repair one's own broken streak, when the platform allows it (`ZEAL_SELF_REPAIR`):
    once every `ZEAL_SELF_REPAIR_DAYS`, within `ZEAL_STREAK_REPAIR_HOURS` of the break."""
    done = repair_streak(
        session, ctx, user.id, as_language(body.language), by=repairs.LEARNER,
        key_hash=body.key_hash(),
    )  # fmt: skip
    return repaired_response(done)


@router.post(
    "/users/{user_id}/streak-repairs",
    status_code=status.HTTP_201_CREATED,
    response_model=StreakRepairRead,
    responses={**REPAIR_REPLAY, **refusals(404, 409)},
)
def repair_streak_for_user(
    user_id: IdPath,
    body: StreakRepairCreate,
    key: PlatformKey,
    session: SessionDep,
    ctx: ContextDep,
) -> Response:
    """Repair a learner's broken streak (platform servers, `X-API-Key`): within
    `ZEAL_STREAK_REPAIR_HOURS` of the break, the missed days become repaired days."""
    done = repair_streak(
        session, ctx, user_id, as_language(body.language), by=repairs.PLATFORM,
        key_hash=body.key_hash(), api_key_id=key.id,
    )  # fmt: skip
    return repaired_response(done)
