"""A learner's day is their own calendar day, through DST changes and across the date line."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from zeal.clock import FixedClock, is_timezone, local_date


@dataclass
class Learner:
    timezone: str


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class TestLocalDate:
    def test_late_evening_is_still_today_in_the_learners_zone(self) -> None:
        # 23:30 in Copenhagen (winter, UTC+1) is 22:30 UTC.
        assert local_date(Learner("Europe/Copenhagen"), utc(2026, 1, 15, 22, 30)) == date(
            2026, 1, 15
        )

    def test_just_after_local_midnight_is_tomorrow(self) -> None:
        assert local_date(Learner("Europe/Copenhagen"), utc(2026, 1, 15, 23, 30)) == date(
            2026, 1, 16
        )

    def test_spring_forward_day_in_copenhagen(self) -> None:
        copenhagen = Learner("Europe/Copenhagen")
        # 2026-03-29: 02:00 -> 03:00, so local midnight of the 30th is 22:00 UTC on the 29th.
        assert local_date(copenhagen, utc(2026, 3, 29, 21, 59)) == date(2026, 3, 29)
        assert local_date(copenhagen, utc(2026, 3, 29, 22, 0)) == date(2026, 3, 30)

    def test_fall_back_day_in_copenhagen(self) -> None:
        copenhagen = Learner("Europe/Copenhagen")
        # 2026-10-25: 03:00 -> 02:00, a 25-hour day; it ends at 23:00 UTC.
        assert local_date(copenhagen, utc(2026, 10, 24, 22, 30)) == date(2026, 10, 25)
        assert local_date(copenhagen, utc(2026, 10, 25, 22, 59)) == date(2026, 10, 25)
        assert local_date(copenhagen, utc(2026, 10, 25, 23, 0)) == date(2026, 10, 26)

    def test_one_instant_is_two_days_apart_across_the_date_line(self) -> None:
        instant = utc(2026, 6, 15, 10, 30)
        assert local_date(Learner("Pacific/Kiritimati"), instant) == date(2026, 6, 16)
        assert local_date(Learner("Pacific/Pago_Pago"), instant) == date(2026, 6, 14)

    def test_naive_instants_are_refused(self) -> None:
        with pytest.raises(ValueError):
            local_date(Learner("UTC"), datetime(2026, 1, 1))  # noqa: DTZ001


class TestClock:
    def test_fixed_clock_moves_only_when_told(self) -> None:
        clock = FixedClock(utc(2026, 1, 1))
        clock.advance(timedelta(hours=25))
        assert clock.now() == utc(2026, 1, 2, 1)

    def test_fixed_clock_refuses_naive_instants(self) -> None:
        with pytest.raises(ValueError):
            FixedClock(datetime(2026, 1, 1))  # noqa: DTZ001


def test_time_zone_names_are_iana_names() -> None:
    assert is_timezone("Pacific/Kiritimati")
    assert not is_timezone("Mars/Olympus_Mons")
    assert not is_timezone("localtime")
