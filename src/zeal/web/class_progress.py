"""A teacher's view of the class this week, sortable, with a CSV download."""

import csv
import io
from datetime import date

from fastapi import APIRouter, Query
from fastapi.responses import Response

from zeal.leaderboards.progress import SORT_PATTERN, ClassProgress, SortKey, class_progress
from zeal.routing import Route
from zeal.schemas import IdPath
from zeal.web.formats import language_name
from zeal.web.pages import LearnerDep

router = APIRouter(route_class=Route)

SortQuery = Query("name", pattern=SORT_PATTERN)
COLUMNS = {
    SortKey.NAME: "Student",
    SortKey.STREAK: "Streaks",
    SortKey.LAST_PRACTICE: "Last practice",
    SortKey.MINUTES: "Minutes",
    SortKey.CORRECT_EXERCISES: "Correct exercises",
    SortKey.BADGES: "Badges this week",
}
# What a first click on a column sorts by: names A-Z, who practised longest ago first (the
# students who need a word), and the most of everything else first.
FIRST_CLICK = {SortKey.NAME: "name", SortKey.LAST_PRACTICE: "last_practice"}


@router.get("/classes/{cohort_id}/progress")
def progress_page(cohort_id: IdPath, web: LearnerDep, sort: str = SortQuery) -> Response:
    progress = class_progress(web.session, web.ctx, web.me, cohort_id, sort)
    return web.render(
        "class_progress.html",
        progress=progress,
        sort=sort,
        columns=COLUMNS,
        links={key: _link(key, sort) for key in COLUMNS},
        lapsed=sum(1 for student in progress.students if student.lapsed),
    )


def _link(key: SortKey, current: str) -> str:
    """The sort a column header's link asks for: the other way round when it is the current."""
    first = FIRST_CLICK.get(key, f"-{key.value}")
    if current.removeprefix("-") != key.value:
        return first
    return current.removeprefix("-") if current.startswith("-") else f"-{current}"


@router.get("/classes/{cohort_id}/progress.csv")
def progress_csv(cohort_id: IdPath, web: LearnerDep, sort: str = SortQuery) -> Response:
    progress = class_progress(web.session, web.ctx, web.me, cohort_id, sort)
    name = f"class-{progress.cohort.id}-week-{progress.week_start.isoformat()}.csv"
    return Response(
        _csv(progress),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _csv(progress: ClassProgress) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["username", "display_name", "streaks", "best_streak", "last_practice_date",
         "days_since_practice", "lapsed", "week_minutes", "week_correct_exercises",
         "week_badges"]
    )  # fmt: skip
    for row in progress.students:
        streaks = "; ".join(f"{language_name(lang)} {days}" for lang, days in row.streaks.items())
        writer.writerow(
            [row.user.username, _cell(row.user.display_name), streaks, row.best_streak,
             _day(row.last_practice_date), _number(row.days_since_practice),
             "yes" if row.lapsed else "no", row.minutes, row.correct_exercises,
             _cell("; ".join(row.badges))]
        )  # fmt: skip
    return out.getvalue()


def _cell(text: str) -> str:
    """A learner's own words, never a formula when the sheet opens (OWASP CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


def _number(value: int | None) -> str:
    return "" if value is None else str(value)
