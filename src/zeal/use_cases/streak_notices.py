"""`streak.at_risk` and `streak.lost`: events no request causes, found by the worker's scan.

A streak is at risk on the day after its run's last day (practised, or kept by a streak
freeze), from `streak_at_risk_hour` on the learner's clock until their midnight; it is lost
once that day has passed and no freeze kept it (the worker settles freezes before this scan).
Each notice is written once per streak (`streak_notice`), whichever worker finds it first; a
worker that was away for more than a day does not send the notices it missed.
"""

from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, case, exists, select
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.clock import local_date, local_datetime, local_midnight
from zeal.context import Context
from zeal.db import insert_new
from zeal.practice.daily_streaks import streak_ending_at
from zeal.practice.models import UserLanguage
from zeal.webhooks import outbox
from zeal.webhooks.models import StreakNotice, Webhook, WebhookEventType
from zeal.webhooks.outbox import EventType

AT_RISK, LOST = EventType.STREAK_AT_RISK, EventType.STREAK_LOST
_LOST_WITHIN = 3  # days after the last practice day: later than that, a lost notice is stale
_NOTICE = cast(Table, StreakNotice.__table__)


def write_notices(session: Session, ctx: Context) -> int:
    """Emit the streak notices due now; how many were written."""
    now = ctx.clock.now()
    written = 0
    for row in _candidates(session, now.date()):
        today = local_date(row, now)
        since = (today - row.through).days
        hour = local_datetime(row, now).hour
        if since == 1 and row.daily_streak and hour >= ctx.settings.streak_at_risk_hour:
            written += _notice(session, ctx, row, AT_RISK, _at_risk_data(row, today))
        elif 2 <= since <= _LOST_WITHIN:
            streak = row.daily_streak or streak_ending_at(
                session, row.user_id, row.language, row.through
            )
            data = {**_streak_data(row), "streak": streak}
            written += _notice(session, ctx, row, LOST, data)
    return written


# The run's last day: its last practice day, or a day a freeze kept after it.
_THROUGH = case(
    (UserLanguage.kept_through > UserLanguage.last_practice_date, UserLanguage.kept_through),
    else_=UserLanguage.last_practice_date,
)


def _candidates(session: Session, utc_today: date) -> list[Any]:
    """Streaks of learners whose platform hears a streak notice, last practised in the days
    around now in any zone, not yet announced as lost."""
    listening = session.scalars(
        select(Webhook.platform_id)
        .distinct()
        .join(WebhookEventType, WebhookEventType.webhook_id == Webhook.id)
        .where(WebhookEventType.event_type.in_((AT_RISK, LOST)), Webhook.disabled_at.is_(None))
    ).all()
    if not listening:  # the usual case until a platform asks: no scan at all
        return []
    ul = UserLanguage
    through = _THROUGH
    lost_written = exists().where(
        and_(
            StreakNotice.user_id == ul.user_id,
            StreakNotice.language == ul.language,
            StreakNotice.kind == LOST,
            StreakNotice.streak_date == through,
        )
    )
    query = (
        select(
            ul.user_id,
            ul.language,
            ul.daily_streak,
            ul.last_practice_date,
            through.label("through"),
            User.timezone,
        )
        .join(User, User.id == ul.user_id)
        .where(
            User.platform_id.in_(list(listening)),
            through >= utc_today - timedelta(days=_LOST_WITHIN + 1),
            through < utc_today + timedelta(days=1),
            ~lost_written,
        )
        .order_by(ul.user_id, ul.language)
    )
    return list(session.execute(query).all())


def _notice(session: Session, ctx: Context, row: Any, kind: EventType, data: dict[str, Any]) -> int:
    """Write the notice once; emit its event only the first time."""
    now = ctx.clock.now()
    key = {
        "user_id": row.user_id,
        "language": row.language,
        "kind": kind,
        "streak_date": row.through,
        "written_at": now,
    }
    backend = session.get_bind().dialect.name
    written = insert_new(backend, _NOTICE, [key]).returning(_NOTICE.c.user_id)
    if session.execute(written).first() is None:  # another worker wrote it first
        return 0
    message_id = outbox.message_id_for(kind, row.user_id, row.language, row.through)
    outbox.emit(
        session, now, learner_id=row.user_id, event_type=kind, data=data, message_id=message_id
    )
    return 1


def _streak_data(row: Any) -> dict[str, Any]:
    return {
        "language": row.language,
        "streak": row.daily_streak,
        "last_practice_date": row.last_practice_date.isoformat(),
    }


def _at_risk_data(row: Any, today: date) -> dict[str, Any]:
    ends_at = local_midnight(row, today + timedelta(days=1))
    return {**_streak_data(row), "ends_at": ends_at.isoformat().replace("+00:00", "Z")}
