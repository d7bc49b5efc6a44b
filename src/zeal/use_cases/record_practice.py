"""Recording a practice event: book it, extend friend streaks, move badges, keep the event."""

import json
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy.orm import Session

from zeal.badges import service as badges_service
from zeal.badges.service import AwardedBadge
from zeal.celebrations import service as celebrations
from zeal.context import Context
from zeal.friends import friend_streaks
from zeal.leagues import placement as leagues
from zeal.practice import goals, recording
from zeal.practice.models import PracticeEvent
from zeal.practice.reading import StreakView
from zeal.practice.recording import Booking, Practice
from zeal.webhooks import outbox


@dataclass(frozen=True)
class RecordedPractice:
    event: PracticeEvent
    streak: StreakView
    new_badges: list[AwardedBadge]
    replayed: bool
    xp_earned: int  # by this event
    xp_today: int  # in every language today, this event's included


def record_practice(
    session: Session,
    ctx: Context,
    *,
    user_id: int,
    practice: Practice,
    api_key_id: int | None = None,
) -> RecordedPractice:
    """Book one practice event on its learner's day, extend the streaks it extends, award what
    it earned, and return the streak. A repeated idempotency key returns the first result,
    changing nothing."""
    attempt = recording.start(session, ctx, user_id, practice)
    if attempt.earlier is not None:
        return _replayed(attempt.earlier)
    booking = recording.book(session, ctx, attempt)
    if booking.new_streak_day and booking.day == booking.today and attempt.standing.listened:
        _announce_streak(session, ctx, booking)
    if booking.new_practice_date:
        friend_streaks.on_new_practice_day(session, booking.user.id, booking.day)
    new_badges = badges_service.on_practice(session, ctx, booking)
    new_badges += _goal_met(session, ctx, booking)
    _celebrate(session, ctx, booking, new_badges)
    xp = {"earned": booking.amounts["xp"], "today": booking.xp_today}
    result = result_json(booking.streak, new_badges, xp)
    event = recording.keep(session, ctx, booking, result_json=result, api_key_id=api_key_id)
    # Last: a first XP of the week locks a league group, which others joining it wait for.
    leagues.add_xp(session, ctx, booking.user, booking.amounts["xp"], attempt.occurred_at)
    return RecordedPractice(
        event, booking.streak, new_badges, False, booking.amounts["xp"], booking.xp_today
    )


def _celebrate(
    session: Session, ctx: Context, booking: Booking, new_badges: list[AwardedBadge]
) -> None:
    """A streak is celebrated when today's first counting practice brings it to a milestone
    (a late event that fills a gap is not: the day it celebrates has passed)."""
    grew_today = booking.new_streak_day and booking.day == booking.today
    streak = (booking.streak.language, booking.streak.daily_streak) if grew_today else None
    badge_ids = [badge.badge_id for badge in new_badges]
    celebrations.on_practice(session, ctx, booking.user.id, streak=streak, badge_ids=badge_ids)


def _goal_met(session: Session, ctx: Context, booking: Booking) -> list[AwardedBadge]:
    """When this event made today reach the learner's goal, the goal streak grew: its badge
    gauge follows. Known from the booking alone; only then is the streak read."""
    if booking.day != booking.today:
        return []
    default = ctx.settings.daily_goal_default
    goal = booking.user.daily_goal_xp or default
    before = booking.xp_today - booking.amounts["xp"]
    if not before < goal <= booking.xp_today:
        return []
    streak = goals.progress(session, booking.user.id, booking.today, default).goal_streak
    change = {"goal_streak_days": badges_service.Change(set_to=streak)}
    listened = booking.attempt.standing.listened
    return badges_service.apply_changes(session, ctx, booking.user.id, change, announce=listened)


def _announce_streak(session: Session, ctx: Context, booking: Booking) -> None:
    """`streak.extended`, for today only: a backfill of earlier days is history, not news."""
    data = {
        "language": booking.practice.language,
        "streak": booking.streak.daily_streak,
        "day": booking.day.isoformat(),
    }
    outbox.emit(
        session,
        ctx.clock.now(),
        learner_id=booking.user.id,
        event_type=outbox.EventType.STREAK_EXTENDED,
        data=data,
    )


def result_json(view: StreakView, new_badges: list[AwardedBadge], xp: dict[str, int]) -> str:
    """What an event produced, kept so a repeated idempotency key gets the same answer."""
    result = {"streak": asdict(view), "new_badges": [asdict(b) for b in new_badges], "xp": xp}
    return json.dumps(result, default=date.isoformat)


def _replayed(earlier: PracticeEvent) -> RecordedPractice:
    """The answer the event gave the first time (events kept before XP existed earned none)."""
    data = json.loads(earlier.result_json)
    streak = {"xp_today": 0, "kept_through": None, **data["streak"]}
    for field in ("max_streak_date", "last_practice_date", "kept_through"):
        streak[field] = date.fromisoformat(streak[field]) if streak[field] else None
    badges = [AwardedBadge(**b) for b in data["new_badges"]]
    xp = data.get("xp", {"earned": 0, "today": 0})
    return RecordedPractice(earlier, StreakView(**streak), badges, True, xp["earned"], xp["today"])
