"""Keeping each language's stored streak in step with the ledger."""

from datetime import date

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from zeal.practice.ledger import run_length_ending_at, run_length_starting_after
from zeal.practice.models import PracticeDay, UserLanguage
from zeal.practice.streaks import ONE_DAY, StreakState, add_streak_day


def extend_streak(session: Session, user_language: UserLanguage, day: date) -> None:
    """`day` just became a streak day in this language."""
    state = StreakState(
        user_language.daily_streak,
        user_language.last_practice_date,
        user_language.max_streak,
        user_language.max_streak_date,
    )
    before = _streak_days_before(session, user_language, day)
    after = _streak_days_after(session, user_language, day)
    new = add_streak_day(state, day, before, after)
    user_language.daily_streak = new.daily_streak
    user_language.last_practice_date = new.last_practice_date
    user_language.max_streak = new.max_streak
    user_language.max_streak_date = new.max_streak_date


def _streak_days_before(session: Session, ul: UserLanguage, day: date) -> int:
    """Length of the run of streak days ending the day before `day`."""
    last = ul.last_practice_date
    if last is None or last < day - ONE_DAY:
        return 0
    if last == day - ONE_DAY and ul.daily_streak > 0:
        return ul.daily_streak  # the everyday case: no ledger read needed
    # A late event, a westward move, or a streak reset at sign-in: count in the ledger.
    return _run_ending_at(session, ul, day - ONE_DAY)


def _run_ending_at(session: Session, ul: UserLanguage, end: date) -> int:
    """Length of the run of streak days in the ledger that ends on `end` (0 if none does)."""
    return run_length_ending_at(session, _streak_days(ul), end)


def _streak_days_after(session: Session, ul: UserLanguage, day: date) -> int:
    """Length of the run of streak days starting the day after `day`."""
    last = ul.last_practice_date
    if last is None or last <= day:
        return 0
    return run_length_starting_after(session, _streak_days(ul), day, last)


def _streak_days(ul: UserLanguage) -> Select[date]:
    return select(PracticeDay.day).where(
        PracticeDay.user_id == ul.user_id,
        PracticeDay.language == ul.language,
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
        ul.daily_streak = _run_ending_at(session, ul, ul.last_practice_date)


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
