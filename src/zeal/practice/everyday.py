"""Everyday practice events, read for and booked many at a time.

Most events change nothing but counters: their language-day is kept already and already counts
for the streak, so the streak, the learner's practice dates and the friend streaks stay as they
are. A batch of a thousand such events needs a handful of statements, not six each: `read`
fetches what the batch's events find (their learners locked, in id order), and `book` adds
them to their days and totals and keeps them, set-based. Which events are everyday is the
caller's rule (`zeal.use_cases.practice_batch`); every other event goes through
`record_practice` one by one.
"""

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Executable,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from zeal.db import UTCDateTime, among
from zeal.practice import totals
from zeal.practice.daily_streaks import LanguageStreak, streak_of_row
from zeal.practice.models import PracticeDay, PracticeEvent, UserLanguage, XpTableVersion
from zeal.practice.xp import XpTable, xp_table

_DAY = cast(Table, PracticeDay.__table__)
_EVENT = cast(Table, PracticeEvent.__table__)
_LANGUAGE = cast(Table, UserLanguage.__table__)
_XP_VERSION = cast(Table, XpTableVersion.__table__)

DayKey = tuple[int, str, date]  # learner, language, local date
K = TypeVar("K")


@dataclass(frozen=True)
class Asked:
    """What one event needs looked up: its learner's events in its minute, and its key."""

    user_id: int
    minute: datetime  # UTC
    key_hash: str | None


@dataclass(frozen=True)
class Found:
    in_minute: int  # the learner's events kept in that minute
    earlier_id: int | None  # the event the key already named
    earlier_fingerprint: str | None


@dataclass
class Known:
    """The batch's learners' records, as read under their locks."""

    streaks: dict[tuple[int, str], LanguageStreak]
    days: dict[DayKey, dict[str, Any]]  # every language's day on the dates asked
    xp: XpTable
    found: list[Found]  # in the order asked


def read(
    session: Session, user_ids: Iterable[int], dates: Iterable[date], asked: Sequence[Asked]
) -> Known:
    """The learners' streaks, their practice days on `dates` and what each event `asked`: a
    few statements, whatever the batch's size. The caller holds the learners' locks
    (`accounts.queries.lock_learners`)."""
    ids = list(user_ids)
    streaks: dict[tuple[int, str], LanguageStreak] = {}
    days: dict[DayKey, dict[str, Any]] = {}
    if ids:
        for row in session.execute(_STREAKS, {"user_ids": ids}):
            streaks[(row.user_id, row.language)] = streak_of_row(row)
        for row in session.execute(_DAYS, {"user_ids": ids, "days": sorted(set(dates))}):
            values = dict(row._mapping)
            days[(values.pop("user_id"), values.pop("language"), values.pop("day"))] = values
    version = session.execute(select(_XP_VERSION.c.version)).scalar()
    return Known(streaks, days, xp_table(session, version), _found(session, asked))


_STREAKS = select(_LANGUAGE).where(among(_LANGUAGE.c.user_id, "user_ids"))
_DAYS = select(_DAY).where(among(_DAY.c.user_id, "user_ids"), among(_DAY.c.day, "days"))

# Events asked about per statement: the statement is built once, its unused rows padded.
_CHUNK = 100


def _found(session: Session, asked: Sequence[Asked]) -> list[Found]:
    found: list[Found] = []
    for start in range(0, len(asked), _CHUNK):
        chunk = asked[start : start + _CHUNK]
        params: dict[str, Any] = {}
        for i in range(_CHUNK):
            one = chunk[i] if i < len(chunk) else None
            params[f"u{i}"] = one.user_id if one else None
            params[f"m{i}"] = one.minute if one else None
            params[f"n{i}"] = one.minute + timedelta(minutes=1) if one else None
            params[f"k{i}"] = one.key_hash if one else None
        rows = {row.position: row for row in session.execute(_lookups(), params)}
        found += [
            Found(int(rows[i].in_minute or 0), rows[i].earlier_id, rows[i].fingerprint)
            for i in range(len(chunk))
        ]
    return found


@lru_cache(maxsize=1)
def _lookups() -> Select[Any]:
    """For each of `_CHUNK` events (learner `u<i>`, minute `m<i>`..`n<i>`, key `k<i>`): the
    learner's events in that minute, and the event its key already named. The events asked
    are a UNION ALL of parameters, the one table of rows every backend builds alike."""
    rows = [
        select(
            literal(i).label("position"),
            bindparam(f"u{i}", type_=Integer).label("user_id"),
            bindparam(f"m{i}", type_=UTCDateTime()).label("minute"),
            bindparam(f"n{i}", type_=UTCDateTime()).label("next_minute"),
            bindparam(f"k{i}", type_=String).label("key_hash"),
        )
        for i in range(_CHUNK)
    ]
    asked = union_all(*rows).subquery("asked")
    event = _EVENT.alias("earlier")
    in_minute = (
        select(func.count())
        .select_from(_EVENT)
        .where(
            _EVENT.c.user_id == asked.c.user_id,
            _EVENT.c.occurred_at >= asked.c.minute,
            _EVENT.c.occurred_at < asked.c.next_minute,
        )
        .scalar_subquery()
    )
    return select(
        asked.c.position,
        in_minute.label("in_minute"),
        event.c.id.label("earlier_id"),
        event.c.request_fingerprint.label("fingerprint"),
    ).select_from(
        asked.outerjoin(
            event,
            and_(
                event.c.user_id == asked.c.user_id,
                event.c.idempotency_key_hash == asked.c.key_hash,
            ),
        )
    )


@dataclass(frozen=True)
class Everyday:
    """An everyday event, ready to keep: its row and what it adds to its day."""

    row: dict[str, Any]  # as `recording.event_row` makes it
    amounts: dict[str, int]  # every counter of its day, `events` included


def book(session: Session, events: Sequence[Everyday]) -> list[int]:
    """Add the events to their practice days and totals and keep them; their ids, in order.
    Amounts are summed per day and per total first: one row written for each."""
    if not events:
        return []
    backend = session.get_bind().dialect.name
    by_day = _summed(
        ((one.row["user_id"], one.row["language"], one.row["day"]), one.amounts) for one in events
    )
    added = tuple(next(iter(by_day.values())))
    session.execute(
        _add_to_days(added),
        [
            {"d_user_id": u, "d_language": lang, "d_day": d}
            | {f"a_{name}": amount for name, amount in summed.items()}
            for (u, lang, d), summed in by_day.items()
        ],
    )
    totals.add_many(session, backend, _by_total(by_day))
    return _keep(session, [one.row for one in events])


def _keep(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the events (one executemany) and return their ids in order. Not by RETURNING,
    which only PostgreSQL can match to the rows of a multi-row insert: the learners' locks
    keep anyone else from adding their events, and ids rise in the order rows go in, so the
    ids above the highest before are theirs, each learner's in order."""
    floor = session.execute(select(func.max(_EVENT.c.id))).scalar() or 0
    session.execute(insert(_EVENT), rows)
    user_ids = sorted({row["user_id"] for row in rows})
    ids: dict[int, deque[int]] = {user_id: deque() for user_id in user_ids}
    for user_id, event_id in session.execute(_KEPT, {"user_ids": user_ids, "floor": floor}):
        ids[user_id].append(event_id)
    return [ids[row["user_id"]].popleft() for row in rows]


_KEPT = (
    select(_EVENT.c.user_id, _EVENT.c.id)
    .where(among(_EVENT.c.user_id, "user_ids"), _EVENT.c.id > bindparam("floor"))
    .order_by(_EVENT.c.id)
)


def _by_total(by_day: dict[DayKey, dict[str, int]]) -> list[totals.Added]:
    """The days' amounts summed per learner, language, week and month: everyday events open
    no day, so they add to no total's `days`."""
    summed = _summed(
        ((user_id, language, totals.week_start(day), totals.month_start(day)), amounts)
        for (user_id, language, day), amounts in by_day.items()
    )
    return [
        totals.Added(user_id, language, week, month, amounts, new_day=False, new_date=False)
        for (user_id, language, week, month), amounts in summed.items()
    ]


def _summed(keyed: Iterable[tuple[K, Mapping[str, int]]]) -> dict[K, dict[str, int]]:
    """Amounts added up per key."""
    into: dict[K, dict[str, int]] = {}
    for key, amounts in keyed:
        total = into.setdefault(key, dict.fromkeys(amounts, 0))
        for name, amount in amounts.items():
            total[name] += amount
    return into


@lru_cache(maxsize=8)
def _add_to_days(added: tuple[str, ...]) -> Executable:
    columns = _DAY.c
    return (
        update(_DAY)
        .where(
            columns.user_id == bindparam("d_user_id"),
            columns.language == bindparam("d_language"),
            columns.day == bindparam("d_day"),
        )
        .values({name: columns[name] + bindparam(f"a_{name}") for name in added})
    )
