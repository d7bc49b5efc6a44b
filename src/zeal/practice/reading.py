"""Reading streaks and the practice-day ledger, each learner on their own today."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.clock import local_date
from zeal.practice import errors
from zeal.practice.languages import LANGUAGES
from zeal.practice.models import PracticeDay, UserLanguage
from zeal.practice.streaks import current_streak

MAX_LEDGER_SPAN_DAYS = 366


@dataclass(frozen=True)
class StreakView:
    """A language's streak as the learner sees it on `today`."""

    language: str
    daily_streak: int
    max_streak: int
    max_streak_date: date | None
    last_practice_date: date | None
    practiced_today: bool
    practice_seconds_today: int


def streak_view(
    ul: UserLanguage, today: date, *, practiced_today: bool, seconds_today: int
) -> StreakView:
    return StreakView(
        language=ul.language,
        daily_streak=current_streak(ul.daily_streak, ul.last_practice_date, today),
        max_streak=ul.max_streak,
        max_streak_date=ul.max_streak_date,
        last_practice_date=ul.last_practice_date,
        practiced_today=practiced_today,
        practice_seconds_today=seconds_today,
    )


def list_streaks(session: Session, user: User, today: date) -> list[StreakView]:
    """Every language the learner practises, longest current streak first. Two queries."""
    return streaks_of(session, {user.id: today})[user.id]


def todays(users: list[User], now: datetime) -> dict[int, date]:
    """Each learner's own local date at `now`, by id."""
    return {user.id: local_date(user, now) for user in users}


def streaks_of(session: Session, todays: dict[int, date]) -> dict[int, list[StreakView]]:
    """Each learner's streaks as seen on their own today (by id); two queries for any number."""
    if not todays:
        return {}
    languages = session.scalars(select(UserLanguage).where(UserLanguage.user_id.in_(todays))).all()
    today_rows = {
        (row.user_id, row.language): row
        for row in session.scalars(
            select(PracticeDay).where(
                PracticeDay.user_id.in_(todays), PracticeDay.day.in_(set(todays.values()))
            )
        )
        if row.day == todays[row.user_id]
    }
    views: dict[int, list[StreakView]] = {user_id: [] for user_id in todays}
    for ul in languages:
        row = today_rows.get((ul.user_id, ul.language))
        views[ul.user_id].append(
            streak_view(
                ul,
                todays[ul.user_id],
                practiced_today=bool(row and row.counts_for_streak),
                seconds_today=row.practice_seconds if row else 0,
            )
        )
    for user_views in views.values():
        user_views.sort(key=lambda v: (-v.daily_streak, -v.max_streak, v.language))
    return views


@dataclass(frozen=True)
class LedgerQuery:
    """Which practice days to read: local dates, inclusive; by default the last 30 days."""

    language: str | None = None
    start: date | None = None
    end: date | None = None


def list_practice_days(
    session: Session, user: User, today: date, query: LedgerQuery
) -> tuple[date, date, list[PracticeDay]]:
    if query.language is not None and query.language not in LANGUAGES:
        raise errors.LanguageUnknown(f"'{query.language}' is not an ISO 639-1 language code.")
    end = query.end or today
    start = query.start or end - timedelta(days=29)
    if start > end:
        raise errors.DateRangeInvalid("'from' must not be after 'to'.")
    if (end - start).days + 1 > MAX_LEDGER_SPAN_DAYS:
        raise errors.DateRangeInvalid(f"A range spans at most {MAX_LEDGER_SPAN_DAYS} days.")
    statement = select(PracticeDay).where(
        PracticeDay.user_id == user.id, PracticeDay.day >= start, PracticeDay.day <= end
    )
    if query.language is not None:
        statement = statement.where(PracticeDay.language == query.language)
    rows = session.scalars(statement.order_by(PracticeDay.day, PracticeDay.language)).all()
    return start, end, list(rows)
