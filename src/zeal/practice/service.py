"""Recording practice and reading streaks. Every day here comes from `local_date`."""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.accounts.queries import lock_user
from zeal.badges import service as badges_service
from zeal.badges.service import AwardedBadge
from zeal.clock import local_date
from zeal.context import Context
from zeal.friends import friend_streaks
from zeal.practice import activities, errors
from zeal.practice.activities import Outcome, PracticeType
from zeal.practice.languages import LANGUAGES
from zeal.practice.ledger import run_length_ending_at, run_length_starting_after
from zeal.practice.models import PracticeDay, PracticeEvent, UserLanguage
from zeal.practice.streaks import ONE_DAY, StreakState, add_streak_day, current_streak

MAX_LEDGER_SPAN_DAYS = 366


@dataclass(frozen=True)
class Practice:
    """A practice event as a platform or learner reports it."""

    type: str
    language: str
    occurred_at: datetime | None = None
    duration_seconds: int | None = None
    outcome: str | None = None
    idempotency_key: str | None = None


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


@dataclass(frozen=True)
class RecordedPractice:
    event: PracticeEvent
    streak: StreakView
    new_badges: list[AwardedBadge]
    replayed: bool


# ---- recording -------------------------------------------------------------------------------


def _check_plausible(session: Session, ctx: Context, user_id: int, occurred_at: datetime) -> None:
    """Nobody does more than `practice_events_per_minute` things in one minute: past that, the
    events are not real practice and count nowhere. Counted by the events' own minute (UTC), so
    a late batch is judged by when it happened, not when it arrived."""
    minute = occurred_at.astimezone(UTC).replace(second=0, microsecond=0)
    in_that_minute = session.scalar(
        select(func.count())
        .select_from(PracticeEvent)
        .where(
            PracticeEvent.user_id == user_id,
            PracticeEvent.occurred_at >= minute,
            PracticeEvent.occurred_at < minute + timedelta(minutes=1),
        )
    )
    cap = ctx.settings.practice_events_per_minute
    if (in_that_minute or 0) >= cap:
        raise errors.ImplausibleActivity(
            f"More than {cap} practice events in one minute ({minute:%Y-%m-%d %H:%M} UTC) cannot "
            "be real practice; this one was not counted."
        )


def record_practice(
    session: Session,
    ctx: Context,
    *,
    user_id: int,
    practice: Practice,
    api_key_id: int | None = None,
) -> RecordedPractice:
    """Book one practice event on its learner's day, extend the streak if the day now counts,
    and return the streak. A repeated idempotency key returns the first result, changing nothing.
    """
    kind, outcome, occurred_at = _check(ctx, practice)
    # Everything below runs with the learner's row locked, so concurrent events for one learner
    # give exactly the state of sending them one after the other.
    user = lock_user(session, user_id)
    if user is None:
        raise errors.UserNotFound(f"No learner has id {user_id}.")

    key_hash = _sha256(practice.idempotency_key) if practice.idempotency_key else None
    fingerprint = _fingerprint(practice, kind, outcome)
    if key_hash is not None:
        earlier = session.scalar(
            select(PracticeEvent).where(
                PracticeEvent.user_id == user.id, PracticeEvent.idempotency_key_hash == key_hash
            )
        )
        if earlier is not None:
            if earlier.request_fingerprint != fingerprint:
                raise errors.IdempotencyKeyReused(
                    "This idempotency key was already used for a different practice event."
                )
            streak, badges = _result_from_json(earlier.result_json)
            return RecordedPractice(earlier, streak, badges, replayed=True)

    _check_plausible(session, ctx, user.id, occurred_at)
    day = local_date(user, occurred_at)
    # Both rows are looked up before either changes, so a new day is inserted once, complete.
    user_language = _user_language(session, ctx, user.id, practice.language)
    practice_day = _practice_day(session, user.id, practice.language, day)
    counted_before = practice_day.counts_for_streak
    activities.add_to_day(practice_day, kind, outcome, practice.duration_seconds)
    minimum = ctx.settings.min_daily_seconds
    if not counted_before and activities.meets_minimum(practice_day, minimum):
        practice_day.counts_for_streak = True
        _extend_streak(session, user_language, day)
        if not _practised_in_another_language(session, user.id, practice.language, day):
            friend_streaks.on_new_practice_day(session, user.id, day)

    today = local_date(user, ctx.clock.now())
    today_row = (
        practice_day if day == today else _find_day(session, user.id, practice.language, today)
    )
    view = _view(user_language, today, today_row)
    new_badges = badges_service.on_practice(
        session,
        ctx,
        user,
        kind=kind,
        outcome=outcome,
        occurred_at=occurred_at,
        new_streak_day=practice_day.counts_for_streak and not counted_before,
    )
    event = PracticeEvent(
        user_id=user.id,
        type=kind.value,
        language=practice.language,
        occurred_at=occurred_at,
        day=day,
        duration_seconds=practice.duration_seconds,
        outcome=outcome.value if outcome else None,
        idempotency_key=practice.idempotency_key,
        idempotency_key_hash=key_hash,
        request_fingerprint=fingerprint,
        result_json=_result_to_json(view, new_badges),
        api_key_id=api_key_id,
        received_at=ctx.clock.now(),
    )
    session.add(event)
    session.flush()
    return RecordedPractice(event, view, new_badges, replayed=False)


def _check(ctx: Context, practice: Practice) -> tuple[PracticeType, Outcome | None, datetime]:
    if practice.language not in LANGUAGES:
        raise errors.LanguageUnknown(
            f"'{practice.language}' is not an ISO 639-1 language code such as 'da' or 'es'."
        )
    try:
        kind = PracticeType(practice.type)
    except ValueError:
        raise errors.PracticeTypeUnknown(f"'{practice.type}' is not a practice type.") from None
    outcome = _check_outcome(kind, practice.outcome)
    seconds = practice.duration_seconds
    if seconds is not None and not 0 <= seconds <= activities.MAX_EVENT_SECONDS:
        raise errors.DurationInvalid(
            f"duration_seconds is between 0 and {activities.MAX_EVENT_SECONDS} (4 hours)."
        )
    now = ctx.clock.now()
    occurred_at = practice.occurred_at or now
    if occurred_at.tzinfo is None:
        raise errors.Invalid("occurred_at needs a UTC offset, e.g. 2026-03-29T08:15:00+02:00.")
    allowed_future = timedelta(seconds=ctx.settings.event_max_future_seconds)
    if occurred_at > now + allowed_future:
        raise errors.OccurredAtInFuture(
            f"occurred_at is more than {allowed_future.seconds // 60} minutes in the future."
        )
    if occurred_at < now - timedelta(days=ctx.settings.event_max_past_days):
        raise errors.OccurredAtTooOld(
            f"occurred_at is more than {ctx.settings.event_max_past_days} days in the past."
        )
    return kind, outcome, occurred_at


def _check_outcome(kind: PracticeType, outcome: str | None) -> Outcome | None:
    if outcome is None:
        return None
    if kind is not PracticeType.EXERCISE:
        raise errors.OutcomeInvalid("Only exercise events have an outcome.")
    try:
        return Outcome(outcome)
    except ValueError:
        allowed = ", ".join(o.value for o in Outcome)
        raise errors.OutcomeInvalid(f"outcome is one of: {allowed}.") from None


def _extend_streak(session: Session, user_language: UserLanguage, day: date) -> None:
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


def _practised_in_another_language(
    session: Session, user_id: int, language: str, day: date
) -> bool:
    other_language = session.scalar(
        select(PracticeDay.language)
        .where(
            PracticeDay.user_id == user_id,
            PracticeDay.day == day,
            PracticeDay.language != language,
            PracticeDay.counts_for_streak.is_(True),
        )
        .limit(1)
    )
    return other_language is not None


def _streak_days(ul: UserLanguage) -> Select[tuple[date]]:
    return select(PracticeDay.day).where(
        PracticeDay.user_id == ul.user_id,
        PracticeDay.language == ul.language,
        PracticeDay.counts_for_streak.is_(True),
    )


def _practice_day(session: Session, user_id: int, language: str, day: date) -> PracticeDay:
    row = session.get(PracticeDay, (user_id, language, day))
    if row is None:
        row = PracticeDay(
            user_id=user_id, language=language, day=day, counts_for_streak=False, events=0,
            exercises_done=0, exercises_correct=0, exercise_seconds=0, reading_seconds=0,
            listening_seconds=0, words_translated=0, words_learned=0, audio_lessons_completed=0,
            articles_read=0,
        )  # fmt: skip
        session.add(row)
    return row


def _find_day(session: Session, user_id: int, language: str, day: date) -> PracticeDay | None:
    return session.get(PracticeDay, (user_id, language, day))


def _user_language(session: Session, ctx: Context, user_id: int, language: str) -> UserLanguage:
    row = session.get(UserLanguage, (user_id, language))
    if row is None:
        row = UserLanguage(
            user_id=user_id, language=language, daily_streak=0, max_streak=0,
            started_at=ctx.clock.now(),
        )  # fmt: skip
        session.add(row)
    return row


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fingerprint(practice: Practice, kind: PracticeType, outcome: Outcome | None) -> str:
    # `occurred_at` is left out when it was not sent: a retry sent later must still match.
    occurred = practice.occurred_at.isoformat() if practice.occurred_at else None
    parts = [kind.value, practice.language, occurred, practice.duration_seconds, outcome]
    return _sha256(json.dumps(parts, default=str))


# ---- reading ---------------------------------------------------------------------------------


def _view(ul: UserLanguage, today: date, today_row: PracticeDay | None) -> StreakView:
    return StreakView(
        language=ul.language,
        daily_streak=current_streak(ul.daily_streak, ul.last_practice_date, today),
        max_streak=ul.max_streak,
        max_streak_date=ul.max_streak_date,
        last_practice_date=ul.last_practice_date,
        practiced_today=bool(today_row and today_row.counts_for_streak),
        practice_seconds_today=today_row.practice_seconds if today_row else 0,
    )


def _result_to_json(view: StreakView, new_badges: list[AwardedBadge]) -> str:
    """What an event produced, kept so a repeated idempotency key gets the same answer."""
    result = {"streak": asdict(view), "new_badges": [asdict(b) for b in new_badges]}
    return json.dumps(result, default=date.isoformat)


def _result_from_json(text: str) -> tuple[StreakView, list[AwardedBadge]]:
    data = json.loads(text)
    streak = data["streak"]
    for field in ("max_streak_date", "last_practice_date"):
        streak[field] = date.fromisoformat(streak[field]) if streak[field] else None
    return StreakView(**streak), [AwardedBadge(**b) for b in data["new_badges"]]


def list_streaks(session: Session, ctx: Context, user: User) -> list[StreakView]:
    """Every language the learner practises, longest current streak first. Two queries."""
    return streaks_of(session, ctx, [user])[user.id]


def streaks_of(session: Session, ctx: Context, users: list[User]) -> dict[int, list[StreakView]]:
    """Each learner's streaks as seen on their own today; two queries for any number."""
    now = ctx.clock.now()
    todays = {user.id: local_date(user, now) for user in users}
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
        today_row = today_rows.get((ul.user_id, ul.language))
        views[ul.user_id].append(_view(ul, todays[ul.user_id], today_row))
    for user_views in views.values():
        user_views.sort(key=lambda v: (-v.daily_streak, -v.max_streak, v.language))
    return views


def list_practice_days(
    session: Session,
    ctx: Context,
    user: User,
    *,
    language: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> tuple[date, date, list[PracticeDay]]:
    """The ledger between two local dates (inclusive); by default the last 30 days."""
    if language is not None and language not in LANGUAGES:
        raise errors.LanguageUnknown(f"'{language}' is not an ISO 639-1 language code.")
    end = end or local_date(user, ctx.clock.now())
    start = start or end - timedelta(days=29)
    if start > end:
        raise errors.DateRangeInvalid("'from' must not be after 'to'.")
    if (end - start).days + 1 > MAX_LEDGER_SPAN_DAYS:
        raise errors.DateRangeInvalid(f"A range spans at most {MAX_LEDGER_SPAN_DAYS} days.")
    query = select(PracticeDay).where(
        PracticeDay.user_id == user.id, PracticeDay.day >= start, PracticeDay.day <= end
    )
    if language is not None:
        query = query.where(PracticeDay.language == language)
    rows = session.scalars(query.order_by(PracticeDay.day, PracticeDay.language)).all()
    return start, end, list(rows)


def restore_streaks_after_move(session: Session, user: User) -> None:
    """After a change of time zone, give back the stored length of streaks reset at sign-in.

    A reset judged "lapsed" by the old zone's calendar; in a zone further west the same last
    practice day can be yesterday again, and the streak must then show its length.
    """
    reset = session.scalars(
        select(UserLanguage).where(
            UserLanguage.user_id == user.id,
            UserLanguage.daily_streak == 0,
            UserLanguage.last_practice_date.is_not(None),
        )
    ).all()
    for ul in reset:
        assert ul.last_practice_date is not None
        ul.daily_streak = _run_ending_at(session, ul, ul.last_practice_date)


def reset_lapsed_streaks(session: Session, ctx: Context, user: User) -> None:
    """At sign-in, store 0 for streaks whose last practice day is before yesterday.

    Reads already show 0 for those; this only brings the stored value in line. The max is kept.
    """
    lock_user(session, user.id)
    today = local_date(user, ctx.clock.now())
    session.execute(
        update(UserLanguage)
        .where(
            UserLanguage.user_id == user.id,
            UserLanguage.daily_streak > 0,
            UserLanguage.last_practice_date < today - ONE_DAY,
        )
        .values(daily_streak=0)
        .execution_options(synchronize_session=False)
    )
