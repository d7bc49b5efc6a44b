"""The league week and a group's standings: ties, zones at their edges, the end tiers."""

from datetime import UTC, date, datetime, timedelta, timezone

from zeal.leagues.rules import (
    Outcome,
    Zone,
    Zones,
    next_tier,
    standings,
    week_bounds,
    week_of,
)

ZONES = Zones(promoted=7, demoted=5, tiers=10, group_size=30)
MIDDLE = 4  # a tier with one above and one below


def zones_by_rank(xps: list[int], tier: int = MIDDLE) -> list[tuple[int, Zone]]:
    group = [(user_id, xp) for user_id, xp in enumerate(xps, start=1)]
    return [(s.rank, s.zone) for s in standings(group, ZONES, tier)]


class TestWeek:
    def test_the_week_is_monday_to_monday_in_utc(self) -> None:
        sunday_night = datetime(2026, 3, 15, 23, 59, 59, tzinfo=UTC)
        assert week_of(sunday_night) == date(2026, 3, 9)
        assert week_of(sunday_night + timedelta(seconds=1)) == date(2026, 3, 16)
        start, end = week_bounds(date(2026, 3, 9))
        assert (start, end) == (
            datetime(2026, 3, 9, tzinfo=UTC),
            datetime(2026, 3, 16, tzinfo=UTC),
        )

    def test_one_instant_for_everyone_whatever_their_clock_says(self) -> None:
        # Monday 08:00 in Tokyo is still Sunday in UTC: last week's league.
        tokyo_monday = datetime(2026, 3, 16, 8, 0, tzinfo=timezone(timedelta(hours=9)))
        assert week_of(tokyo_monday) == date(2026, 3, 9)


class TestStandings:
    def test_ranked_by_xp_ties_share_a_rank_and_keep_the_order_they_joined(self) -> None:
        ranked = standings([(1, 50), (2, 80), (3, 50), (4, 10)], ZONES, MIDDLE)
        assert [(s.user_id, s.rank) for s in ranked] == [(2, 1), (1, 2), (3, 2), (4, 4)]

    def test_a_full_group_sends_seven_up_and_five_down(self) -> None:
        zones = zones_by_rank(list(range(300, 0, -10)))  # 30 learners, all different
        assert [zone for _, zone in zones].count(Zone.PROMOTION) == 7
        assert zones[6] == (7, Zone.PROMOTION) and zones[7] == (8, Zone.SAFE)
        assert zones[24] == (25, Zone.SAFE) and zones[25] == (26, Zone.DEMOTION)
        assert [zone for _, zone in zones].count(Zone.DEMOTION) == 5

    def test_a_tie_for_the_last_place_up_takes_every_tied_learner_up(self) -> None:
        xps = [100, 90, 80, 70, 60, 50, 40, 40, 40, *range(30, 9, -1)]
        zones = zones_by_rank(xps[:30])
        assert zones[6:9] == [(7, Zone.PROMOTION)] * 3
        assert zones[9][1] is Zone.SAFE

    def test_a_tie_at_the_edge_of_the_bottom_five_keeps_the_tied_learners(self) -> None:
        # 30 learners; places 25 and 26 tie: the best either could be is 25th, not bottom 5.
        xps = [*range(300, 60, -10), 50, 50, 4, 3, 2, 1]
        zones = zones_by_rank(xps)
        assert zones[24:26] == [(25, Zone.SAFE), (25, Zone.SAFE)]
        assert [zone for _, zone in zones].count(Zone.DEMOTION) == 4

    def test_a_tie_inside_the_bottom_five_goes_down_together(self) -> None:
        xps = [*range(300, 50, -10), 5, 5, 5, 5, 5]
        zones = zones_by_rank(xps)
        assert zones[25:] == [(26, Zone.DEMOTION)] * 5

    def test_nobody_goes_below_the_first_tier_or_above_the_last(self) -> None:
        xps = list(range(300, 0, -10))
        assert Zone.DEMOTION not in {zone for _, zone in zones_by_rank(xps, tier=0)}
        assert Zone.PROMOTION not in {zone for _, zone in zones_by_rank(xps, tier=9)}

    def test_a_smaller_group_moves_the_same_share_rounded_up(self) -> None:
        ten = zones_by_rank([100, 90, 80, 70, 60, 50, 40, 30, 20, 10])
        assert [zone for _, zone in ten] == (
            [Zone.PROMOTION] * 3 + [Zone.SAFE] * 5 + [Zone.DEMOTION] * 2
        )
        assert zones_by_rank([30, 20]) == [(1, Zone.PROMOTION), (2, Zone.DEMOTION)]
        # Alone in a group: first, and in both zones: up rather than down.
        assert zones_by_rank([30]) == [(1, Zone.PROMOTION)]
        assert ZONES.of_size(29) == (7, 5) and ZONES.of_size(30) == (7, 5)

    def test_the_next_tier_follows_the_outcome(self) -> None:
        assert next_tier(3, Outcome.PROMOTED) == 4
        assert next_tier(3, Outcome.STAYED) == 3
        assert next_tier(3, Outcome.DEMOTED) == 2
