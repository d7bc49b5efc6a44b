"""Keeping each language's stored streak in step with the ledger."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from zeal.practice.ledger import run_length_ending_at, run_length_starting_after
from zeal.practice.models import PracticeDay, UserLanguage
from zeal.practice.streaks import ONE_DAY, StreakState, add_streak_day

_LANGUAGE = cast(Table, UserLanguage.__table__)


@dataclass(frozen=True)
class LanguageStreak:
    """A language's streak as `user_language` keeps it, read as plain values."""

    language: str
    daily_streak: int
    last_practice_date: date | None
    max_streak: int
    max_streak_date: date | None

    @property
    def state(self) -> StreakState:
        return StreakState(
            self.daily_streak, self.last_practice_date, self.max_streak, self.max_streak_date
        )


def streak_of_row(row: Any) -> LanguageStreak:
    """A `user_language` row's streak (any row with its columns)."""
    return LanguageStreak(
        row.language, row.daily_streak, row.last_practice_date, row.max_streak, row.max_streak_date
    )


def first_streak(language: str) -> LanguageStreak:
    """A language the learner has not practised before."""
    return LanguageStreak(language, 0, None, 0, None)


def extend_streak(
    session: Session, user_id: int, streak: LanguageStreak, day: date
) -> LanguageStreak:
    """`day` just became a streak day in this language: the streak it makes (not yet kept)."""
    before = _streak_days_before(session, user_id, streak, day)
    after = _streak_days_after(session, user_id, streak, day)
    new = add_streak_day(streak.state, day, before, after)
    return replace(
        streak,
        daily_streak=new.daily_streak,
        last_practice_date=new.last_practice_date,
        max_streak=new.max_streak,
        max_streak_date=new.max_streak_date,
    )


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
    for name in ("daily_streak", "last_practice_date", "max_streak", "max_streak_date")
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
    """Length of the run of streak days ending the day before `day`."""
    last = streak.last_practice_date
    if last is None or last < day - ONE_DAY:
        return 0
    if last == day - ONE_DAY and streak.daily_streak > 0:
        return streak.daily_streak  # the everyday case: no ledger read needed
    # A late event, a westward move, or a streak reset at sign-in: count in the ledger.
    return run_length_ending_at(session, _streak_days(user_id, streak.language), day - ONE_DAY)


def _streak_days_after(session: Session, user_id: int, streak: LanguageStreak, day: date) -> int:
    """Length of the run of streak days starting the day after `day`."""
    last = streak.last_practice_date
    if last is None or last <= day:
        return 0
    return run_length_starting_after(session, _streak_days(user_id, streak.language), day, last)


def _streak_days(user_id: int, language: str) -> Select[date]:
    return select(PracticeDay.day).where(
        PracticeDay.user_id == user_id,
        PracticeDay.language == language,
        PracticeDay.counts_for_streak.is_(True),
    )


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
        assert ul.last_practice_date is not None
        ul.daily_streak = run_length_ending_at(
            session, _streak_days(user_id, ul.language), ul.last_practice_date
        )


def reset_lapsed_streaks(session: Session, user_id: int, today: date) -> None:
    """At sign-in (the learner's row locked), store 0 for streaks whose last practice day is
    before yesterday. Reads already show 0 for those; this only brings the stored value in
    line. The max is kept."""
    session.execute(
        update(UserLanguage)
        .where(
            UserLanguage.user_id == user_id,
            UserLanguage.daily_streak > 0,
            UserLanguage.last_practice_date < today - ONE_DAY,
        )
        .values(daily_streak=0)
        .execution_options(synchronize_session=False)
    )


def streak_ending_at(session: Session, user_id: int, language: str, day: date) -> int:
    """Length of the language's run of streak days ending on `day`, counted in the ledger."""
    return run_length_ending_at(session, _streak_days(user_id, language), day)
