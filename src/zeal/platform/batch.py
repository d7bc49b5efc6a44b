"""A batch of practice events for a platform's learners: each item its own result, in order.

A platform backfills history or catches up after an outage with one request instead of
thousands. Items are checked one by one (a bad one is refused alone), then recorded in
rounds, each learner's in order: every learner's leading everyday events (those that only add
to counters: `zeal.use_cases.practice_batch`) in one transaction for all, set-based; then
each learner's next events that are not everyday through `record_practice`, in a transaction
for the learner, as single events; then the next round, with what is left. One learner's
refusal or failure never rolls back another's events.

The everyday transaction locks its learners first, in id order, and writes only their rows,
so it cannot deadlock with another batch or with single events (each locks its learner
first). Every refusal of `record_practice` comes before it writes anything, so a refused item
leaves its learner's transaction as it was. Replaying a batch with the same idempotency keys
counts nothing twice."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.accounts.platform_learners import learner_not_found
from zeal.context import Context
from zeal.db import Database, among
from zeal.errors import ZealError
from zeal.practice.recording import Practice
from zeal.use_cases import practice_batch
from zeal.use_cases.practice_batch import Group
from zeal.use_cases.record_practice import record_practice

log = logging.getLogger(__name__)

MAX_BATCH = 1_000


@dataclass(frozen=True)
class BatchItem:
    """An item that passed its shape checks: whose practice, and what."""

    external_id: str
    practice: Practice


@dataclass
class ItemResult:
    status: int
    event_id: int | None = None
    code: str | None = None
    detail: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)


def record_batch(
    database: Database,
    ctx: Context,
    *,
    platform_id: int,
    api_key_id: int,
    items: Sequence[BatchItem | ItemResult],
) -> list[ItemResult]:
    """Record `items` (those already refused by their shape come as their result) and return
    every item's result in the order given."""
    results: list[ItemResult | None] = [i if isinstance(i, ItemResult) else None for i in items]
    by_learner: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        if isinstance(item, BatchItem):
            by_learner.setdefault(item.external_id, []).append(index)
    learners = _learner_ids(database, platform_id, list(by_learner))
    groups: dict[int, Group] = {}
    for external_id, indexes in by_learner.items():
        user_id = learners.get(external_id)
        if user_id is None:
            refused = learner_not_found(external_id)
            for index in indexes:
                results[index] = refusal(refused)
            continue
        groups[user_id] = [(index, cast(BatchItem, items[index]).practice) for index in indexes]
    while groups:  # rounds: the everyday events together, then the others learner by learner
        split = _record_everyday(database, ctx, groups, api_key_id, results)
        if split is None:  # not together, then: one by one
            now, groups = groups, {}
        else:
            now = {user_id: group for user_id, (group, _) in split.items()}
            groups = {user_id: later for user_id, (_, later) in split.items() if later}
        for user_id, group in now.items():
            for index, result in _record_group(database, ctx, user_id, api_key_id, group):
                results[index] = result
    return [result for result in results if result is not None]


_USER = cast(Table, User.__table__)
_LEARNERS = select(_USER.c.external_id, _USER.c.id).where(
    _USER.c.platform_id == bindparam("platform_id"), among(_USER.c.external_id, "external_ids")
)


def _learner_ids(database: Database, platform_id: int, external_ids: list[str]) -> dict[str, int]:
    if not external_ids:
        return {}
    with database.transaction(write=False) as session:
        rows = session.execute(
            _LEARNERS, {"platform_id": platform_id, "external_ids": external_ids}
        )
        return {external_id: user_id for external_id, user_id in rows}


def _record_everyday(
    database: Database,
    ctx: Context,
    groups: dict[int, Group],
    api_key_id: int,
    results: list[ItemResult | None],
) -> dict[int, tuple[Group, Group]] | None:
    """Each learner's leading everyday events in one transaction (their results, once
    committed); each learner's events left, those to record one by one now and those for the
    next round. None when that transaction failed: all of them are left."""
    try:
        with database.transaction() as session:
            outcomes, rest = practice_batch.record_everyday(
                session, ctx, groups, api_key_id=api_key_id
            )
    except Exception:
        log.exception("a batch's everyday events failed together; one by one now")
        return None
    for index, outcome in outcomes.items():
        if outcome.refused is not None:
            results[index] = refusal(outcome.refused)
        else:
            results[index] = ItemResult(200 if outcome.replayed else 201, outcome.event_id)
    return rest


def _record_group(
    database: Database,
    ctx: Context,
    user_id: int,
    api_key_id: int,
    group: list[tuple[int, Practice]],
) -> list[tuple[int, ItemResult]]:
    """One learner's items in one transaction; should it fail for a reason no refusal names,
    each item again in a transaction of its own, so only the one at fault fails."""
    try:
        with database.transaction() as session:
            return [(i, _record(session, ctx, user_id, api_key_id, p)) for i, p in group]
    except Exception:
        log.exception("a batch's events for learner %s failed together; one by one now", user_id)
    results = []
    for index, practice in group:
        try:
            with database.transaction() as session:
                results.append((index, _record(session, ctx, user_id, api_key_id, practice)))
        except Exception:
            log.exception("a batch's event for learner %s failed", user_id)
            results.append((index, ItemResult(500, code="internal_error", detail="Not recorded.")))
    return results


def _record(
    session: Session, ctx: Context, user_id: int, api_key_id: int, practice: Practice
) -> ItemResult:
    try:
        recorded = record_practice(
            session, ctx, user_id=user_id, practice=practice, api_key_id=api_key_id
        )
    except ZealError as refused:
        return refusal(refused)
    return ItemResult(200 if recorded.replayed else 201, event_id=recorded.event.id)


def refusal(refused: ZealError) -> ItemResult:
    """An item's result for a refusal, as its problem would say it."""
    return ItemResult(refused.status, code=refused.code, detail=refused.detail)
