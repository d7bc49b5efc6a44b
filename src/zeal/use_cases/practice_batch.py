"""Recording a batch's practice events: the everyday ones together, the rest one by one.

An event is *everyday* when, given everything booked before it, it only adds to counters: its
language-day is kept and already counts for the streak (so no streak, practice date or friend
streak moves), it is within the per-minute cap, it reaches no badge, sets no gauge anew and
does not complete the daily goal (so nothing is awarded, celebrated or announced). Those are
booked set-based (`practice.everyday`); a replay of a kept key is answered from the lookup.
A learner's events are taken in order, and from the first that is not everyday on, the rest
of that learner's events go through `record_practice` one by one, so every event sees exactly
what sending them one after the other would have shown it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from zeal.accounts.queries import Learner, lock_learners
from zeal.badges import service as badges
from zeal.clock import local_date, local_datetime
from zeal.context import Context
from zeal.errors import ZealError
from zeal.leagues import placement as leagues
from zeal.practice import everyday, recording
from zeal.practice.models import SECONDS_COLUMNS
from zeal.practice.reading import needs_settling, streak_view
from zeal.practice.recording import Practice
from zeal.use_cases.record_practice import result_json

Group = list[tuple[int, Practice]]  # one learner's events, with their places in the batch


@dataclass(frozen=True)
class Outcome:
    """An event's answer: kept (201), replayed (200) or refused."""

    event_id: int | None = None
    replayed: bool = False
    refused: ZealError | None = None


@dataclass(frozen=True)
class _Item:
    place: int
    practice: Practice
    occurred_at: datetime
    day: date
    key_hash: str | None  # `recording.idempotency_key_hash`
    asked: int  # its place among the lookups


@dataclass
class _Batch:
    """What the loop over a batch's events knows and has decided so far."""

    ctx: Context
    known: everyday.Known
    values: badges.Values
    api_key_id: int | None
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    booked: list[everyday.Everyday] = field(default_factory=list)
    booked_places: list[int] = field(default_factory=list)
    counters: dict[tuple[int, str], int] = field(default_factory=dict)
    todays: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # days kept today
    in_minute: dict[tuple[int, datetime], int] = field(default_factory=dict)
    keys: set[tuple[int, str]] = field(default_factory=set)
    unsettled: dict[int, bool] = field(default_factory=dict)  # by learner, once worked out


def record_everyday(
    session: Session, ctx: Context, groups: dict[int, Group], *, api_key_id: int | None
) -> tuple[dict[int, Outcome], dict[int, tuple[Group, Group]]]:
    """Record each learner's leading everyday events (and answer the replays and refusals
    among them); their outcomes by place, and each learner's events from the first that is
    not everyday on, in two: those to record through `record_practice` now, and those to
    try again as everyday events after them (see `_not_everyday`)."""
    learners = {learner.id: learner for learner in lock_learners(session, groups)}
    rest: dict[int, tuple[Group, Group]] = {
        user_id: (group, []) for user_id, group in groups.items() if user_id not in learners
    }
    outcomes: dict[int, Outcome] = {}
    now = ctx.clock.now()
    todays = {user_id: local_date(learner, now) for user_id, learner in learners.items()}
    items, asked, dates = _prepared(ctx, learners, groups, outcomes)
    known = everyday.read(session, learners, {*dates, *todays.values()}, asked)
    batch = _Batch(ctx, known, badges.values_of(session, learners), api_key_id, outcomes)
    for (user_id, _, day), values in known.days.items():
        if day == todays[user_id]:
            batch.todays.setdefault(user_id, []).append(values)
    for user_id, learner in learners.items():
        mine, today = items[user_id], todays[user_id]
        for position, item in enumerate(mine):
            if not _take(batch, learner, today, item):
                left = [(later.place, later.practice) for later in mine[position:]]
                now_too = _not_everyday(batch.known, user_id, mine[position:])
                rest[user_id] = (left[:now_too], left[now_too:])
                break
    ids = everyday.book(session, batch.booked)
    badges.add_quietly(session, ctx, batch.values, batch.counters)
    # Last: placing a learner locks a league group, which others joining it wait for.
    leagues.add_xp_many(session, ctx, learners, _xp_earned(batch.booked))
    for place, event_id in zip(batch.booked_places, ids, strict=True):
        outcomes[place] = Outcome(event_id)
    return outcomes, rest


def _xp_earned(booked: list[everyday.Everyday]) -> Iterator[tuple[int, int, datetime]]:
    for event in booked:
        yield event.row["user_id"], event.amounts["xp"], event.row["occurred_at"]


def _prepared(
    ctx: Context,
    learners: dict[int, Learner],
    groups: dict[int, Group],
    outcomes: dict[int, Outcome],
) -> tuple[dict[int, list[_Item]], list[everyday.Asked], set[date]]:
    """Each event's checks (a refusal needs no lookup), its local day and what to look up."""
    items: dict[int, list[_Item]] = {}
    asked: list[everyday.Asked] = []
    dates: set[date] = set()
    for user_id, learner in learners.items():
        items[user_id] = []
        for place, practice in groups[user_id]:
            try:
                occurred_at = recording.checked(ctx, practice)
            except ZealError as refused:
                outcomes[place] = Outcome(refused=refused)
                continue
            day = local_date(learner, occurred_at)
            dates.add(day)
            key_hash = recording.idempotency_key_hash(practice)
            minute = recording.minute_of(occurred_at)
            asked.append(everyday.Asked(user_id, minute, key_hash))
            item = _Item(place, practice, occurred_at, day, key_hash, len(asked) - 1)
            items[user_id].append(item)
    return items, asked, dates


def _not_everyday(known: everyday.Known, user_id: int, left: list[_Item]) -> int:
    """How many of a learner's events left, the first not everyday, to record one by one
    now: up to the next whose language-day will be kept by then (kept already, or opened by
    one of them), which may well be everyday. A week's backfill, each event on a day of its
    own, then goes in one transaction for the learner, not in a round per event."""
    opened: set[tuple[str, date]] = set()
    for count, item in enumerate(left):
        day = (item.practice.language, item.day)
        if count and (day in opened or (user_id, *day) in known.days):
            return count
        opened.add(day)
    return len(left)


def _take(batch: _Batch, learner: Learner, today: date, item: _Item) -> bool:
    """Answer `item` here when it is a replay, or book it when everyday; False when it must
    go through `record_practice` (and so must every later event of the learner)."""
    found = batch.known.found[item.asked]
    practice = item.practice
    if found.earlier_id is not None:
        fingerprint = recording.fingerprint_of(practice)
        try:
            recording.check_same_event(found.earlier_fingerprint, fingerprint)
        except ZealError as refused:
            batch.outcomes[item.place] = Outcome(refused=refused)
            return True
        batch.outcomes[item.place] = Outcome(found.earlier_id, replayed=True)
        return True
    key = item.key_hash
    minute = (learner.id, recording.minute_of(item.occurred_at))
    cap = batch.ctx.settings.practice_events_per_minute
    if (key and (learner.id, key) in batch.keys) or (
        found.in_minute + batch.in_minute.get(minute, 0) >= cap
    ):
        return False  # a key this batch used, or a refusal: `record_practice` says which
    amounts = recording.amounts_of(practice, batch.known.xp)
    if not _books_quietly(batch, learner, today, item, amounts):
        return False
    batch.in_minute[minute] = batch.in_minute.get(minute, 0) + 1
    if key:
        batch.keys.add((learner.id, key))
    return True


def _unsettled(batch: _Batch, user_id: int, today: date) -> bool:
    if user_id not in batch.unsettled:
        streaks = (s for (owner, _), s in batch.known.streaks.items() if owner == user_id)
        batch.unsettled[user_id] = needs_settling(streaks, today)
    return batch.unsettled[user_id]


def _books_quietly(
    batch: _Batch, learner: Learner, today: date, item: _Item, amounts: dict[str, int]
) -> bool:
    """Book an event that only adds to counters; False, booking nothing, for any other."""
    language = item.practice.language
    if _unsettled(batch, learner.id, today):
        return False  # freezes may be due first: `record_practice` spends them
    day = batch.known.days.get((learner.id, language, item.day))
    if day is None or not day["counts_for_streak"]:
        return False
    if (learner.id, language) not in batch.known.streaks:
        return False
    xp_before = _xp_today(batch, learner.id)
    goal = learner.daily_goal_xp or batch.ctx.settings.daily_goal_default
    if item.day == today and xp_before < goal <= xp_before + amounts["xp"]:
        return False
    hour = local_datetime(learner, item.occurred_at).hour
    added = badges.quiet_move(batch.values, learner.id, badges.event_changes(amounts, hour))
    if added is None:
        return False
    batch.values.add(learner.id, added)
    for code, amount in added.items():
        batch.counters[(learner.id, code)] = batch.counters.get((learner.id, code), 0) + amount
    for name, amount in amounts.items():
        day[name] += amount
    _keep(batch, learner, today, item, amounts)
    return True


def _keep(
    batch: _Batch, learner: Learner, today: date, item: _Item, amounts: dict[str, int]
) -> None:
    """The event's row, with the answer `record_practice` would have kept for it."""
    language = item.practice.language
    streak = batch.known.streaks[(learner.id, language)]
    shown = batch.known.days.get((learner.id, language, today), _NO_DAY)
    view = streak_view(
        streak,
        today,
        practiced_today=bool(shown["counts_for_streak"]),
        seconds_today=recording.practice_seconds(shown),
        xp_today=int(shown["xp"]),
    )
    xp = {"earned": amounts["xp"], "today": _xp_today(batch, learner.id)}
    row = recording.event_row(
        batch.ctx,
        learner.id,
        item.practice,
        item.occurred_at,
        item.day,
        key_hash=item.key_hash,
        fingerprint=recording.fingerprint_of(item.practice),
        result_json=result_json(view, [], xp),
        api_key_id=batch.api_key_id,
    )
    batch.booked.append(everyday.Everyday(row, amounts))
    batch.booked_places.append(item.place)


_NO_DAY: dict[str, Any] = {"counts_for_streak": False, "xp": 0} | dict.fromkeys(SECONDS_COLUMNS, 0)


def _xp_today(batch: _Batch, user_id: int) -> int:
    """XP the learner earned today in every language, as booked so far."""
    return sum(int(values["xp"]) for values in batch.todays.get(user_id, ()))
