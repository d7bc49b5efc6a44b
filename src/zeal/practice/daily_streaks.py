"""Keeping each language's stored streak in step with the ledger."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    Date,
    Integer,
    Subquery,
    Table,
    bindparam,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from zeal.practice.models import PracticeDay, StreakFreeze, StreakRepair, UserLanguage
from zeal.practice.streaks import (
    ONE_DAY,
    RunAfter,
    StreakState,
    add_streak_day,
    alive_through,
    derive_streak,
)

_LANGUAGE = cast(Table, UserLanguage.__table__)


@dataclass(frozen=True)
class LanguageStreak:
    """A language's streak as `user_language` keeps it, read as plain values."""

    language: str
    daily_streak: int
    last_practice_date: date | None
    max_streak: int
    max_streak_date: date | None
    kept_through: date | None = None

    @property
    def state(self) -> StreakState:
        return StreakState(
            self.daily_streak,
            self.last_practice_date,
            self.max_streak,
            self.max_streak_date,
            self.kept_through,
        )

    @property
    def alive_through(self) -> date | None:
        return self.state.alive_through


def streak_of_row(row: Any) -> LanguageStreak:
    """A `user_language` row's streak (any row with its columns)."""
    return LanguageStreak(
        row.language,
        row.daily_streak,
        row.last_practice_date,
        row.max_streak,
        row.max_streak_date,
        row.kept_through,
    )


def first_streak(language: str) -> LanguageStreak:
    """A language the learner has not practised before."""
    return LanguageStreak(language, 0, None, 0, None)


def streak_from_state(language: str, state: StreakState) -> LanguageStreak:
    return LanguageStreak(
        language,
        state.daily_streak,
        state.last_practice_date,
        state.max_streak,
        state.max_streak_date,
        state.kept_through,
    )


def extend_streak(
    session: Session, user_id: int, streak: LanguageStreak, day: date
) -> LanguageStreak:
    """`day` just became a streak day in this language: the streak it makes (not yet kept)."""
    before = _streak_days_before(session, user_id, streak, day)
    after = _run_after(session, user_id, streak, day)
    return streak_from_state(streak.language, add_streak_day(streak.state, day, before, after))


def keep_streak(
    session: Session, user_id: int, streak: LanguageStreak, *, started_at: datetime | None
) -> None:
    """Write the language's streak: a new language (`started_at` given) is inserted, a known
    one updated. One statement; the learner's row lock makes the choice safe."""
    values = {
        "b_user_id": user_id,
        "b_language": streak.language,
        "b_daily_streak": streak.daily_streak,
        "b_last_practice_date": streak.last_practice_date,
        "b_max_streak": streak.max_streak,
        "b_max_streak_date": streak.max_streak_date,
        "b_kept_through": streak.kept_through,
    }
    if started_at is None:
        session.execute(_UPDATE_STREAK, values)
    else:
        session.execute(_INSERT_STREAK, {**values, "b_started_at": started_at})
    # A UserLanguage already loaded in this session would now be stale.
    loaded = session.identity_map.get(identity_key(UserLanguage, (user_id, streak.language)))
    if loaded is not None:
        session.expire(loaded)


_STREAK_VALUES: dict[str, Any] = {
    name: bindparam(f"b_{name}")
    for name in (
        "daily_streak",
        "last_practice_date",
        "max_streak",
        "max_streak_date",
        "kept_through",
    )
}
_UPDATE_STREAK = (
    update(_LANGUAGE)
    .where(
        _LANGUAGE.c.user_id == bindparam("b_user_id"),
        _LANGUAGE.c.language == bindparam("b_language"),
    )
    .values(**_STREAK_VALUES)
)
_INSERT_STREAK = insert(_LANGUAGE).values(
    user_id=bindparam("b_user_id"),
    language=bindparam("b_language"),
    started_at=bindparam("b_started_at"),
    **_STREAK_VALUES,
)


def _streak_days_before(session: Session, user_id: int, streak: LanguageStreak, day: date) -> int:
    """How many streak days the run ending the day before `day` has."""
    through = streak.alive_through
    if through is None or through < day - ONE_DAY:
        return 0
    if through == day - ONE_DAY and streak.daily_streak > 0:
        return streak.daily_streak  # the everyday case: no ledger read needed
    # A late event, a westward move, or a streak reset at sign-in: count in the ledger.
    return streak_ending_at(session, user_id, streak.language, day - ONE_DAY)


def _run_after(session: Session, user_id: int, streak: LanguageStreak, day: date) -> RunAfter:
    """The run of streak and kept days starting the day after `day`."""
    through = streak.alive_through
    if through is None or through <= day:
        return RunAfter()
    covered = covered_days(user_id, streak.language)
    following = session.execute(
        select(covered.c.day, covered.c.practised)
        .where(covered.c.day > day, covered.c.day <= through)
        .order_by(covered.c.day, covered.c.practised.desc())
    ).all()
    run, expected = RunAfter(), day + ONE_DAY
    for found, practised in following:
        if found == expected - ONE_DAY:
            continue  # the kept twin of a streak day just counted
        if found != expected:
            break
        grown = RunAfter(run.streak_days + 1, found, found)
        run = grown if practised else replace(run, end=found)
        expected += ONE_DAY
    return run


def covered_days(user_id: int, language: str | None = None) -> Subquery:
    """A learner's streak days (`practised` 1) and kept days (0: a freeze's or a repair's),
    in one language or all. A repaired day practised late after all comes twice (readers
    keep the streak day, sorted first). No GROUP BY: PostgreSQL then pushes a reader's date
    bound and its ORDER BY .. LIMIT into each branch's index, where an aggregate read the
    language's whole history."""
    days, frozen, repaired = _DAY.c, _FREEZE.c, _REPAIR.c
    branches = [
        select(days.language, days.day, literal(1).label("practised")).where(
            days.user_id == user_id, days.counts_for_streak.is_(True)
        ),
        select(frozen.language, frozen.day, literal(0).label("practised")).where(
            frozen.user_id == user_id, frozen.day.is_not(None)
        ),
        select(repaired.language, repaired.day, literal(0).label("practised")).where(
            repaired.user_id == user_id
        ),
    ]
    if language is not None:
        branches = [b.where(b.selected_columns.language == language) for b in branches]
    return union_all(*branches).subquery("covered")


def rebuild_streak(session: Session, user_id: int, language: str) -> LanguageStreak:
    """The language's streak worked out again from its whole ledger, and kept (after a
    change that can join runs anywhere in the past: a repair)."""
    covered = covered_days(user_id, language)
    rows = session.execute(select(covered.c.day, covered.c.practised)).all()
    practised = {day for day, counts in rows if counts}
    state = derive_streak(practised, (day for day, counts in rows if day not in practised))
    streak = streak_from_state(language, state)
    keep_streak(session, user_id, streak, started_at=None)
    return streak


_DAY = cast(Table, PracticeDay.__table__)
_FREEZE = cast(Table, StreakFreeze.__table__)
_REPAIR = cast(Table, StreakRepair.__table__)


def read_streak(session: Session, user_id: int, language: str) -> LanguageStreak:
    row = session.execute(
        select(_LANGUAGE).where(_LANGUAGE.c.user_id == user_id, _LANGUAGE.c.language == language)
    ).one()
    return streak_of_row(row)


def restore_streaks_after_move(session: Session, user_id: int) -> None:
    """After a change of time zone, give back the stored length of streaks reset at sign-in.

    A reset judged "lapsed" by the old zone's calendar; in a zone further west the same last
    practice day can be yesterday again, and the streak must then show its length.
    """
    reset = session.scalars(
        select(UserLanguage).where(
            UserLanguage.user_id == user_id,
            UserLanguage.daily_streak == 0,
            UserLanguage.last_practice_date.is_not(None),
        )
    ).all()
    for ul in reset:
        through = alive_through(ul.last_practice_date, ul.kept_through)
        assert through is not None
        ul.daily_streak = streak_ending_at(session, user_id, ul.language, through)


def reset_lapsed_streaks(session: Session, user_id: int, today: date) -> None:
    """Once freezes are spent (the learner's row locked), store 0 for streaks whose run ended
    before yesterday. Reads already show 0 for those; this only brings the stored value in
    line. The max is kept."""
    session.execute(_RESET_LAPSED, {"learner": user_id, "yesterday": today - ONE_DAY})


_YESTERDAY = bindparam("yesterday", type_=Date)
# Built once: a learner's first event after a day without practice runs it.
_RESET_LAPSED = (
    update(_LANGUAGE)
    .where(
        _LANGUAGE.c.user_id == bindparam("learner", type_=Integer),
        _LANGUAGE.c.daily_streak > 0,
        _LANGUAGE.c.last_practice_date < _YESTERDAY,
        or_(_LANGUAGE.c.kept_through.is_(None), _LANGUAGE.c.kept_through < _YESTERDAY),
    )
    .values(daily_streak=0)
)


def streak_ending_at(session: Session, user_id: int, language: str, day: date) -> int:
    """How many streak days the language's run ending on `day` has (a run of streak and kept
    days), counted in the ledger, read in pages from `day` backwards."""
    covered = covered_days(user_id, language)
    count, expected = 0, day
    while True:
        chunk = session.execute(
            select(covered.c.day, covered.c.practised)
            .where(covered.c.day <= expected)
            .order_by(covered.c.day.desc(), covered.c.practised.desc())
            .limit(256)
        ).all()
        for found, practised in chunk:
            if found == expected + ONE_DAY:
                continue  # the kept twin of a streak day just counted
            if found != expected:
                return count
            count, expected = count + practised, expected - ONE_DAY
        if len(chunk) < 256:
            return count
