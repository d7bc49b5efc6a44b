"""Home: a learner's streaks, the practice calendar, recent badges and the log-practice form."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from zeal.badges import service as badges_service
from zeal.clock import local_date
from zeal.practice import goals, reading
from zeal.practice.activities import MAX_EVENT_SECONDS, Outcome, PracticeType
from zeal.practice.languages import LANGUAGES
from zeal.practice.models import PracticeDay
from zeal.practice.reading import LedgerQuery, StreakView
from zeal.practice.schemas import PracticeEventCreate
from zeal.use_cases.record_practice import RecordedPractice, record_practice
from zeal.web import forms
from zeal.web.formats import duration, language_name, plural
from zeal.web.pages import AnyoneDep, Form, LearnerDep, Web, sign_in_url

router = APIRouter()

CALENDAR_WEEKS = 20
RECENT_BADGES = 6
PRACTICE_TYPES = {
    PracticeType.EXERCISE: "Exercises",
    PracticeType.READING: "Reading",
    PracticeType.LISTENING: "Listening",
    PracticeType.WORD_TRANSLATED: "Translated a word",
    PracticeType.WORD_LEARNED: "Learned a word",
    PracticeType.ARTICLE_COMPLETED: "Finished an article",
    PracticeType.AUDIO_LESSON_COMPLETED: "Finished an audio lesson",
}
OUTCOMES = {
    Outcome.CORRECT: "Correct",
    Outcome.WRONG: "Wrong",
    Outcome.HINT: "Needed a hint",
    Outcome.TYPO: "Typo",
    Outcome.SKIPPED: "Skipped",
}


@dataclass(frozen=True)
class CalendarDay:
    day: date
    level: int  # 0 (none) to 4
    label: str


def _level(row_seconds: int, events: int) -> int:
    score = row_seconds // 60 + events
    return next(level for level, floor in ((4, 45), (3, 20), (2, 8), (1, 0)) if score >= floor)


def calendar_start(today: date) -> date:
    """The Monday the calendar starts on: CALENDAR_WEEKS weeks up to today's."""
    return today - timedelta(days=today.weekday(), weeks=CALENDAR_WEEKS - 1)


def calendar(rows: list[PracticeDay], today: date) -> list[list[CalendarDay | None]]:
    """Weeks (Monday first) up to today, each day shaded by how much was practised."""
    totals: dict[date, list[int]] = {}
    for row in rows:
        total = totals.setdefault(row.day, [0, 0, 0])
        total[0] += row.practice_seconds
        total[1] += row.events
        total[2] += 1
    first = calendar_start(today)
    weeks: list[list[CalendarDay | None]] = []
    for week in range(CALENDAR_WEEKS):
        days: list[CalendarDay | None] = []
        for weekday in range(7):
            current = first + timedelta(weeks=week, days=weekday)
            if current > today:
                days.append(None)
                continue
            seconds, events, languages = totals.get(current, (0, 0, 0))
            if events == 0:
                days.append(CalendarDay(current, 0, f"{current:%a %d %b}: no practice"))
                continue
            label = f"{current:%a %d %b}: {plural(events, 'event')}"
            label += f", {duration(seconds)}" if seconds else ""
            label += f" in {plural(languages, 'language')}" if languages > 1 else ""
            days.append(CalendarDay(current, _level(seconds, events), label))
        weeks.append(days)
    return weeks


def _language_choices(streaks: list[StreakView]) -> list[tuple[str, str]]:
    mine = [(view.language, language_name(view.language)) for view in streaks]
    others = sorted(
        ((code, name) for code, name in LANGUAGES.items() if code not in dict(mine)),
        key=lambda pair: pair[1],
    )
    return mine + others


def _home(web: Web, status_code: int = 200, **form: Any) -> Response:
    me = web.me
    today = local_date(me, web.ctx.clock.now())
    streaks = reading.list_streaks(web.session, me, today)
    ledger = LedgerQuery(start=calendar_start(today), end=today)
    _, _, rows = reading.list_practice_days(web.session, me, today, ledger)
    practised = len({row.day for row in rows if row.counts_for_streak})
    values = form.get("values") or {
        "language": streaks[0].language if streaks else "",
        "type": PracticeType.EXERCISE.value,
        "minutes": "5",
        "outcome": Outcome.CORRECT.value,
    }
    return web.render(
        "home.html",
        status_code,
        today=today,
        streaks=streaks,
        goal=goals.progress(web.session, me.id, today, web.ctx.settings.daily_goal_default),
        weeks=calendar(rows, today),
        days_practised=practised,
        recent_badges=badges_service.achieved(web.session, me.id)[:RECENT_BADGES],
        languages=_language_choices(streaks),
        practice_types=PRACTICE_TYPES,
        outcomes=OUTCOMES,
        values=values,
        errors=form.get("errors", {}),
        idempotency_key=uuid.uuid4().hex,
    )


@router.get("/")
def home(web: AnyoneDep) -> Response:
    if web.user is None:
        return web.redirect(sign_in_url(web.request))
    return _home(web)


def _practice_values(form: Form) -> dict[str, str]:
    return {
        name: str(form.get(name, "")).strip() for name in ("language", "type", "minutes", "outcome")
    }


def _event(values: dict[str, str], key: str) -> dict[str, Any]:
    minutes = values["minutes"]
    # isascii: "²" is a digit to str.isdigit() but not to int().
    if minutes and not (minutes.isascii() and minutes.isdigit()):
        raise forms.FormInvalid({"minutes": "Minutes are a whole number, like 5."})
    if minutes and (len(minutes) > 9 or int(minutes) * 60 > MAX_EVENT_SECONDS):
        # Said in minutes: the schema's own limit is in seconds, a unit this form never shows.
        # (The length first: int() refuses strings of more than 4300 digits.)
        raise forms.FormInvalid({"minutes": f"At most {MAX_EVENT_SECONDS // 60} minutes at once."})
    exercise = values["type"] == PracticeType.EXERCISE.value
    return {
        "type": values["type"],
        "language": values["language"].lower(),
        "duration_seconds": int(minutes) * 60 if minutes else None,
        "outcome": (values["outcome"] or None) if exercise else None,
        "idempotency_key": key or None,
    }


@router.post("/practice")
def log_practice(web: LearnerDep, form: Form) -> Response:
    """Record practice from the browser, through the same service as the API."""
    if not web.ctx.settings.practice_form:
        return web.redirect("/", "Practice is recorded by your learning app here.")
    values = _practice_values(form)
    try:
        body = forms.parse(
            PracticeEventCreate, _event(values, str(form.get("idempotency_key", "")))
        )
    except forms.FormInvalid as invalid:
        errors = {
            ("minutes" if k == "duration_seconds" else k): v for k, v in invalid.errors.items()
        }
        return _home(web, 422, values=values, errors=errors)
    practice = body.command()
    recorded: list[RecordedPractice] = []
    error = web.attempt(
        lambda: recorded.append(
            record_practice(web.session, web.ctx, user_id=web.me.id, practice=practice)
        )
    )
    if error is not None:
        return _home(web, error.status, values=values, errors=forms.refusal(error))
    return web.redirect("/", _recorded_message(recorded[0]))


def _recorded_message(recorded: RecordedPractice) -> str:
    if recorded.replayed:
        return "That practice was already recorded."
    streak = recorded.streak
    days = plural(streak.daily_streak, "day")
    message = f"Practice recorded: +{recorded.xp_earned} XP. "
    message += f"Your {language_name(streak.language)} streak: {days}."
    for badge in recorded.new_badges:
        message += f" New badge: {badge.name}!"
    return message
