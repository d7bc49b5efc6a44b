"""Streak freezes: held, earned, granted, spent on a missed day, given back.

A learner holds at most `streak_freeze_cap` freezes. One is earned each time a language's
streak reaches a multiple of `streak_freeze_earn_days`, or granted by the platform. When a day
ends that a streak (>= 1) neither practised nor kept, a freeze held at that day's end is spent
on it: the day becomes a *kept day* of that language, which joins the run without lengthening
it. Several streaks at risk on one day take freezes longest first, then by language code.

Spending is lazy and exact: `settle` spends what is due whenever it runs (an event, a
sign-in, a read of one's own streaks, the worker), under the learner's row lock, and the plan
depends only on the streaks and on when each freeze was first held, so it gives the same
result whenever it runs, and never spends twice for one day (the unique `(user, language,
day)` is the last word). A late event that makes a kept day a streak day gives its freeze
back (voided when the learner already holds the cap).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Integer, Table, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from zeal.accounts.errors import UserNotFound
from zeal.accounts.queries import lock_learner
from zeal.clock import HasTimezone, local_date
from zeal.context import Context
from zeal.practice import errors
from zeal.practice.daily_streaks import LanguageStreak, reset_lapsed_streaks, streak_of_row
from zeal.practice.models import StreakFreeze, UserLanguage
from zeal.practice.reading import needs_settling, run_ended
from zeal.practice.streaks import ONE_DAY
from zeal.webhooks.outbox import EventType, emit, message_id_for

EARNED, GRANTED = "earned", "granted"
_FREEZE = cast(Table, StreakFreeze.__table__)
_LANGUAGE = cast(Table, UserLanguage.__table__)


class Someone(HasTimezone, Protocol):
    """A learner as any path has them (a `User`, a `Learner`): an id and a time zone."""

    @property
    def id(self) -> int: ...


@dataclass(frozen=True)
class Held:
    """A freeze the learner holds, and the first of their local days it was held at the end
    of (it can keep that day or a later one, never an earlier one)."""

    id: int
    usable_from: date


@dataclass(frozen=True)
class Spend:
    freeze_id: int
    language: str
    day: date


def plan(streaks: Iterable[LanguageStreak], held: Sequence[Held], today: date) -> list[Spend]:
    """The freezes due, day by day from the earliest day missed to yesterday: each streak
    alive through the day before takes the oldest freeze held at the end of the day, the
    longest streak first (then by language code); a streak no freeze covers ends there."""
    through: dict[str, date] = {}
    lengths: dict[str, int] = {}
    for s in streaks:
        if run_ended(s, today):
            assert s.alive_through is not None
            through[s.language], lengths[s.language] = s.alive_through, s.daily_streak
    pool = sorted(held, key=lambda h: (h.usable_from, h.id))
    if not through or not pool:
        return []
    spends: list[Spend] = []
    day = max(min(through.values()) + ONE_DAY, pool[0].usable_from)
    while day < today and pool:
        at_risk = [language for language, last in through.items() if last == day - ONE_DAY]
        for language in sorted(at_risk, key=lambda code: (-lengths[code], code)):
            usable = next((h for h in pool if h.usable_from <= day), None)
            if usable is None:
                break
            pool.remove(usable)
            spends.append(Spend(usable.id, language, day))
            through[language] = day
        day += ONE_DAY
    return spends


def settle(session: Session, ctx: Context, user: Someone, today: date) -> bool:
    """Spend the freezes due and store 0 for the streaks that ended; the learner's row must
    be locked. False when nothing was due (one statement)."""
    user_id = user.id
    rows = session.execute(_STREAKS, {"user_id": user_id}).all()
    streaks = [streak_of_row(row) for row in rows]
    if not needs_settling(streaks, today):
        return False
    held = [Held(row.id, local_date(user, row.created_at)) for row in _held(session, user_id)]
    spends = plan(streaks, held, today)
    if spends:
        _spend(session, ctx, user_id, spends)
        lengths = {s.language: s.daily_streak for s in streaks}
        _announce(session, ctx, user_id, spends, lengths, len(held) - len(spends))
    reset_lapsed_streaks(session, user_id, today)
    return True


def _spend(session: Session, ctx: Context, user_id: int, spends: list[Spend]) -> None:
    now = ctx.clock.now()
    session.execute(
        _SPEND,
        [
            {"b_id": s.freeze_id, "b_language": s.language, "b_day": s.day, "b_at": now}
            for s in spends
        ],
    )
    kept = {s.language: s.day for s in spends}  # in day order: the last one wins
    session.execute(
        _KEEP_THROUGH,
        [{"b_user_id": user_id, "b_language": code, "b_day": day} for code, day in kept.items()],
    )


def _announce(
    session: Session,
    ctx: Context,
    user_id: int,
    spends: list[Spend],
    lengths: dict[str, int],
    held_now: int,
) -> None:
    """`streak.frozen` for each kept day (a platform tells its learner a freeze was used),
    with an id made from the day, so it is written once however it was settled."""
    for spend in spends:
        data = {
            "language": spend.language,
            "streak": lengths[spend.language],
            "day": spend.day.isoformat(),
            "freezes_held": held_now,
        }
        kind = EventType.STREAK_FROZEN
        emit(
            session,
            ctx.clock.now(),
            learner_id=user_id,
            event_type=kind,
            data=data,
            message_id=message_id_for(kind, user_id, spend.language, spend.day),
        )


_STREAKS = select(_LANGUAGE).where(_LANGUAGE.c.user_id == bindparam("user_id"))
_SPEND = (
    update(_FREEZE)
    .where(_FREEZE.c.id == bindparam("b_id"))
    .values(language=bindparam("b_language"), day=bindparam("b_day"), spent_at=bindparam("b_at"))
)
_KEEP_THROUGH = (
    update(_LANGUAGE)
    .where(
        _LANGUAGE.c.user_id == bindparam("b_user_id"),
        _LANGUAGE.c.language == bindparam("b_language"),
    )
    .values(kept_through=bindparam("b_day"))
)


def _held(session: Session, user_id: int) -> Sequence[Any]:
    return session.execute(_HELD, {"user_id": user_id}).all()


# Built once: settling runs it for every learner back after a day without practice.
_HELD = (
    select(_FREEZE.c.id, _FREEZE.c.created_at)
    .where(_FREEZE.c.user_id == bindparam("user_id", type_=Integer), _FREEZE.c.day.is_(None))
    .order_by(_FREEZE.c.created_at, _FREEZE.c.id)
)


def held_count(session: Session, user_id: int) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(_FREEZE)
        .where(_FREEZE.c.user_id == user_id, _FREEZE.c.day.is_(None))
    )
    return int(count or 0)


def earn(
    session: Session, ctx: Context, user_id: int, before: LanguageStreak, after: LanguageStreak
) -> int:
    """A streak grew from `before` to `after`: one freeze for each multiple of the earning
    length it reached, up to the cap; how many were earned. The learner's row is locked."""
    every = ctx.settings.streak_freeze_earn_days
    reached = after.daily_streak // every - before.daily_streak // every
    if reached <= 0:
        return 0
    earned = min(reached, ctx.settings.streak_freeze_cap - held_count(session, user_id))
    if earned <= 0:
        return 0
    row = {
        "user_id": user_id,
        "source": EARNED,
        "earned_language": after.language,
        "earned_streak": after.daily_streak,
        "created_at": ctx.clock.now(),
    }
    session.execute(insert(_FREEZE), [row] * earned)
    return earned


def give_back(session: Session, ctx: Context, user_id: int, language: str, day: date) -> bool:
    """`day` became a streak day: a freeze that kept it is held again (voided when the
    learner already holds the cap). Whether one had kept it."""
    kept = and_(_FREEZE.c.user_id == user_id, _FREEZE.c.language == language, _FREEZE.c.day == day)
    returned = session.execute(
        update(_FREEZE).where(kept).values(language=None, day=None, spent_at=None)
    )
    if not returned.rowcount:  # type: ignore[attr-defined]
        return False  # the usual case: one statement
    if held_count(session, user_id) > ctx.settings.streak_freeze_cap:
        session.execute(delete(_FREEZE).where(_FREEZE.c.id == _newest_held(session, user_id)))
    return True


def _newest_held(session: Session, user_id: int) -> int:
    found = session.scalar(
        select(_FREEZE.c.id)
        .where(_FREEZE.c.user_id == user_id, _FREEZE.c.day.is_(None))
        .order_by(_FREEZE.c.created_at.desc(), _FREEZE.c.id.desc())
        .limit(1)
    )
    assert found is not None
    return int(found)


@dataclass(frozen=True)
class Grant:
    """A freeze the platform gives a learner."""

    reason: str
    idempotency_key_hash: str | None = None
    api_key_id: int | None = None


@dataclass(frozen=True)
class FreezeView:
    """A freeze as the learner and the platform see it."""

    id: int
    source: str
    reason: str | None
    earned_language: str | None
    earned_streak: int | None
    created_at: datetime
    language: str | None  # where it was spent (None: held)
    day: date | None
    spent_at: datetime | None


@dataclass(frozen=True)
class Freezes:
    held: int
    freezes: list[FreezeView]  # held ones first, then the spent ones, latest day first


_VIEW_COLUMNS = [_FREEZE.c[name] for name in FreezeView.__dataclass_fields__]


def list_freezes(session: Session, user_id: int, limit: int = 50) -> Freezes:
    rows = session.execute(
        select(*_VIEW_COLUMNS)
        .where(_FREEZE.c.user_id == user_id)
        .order_by(_FREEZE.c.day.is_not(None), _FREEZE.c.day.desc(), _FREEZE.c.id.desc())
        .limit(limit)
    ).all()
    views = [FreezeView(**row._mapping) for row in rows]
    # Held ones come first and number at most the cap (<= 10, a setting's bound): all listed.
    return Freezes(sum(view.day is None for view in views), views)


def grant(
    session: Session, ctx: Context, user_id: int, given: Grant
) -> tuple[FreezeView, bool, int]:
    """Give the learner a freeze (the learner's row locked): the freeze, whether this was a
    retry of a grant already made with the same idempotency key, and how many the learner
    holds now. Refused at the cap."""
    if given.idempotency_key_hash is not None:
        earlier = session.execute(
            select(*_VIEW_COLUMNS).where(
                _FREEZE.c.user_id == user_id,
                _FREEZE.c.idempotency_key_hash == given.idempotency_key_hash,
            )
        ).first()
        if earlier is not None:
            if earlier.reason != given.reason:
                raise errors.IdempotencyKeyReused(
                    "This idempotency key was already used to grant a freeze for another reason."
                )
            return FreezeView(**earlier._mapping), True, held_count(session, user_id)
    cap, held = ctx.settings.streak_freeze_cap, held_count(session, user_id)
    if held >= cap:
        raise errors.FreezeLimitReached(
            f"The learner already holds {cap} streak freezes, as many as they may."
        )
    now = ctx.clock.now()
    values = {
        "user_id": user_id,
        "source": GRANTED,
        "reason": given.reason,
        "idempotency_key_hash": given.idempotency_key_hash,
        "api_key_id": given.api_key_id,
        "created_at": now,
    }
    freeze_id = session.execute(insert(_FREEZE).returning(_FREEZE.c.id), values).scalar_one()
    view = FreezeView(freeze_id, GRANTED, given.reason, None, None, now, None, None, None)
    return view, False, held + 1


def grant_to(
    session: Session, ctx: Context, user_id: int, given: Grant
) -> tuple[FreezeView, bool, int]:
    """`grant` with the learner's row locked: the freeze, whether it was a retry, and how
    many the learner holds now."""
    if lock_learner(session, user_id) is None:
        raise UserNotFound(f"No learner has id {user_id}.")
    return grant(session, ctx, user_id, given)
