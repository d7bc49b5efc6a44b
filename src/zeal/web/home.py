"""Home: a learner's streaks, the practice calendar, recent badges and the log-practice form."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.badges import service as badges_service
from zeal.clock import local_date, local_midnight
from zeal.deps import database_of
from zeal.practice import freezes, goals, reading, repairs
from zeal.practice.activities import MAX_EVENT_SECONDS, Outcome, PracticeType
from zeal.practice.languages import LANGUAGES
from zeal.practice.reading import LedgerQuery, StreakView
from zeal.practice.schemas import PracticeEventCreate
from zeal.routing import Route
from zeal.use_cases import settling, streak_repairs
from zeal.use_cases.record_practice import RecordedPractice, record_practice
from zeal.use_cases.streak_repairs import StreakRepaired
from zeal.web import forms
from zeal.web.calendar import calendar, calendar_start
from zeal.web.formats import flame_state, language_name, plural
from zeal.web.pages import AnyoneDep, Form, LearnerDep, Web, sign_in_url

router = APIRouter(route_class=Route)

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
class Hero:
    """The learner's best current streak, shown big, with the time left in their own day."""

    streak: StreakView
    state: str  # lit, at-risk or out (see flame_state)
    day_ends_at: datetime  # the instant the learner's today ends, in UTC
    seconds_left: float
    also_at_risk: list[str]  # other languages whose streak today's practice would keep


def hero(streaks: list[StreakView], me: User, now: datetime, today: date) -> Hero | None:
    if not streaks:
        return None
    best = streaks[0]  # longest first
    ends = local_midnight(me, today + timedelta(days=1))
    others = [v.language for v in streaks[1:] if flame_state(v) == "at-risk"]
    return Hero(best, flame_state(best), ends, (ends - now).total_seconds(), others)


def by_recent_practice(streaks: list[StreakView]) -> list[StreakView]:
    """The learner's languages, the one practised most recently first."""
    return sorted(streaks, key=lambda v: v.last_practice_date or date.min, reverse=True)


def _language_choices(streaks: list[StreakView]) -> list[tuple[str, str]]:
    mine = [(view.language, language_name(view.language)) for view in by_recent_practice(streaks)]
    others = sorted(
        ((code, name) for code, name in LANGUAGES.items() if code not in dict(mine)),
        key=lambda pair: pair[1],
    )
    return mine + others


def _home(web: Web, status_code: int = 200, **form: Any) -> Response:
    me = web.me
    today = local_date(me, web.ctx.clock.now())
    with _settled(web) as reads:
        streaks = reading.list_streaks(reads, me, today)
        ledger = LedgerQuery(start=calendar_start(today), end=today)
        _, _, rows = reading.list_practice_days(reads, me, today, ledger)
        kept = reading.kept_days(reads, me.id, calendar_start(today), today)
        held = freezes.held_count(reads, me.id)
        offers = _self_repairs(web, reads)
    practised = len({row.day for row in rows if row.counts_for_streak})
    values = form.get("values") or {
        "language": by_recent_practice(streaks)[0].language if streaks else "",
        "type": PracticeType.EXERCISE.value,
        "minutes": "5",
        "outcome": Outcome.CORRECT.value,
    }
    return web.render(
        "home.html",
        status_code,
        today=today,
        yesterday=today - timedelta(days=1),
        streaks=streaks,
        hero=hero(streaks, me, web.ctx.clock.now(), today),
        goal=goals.progress(web.session, me.id, today, web.ctx.settings.daily_goal_default),
        calendar=calendar(rows, today, kept),
        days_practised=practised,
        freezes_held=held,
        repair_offers=offers,
        recent_badges=badges_service.achieved(web.session, me.id)[:RECENT_BADGES],
        languages=_language_choices(streaks),
        practice_types=PRACTICE_TYPES,
        outcomes=OUTCOMES,
        values=values,
        errors=form.get("errors", {}),
        idempotency_key=uuid.uuid4().hex,
    )


def _self_repairs(web: Web, reads: Session) -> list[repairs.Offer]:
    """The broken streaks the learner may repair now (none unless the platform lets them)."""
    if not web.ctx.settings.self_repair or repairs.next_self_repair(reads, web.ctx, web.me.id):
        return []
    return repairs.offers(reads, web.ctx, web.me)


@router.post("/streak-repairs")
def repair_streak(web: LearnerDep, form: Form) -> Response:
    """The learner repairs a broken streak from the home page (`ZEAL_SELF_REPAIR`)."""
    language = str(form.get("language", "")).strip().lower()
    done: list[StreakRepaired] = []
    return web.act(
        lambda: done.append(
            streak_repairs.repair_streak(
                web.session, web.ctx, web.me.id, language, by=repairs.LEARNER
            )
        ),
        "/",
        lambda: _repaired_message(done[0]),
    )


def _repaired_message(done: StreakRepaired) -> str:
    name = language_name(done.repaired.language)
    return f"Streak repaired: your {name} streak is {plural(done.streak.daily_streak, 'day')}."


@contextmanager
def _settled(web: Web) -> Iterator[Session]:
    """The freezes due are spent before a learner sees their home page. A page shown again
    after a refused form (a writing request, which holds the learner's lock) reads as it is."""
    if web.request.method != "GET":
        yield web.session
        return
    with settling.settled(database_of(web.request), web.session, web.ctx, web.me) as reads:
        yield reads


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
    if minutes.startswith("-") and minutes[1:].isascii() and minutes[1:].isdigit():
        raise forms.FormInvalid({"minutes": "Minutes cannot be negative: how long was it?"})
    if minutes and not (minutes.isascii() and minutes.isdigit()):
        raise forms.FormInvalid({"minutes": "Minutes are a whole number, like 5."})
    if minutes and int(minutes[:9]) == 0:
        raise forms.FormInvalid(
            {"minutes": "Enter at least 1 minute, or leave it empty if you did not time it."}
        )
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
