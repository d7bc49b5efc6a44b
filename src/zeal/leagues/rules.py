"""The league week and a group's standings: pure rules, the same for the board and the close.

A league week is one instant for everyone: Monday 00:00 UTC to the next Monday 00:00 UTC, so
learners in one group race over the same hours wherever they live.

Standings rank by the week's XP; ties share a rank (1, 2, 2, 4) and are shown in the order
the learners joined. A tie at the edge of a zone is settled in the learners' favour: a learner
moves up when fewer than `promoted` learners earned more XP than they did (so a tie for the
last place up takes every tied learner up), and moves down only when they are among the
bottom `demoted` even with every tie counted in their favour (so a tie at that edge keeps them
all). A learner in both zones moves up. Nobody moves above the last tier or below the first:
there, the zone keeps its learners where they are.

A group smaller than the group size (the last of its tier to fill that week) moves the same
share up and down, rounded up: 7 and 5 of 30, 3 and 2 of 10, 1 and 1 of 2. A handful of
learners thus never all move up together just by having a small group.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum


class Zone(StrEnum):
    PROMOTION = "promotion"
    SAFE = "safe"
    DEMOTION = "demotion"


class Outcome(StrEnum):
    PROMOTED = "promoted"
    STAYED = "stayed"
    DEMOTED = "demoted"


def week_of(instant: datetime) -> date:
    """The Monday (UTC) that starts the league week holding `instant`."""
    day = instant.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """The week's first instant and the instant it ends (the next Monday 00:00 UTC)."""
    start = datetime.combine(week_start, time(0), tzinfo=UTC)
    return start, start + timedelta(days=7)


@dataclass(frozen=True)
class Zones:
    """How many of a full group move up and down at the end of a week, the size of a full
    group, and how many tiers there are."""

    promoted: int
    demoted: int
    tiers: int
    group_size: int

    def of_size(self, size: int) -> tuple[int, int]:
        """How many of a group of `size` move up, and how many down."""
        if size >= self.group_size:
            return self.promoted, self.demoted
        return _share(self.promoted, size, self.group_size), _share(
            self.demoted, size, self.group_size
        )


def _share(count: int, size: int, full: int) -> int:
    """`count` of a full group, scaled to `size` and rounded up."""
    return -(-count * size // full)


@dataclass(frozen=True)
class Standing:
    user_id: int
    xp: int
    rank: int
    zone: Zone


def standings(entries: Sequence[tuple[int, int]], zones: Zones, tier: int) -> list[Standing]:
    """`entries`: (user_id, xp) in the order the learners joined; the standings best first."""
    ordered = sorted(enumerate(entries), key=lambda item: (-item[1][1], item[0]))
    size, ranked = len(entries), []
    rank = 0
    for position, (_, (user_id, xp)) in enumerate(ordered):
        if position == 0 or xp != ordered[position - 1][1][1]:
            rank = position + 1
        ranked.append(Standing(user_id, xp, rank, _zone(rank, size, zones, tier)))
    return ranked


def _zone(rank: int, size: int, zones: Zones, tier: int) -> Zone:
    up, down = zones.of_size(size)
    if rank <= up and tier < zones.tiers - 1:
        return Zone.PROMOTION
    if size - rank < down and tier > 0 and rank > up:
        return Zone.DEMOTION
    return Zone.SAFE


def outcome_of(zone: Zone) -> Outcome:
    return {
        Zone.PROMOTION: Outcome.PROMOTED,
        Zone.SAFE: Outcome.STAYED,
        Zone.DEMOTION: Outcome.DEMOTED,
    }[zone]


def next_tier(tier: int, outcome: Outcome) -> int:
    """The tier a learner plays in after a week in `tier` that ended in `outcome`."""
    return tier + {Outcome.PROMOTED: 1, Outcome.STAYED: 0, Outcome.DEMOTED: -1}[outcome]
