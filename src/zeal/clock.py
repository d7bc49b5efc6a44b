"""Time: an injectable clock and the one function that turns an instant into a learner's day."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo, available_timezones


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move; tests and the demo loader use it."""

    def __init__(self, instant: datetime) -> None:
        self.set(instant)

    def now(self) -> datetime:
        return self._instant

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self._instant = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._instant += delta


class HasTimezone(Protocol):
    @property
    def timezone(self) -> str: ...


# Files some systems keep beside the zones, which are not zones a learner lives in.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    return frozenset(
        name
        for name in available_timezones()
        if name not in _NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


def is_timezone(name: str) -> bool:
    return name in known_timezones()


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_datetime(user: HasTimezone, instant: datetime) -> datetime:
    """`instant` on the learner's own wall clock (their IANA time zone)."""
    if instant.tzinfo is None:
        raise ValueError("local times need a timezone-aware instant")
    return instant.astimezone(_zone(user.timezone))


def local_midnight(user: HasTimezone, day: date) -> datetime:
    """The instant the learner's local `day` begins (in UTC)."""
    return datetime.combine(day, datetime.min.time(), tzinfo=_zone(user.timezone)).astimezone(UTC)


def local_date(user: HasTimezone, instant: datetime) -> date:
    """The calendar day `instant` falls on in the learner's own IANA time zone.

    Every rule that speaks of "a day" (streaks, practice days, today) goes through here.
    """
    return local_datetime(user, instant).date()


class HasIdAndTimezone(HasTimezone, Protocol):
    @property
    def id(self) -> int: ...


def todays(learners: Iterable[HasIdAndTimezone], now: datetime) -> dict[int, date]:
    """Each learner's own local date at `now`, by id."""
    learners = list(learners)
    zones = dates_by_zone({learner.timezone for learner in learners}, now)
    return {learner.id: zones[learner.timezone] for learner in learners}


def dates_by_zone(zones: Iterable[str], now: datetime) -> dict[str, date]:
    """The local date at `now` in each of these IANA time zones: many learners share a few,
    so a list of hundreds works each out once."""
    return {zone: local_date(_Somewhere(zone), now) for zone in zones}


@dataclass(frozen=True)
class _Somewhere:
    timezone: str
