"""Friend-streak arithmetic without a database."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from zeal.friends.streaks import current_friend_streak, derive_friend_streak, shared_days

D = date(2026, 3, 10)
DAY = timedelta(days=1)


def alive(
    last: date, a_today: date, b_today: date, a_next: bool = False, b_next: bool = False
) -> int:
    return current_friend_streak(
        3, last, a_today=a_today, b_today=b_today, a_practised_next=a_next, b_practised_next=b_next
    )


class TestShownFriendStreak:
    def test_alive_on_the_day_after_the_last_shared_day(self) -> None:
        assert alive(D, D + DAY, D + DAY) == 3

    def test_zero_once_the_next_day_ended_for_both_without_practice(self) -> None:
        assert alive(D, D + 2 * DAY, D + 2 * DAY) == 0

    def test_zero_once_either_friend_missed_the_next_day(self) -> None:
        # A practised on the next day, B did not, and B's next day is over.
        assert alive(D, D + 2 * DAY, D + 2 * DAY, a_next=True) == 0

    def test_a_friend_still_living_the_next_day_has_not_missed_it(self) -> None:
        # A (far east) is already two days on and practised the next day; B (far west) is
        # still on that next day.
        assert alive(D, D + 2 * DAY, D + DAY, a_next=True) == 3

    def test_a_friend_behind_in_time_cannot_break_it_for_the_other(self) -> None:
        assert alive(D, D + 2 * DAY, D + DAY, a_next=False) == 0

    def test_no_shared_day_yet(self) -> None:
        assert (
            current_friend_streak(
                0, None, a_today=D, b_today=D, a_practised_next=False, b_practised_next=False
            )
            == 0
        )


class TestDerivation:
    def test_only_days_both_practised_from_the_first_day_count(self) -> None:
        a = [D - DAY, D, D + DAY, D + 2 * DAY]
        b = [D - DAY, D, D + 2 * DAY]
        assert shared_days(a, b, first_day=D) == {D, D + 2 * DAY}
        state = derive_friend_streak(a, b, first_day=D)
        assert (state.daily_streak, state.last_practice_date, state.max_streak) == (
            1,
            D + 2 * DAY,
            1,
        )

    @given(st.sets(st.integers(0, 40)), st.sets(st.integers(0, 40)), st.integers(0, 40))
    def test_the_streak_never_counts_a_day_before_the_friendship(
        self, a: set[int], b: set[int], first: int
    ) -> None:
        days = lambda offsets: [D + timedelta(days=n) for n in offsets]  # noqa: E731
        state = derive_friend_streak(days(a), days(b), D + timedelta(days=first))
        if state.last_practice_date is not None:
            earliest = state.last_practice_date - timedelta(days=state.daily_streak - 1)
            assert earliest >= D + timedelta(days=first)
            assert state.max_streak <= len(a & b)
