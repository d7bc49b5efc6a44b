"""How numbers, dates and avatars read on the pages (Jinja filters and globals)."""

from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import urlencode

from jinja2 import Environment

from zeal.clock import HasTimezone, local_datetime
from zeal.practice.languages import LANGUAGES


def duration(seconds: int) -> str:
    """4 h 5 min, 12 min, 40 s."""
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(seconds // 60, 60)
    if hours == 0:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def time_left(seconds: float) -> str:
    """How long is left, to the minute: 5 h 12 min, 40 min, under a minute."""
    if seconds < 60:
        return "under a minute"
    return duration(int(seconds) // 60 * 60)


def board_value(value: int, unit: str) -> str:
    if unit == "seconds":
        return duration(value)
    if unit == "days":
        return f"{value} day" if value == 1 else f"{value} days"
    return f"{value:,}"


def day(value: date | datetime | None) -> str:
    """24 Nov 2026 (the month spelled out, so no one misreads day and month)."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def local_time(value: datetime, who: HasTimezone) -> str:
    """An instant on the learner's own clock: Tue 9 Dec, 00:00."""
    local = local_datetime(who, value)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def avatar_url(image: str, character_color: str, background_color: str) -> str:
    query = urlencode(
        {"character": character_color.lstrip("#"), "background": background_color.lstrip("#")}
    )
    return f"/v1/avatars/{image}.svg?{query}"


def avatar_of(learner: Any) -> str:
    """The avatar picture of a learner: a User, a row of its avatar columns, or anything with
    an `avatar` read model."""
    if hasattr(learner, "avatar_image"):
        return avatar_url(
            learner.avatar_image, learner.avatar_character_color, learner.avatar_background_color
        )
    avatar = learner.avatar
    return avatar_url(avatar.image, avatar.character_color, avatar.background_color)


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)


class StreakLike(Protocol):
    @property
    def practiced_today(self) -> bool: ...
    @property
    def daily_streak(self) -> int: ...


def flame_state(streak: StreakLike) -> str:
    """lit: today counts; at-risk: a streak that today's practice would keep; out: broken."""
    if streak.practiced_today:
        return "lit"
    return "at-risk" if streak.daily_streak > 0 else "out"


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def install(env: Environment) -> None:
    env.filters.update(
        duration=duration,
        time_left=time_left,
        board_value=board_value,
        day=day,
        local_time=local_time,
    )
    env.globals.update(
        avatar_url=avatar_url,
        avatar_of=avatar_of,
        language_name=language_name,
        plural=plural,
        flame_state=flame_state,
    )
