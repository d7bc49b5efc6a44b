"""Closing a week: ranks and outcomes written once as history, badges moved, tiers next week;
safe to run twice or at once."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import make_settings
from tests.factories import make_learner, practise
from tests.leagues.helpers import entry
from tests.threads import at_once
from zeal.accounts.models import User
from zeal.badges.models import Badge, Metric, UserBadge, UserMetric
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.leagues.closing import close_weeks
from zeal.leagues.models import LeagueGroup
from zeal.leagues.rules import Outcome

WEEK = date(2026, 3, 9)
NEXT = WEEK + timedelta(days=7)


@pytest.fixture
def league(database_url: str, clock: FixedClock) -> Context:
    """Groups of five: the top two go up, the bottom one goes down."""
    settings = make_settings(database_url, league_group_size=5, league_promoted=2, league_demoted=1)
    return Context(settings, clock)


def week_of_xp(db: Database, ctx: Context, *events: int) -> list[User]:
    """One learner per figure, each earning that many correct exercises (10 XP each)."""
    learners = [make_learner(db, ctx) for _ in events]
    for learner, exercises in zip(learners, events, strict=True):
        for _ in range(exercises):
            practise(db, ctx, learner)
    return learners


def results(db: Database, users: list[User]) -> list[tuple[int | None, str | None]]:
    found = []
    for user in users:
        mine = entry(db, user, WEEK)
        assert mine is not None
        found.append((mine.rank, mine.outcome))
    return found


def badge_names(db: Database, user: User) -> set[str]:
    with db.transaction(write=False) as session:
        return set(
            session.scalars(
                select(Badge.name)
                .join(UserBadge, UserBadge.badge_id == Badge.id)
                .where(UserBadge.user_id == user.id)
            )
        )


def metric(db: Database, user: User, code: str) -> int:
    with db.transaction(write=False) as session:
        value = session.scalar(
            select(UserMetric.value)
            .join(Metric, Metric.id == UserMetric.metric_id)
            .where(UserMetric.user_id == user.id, Metric.code == code)
        )
    return value or 0


def test_nothing_closes_while_the_week_runs(
    db: Database, league: Context, clock: FixedClock
) -> None:
    learners = week_of_xp(db, league, 3, 2, 1)
    clock.set(clock.now() + timedelta(days=5, hours=11, minutes=59))  # Sunday 23:59 UTC
    assert close_weeks(db, league).groups == 0
    assert results(db, learners) == [(None, None)] * 3


def test_a_closed_week_keeps_ranks_and_outcomes_with_ties_shared(
    db: Database, league: Context, clock: FixedClock
) -> None:
    # Bronze (the first tier) has nobody below it: the bottom stays.
    learners = week_of_xp(db, league, 5, 3, 3, 1, 2)
    clock.set(clock.now() + timedelta(days=6))
    closed = close_weeks(db, league)
    assert (closed.groups, closed.learners) == (1, 5)
    assert results(db, learners) == [
        (1, "promoted"),
        (2, "promoted"),  # a tie for the last place up: both go
        (2, "promoted"),
        (5, "stayed"),
        (4, "stayed"),
    ]
    assert closed.outcomes[Outcome.PROMOTED] == 3


def test_a_second_run_changes_nothing(db: Database, league: Context, clock: FixedClock) -> None:
    learners = week_of_xp(db, league, 3, 2, 1)
    clock.set(clock.now() + timedelta(days=6))
    assert close_weeks(db, league).groups == 1
    before = results(db, learners), metric(db, learners[0], "league_promotions")
    clock.advance(timedelta(minutes=1))
    assert close_weeks(db, league).groups == 0
    assert (results(db, learners), metric(db, learners[0], "league_promotions")) == before


def test_two_runs_at_once_close_each_group_once(
    db: Database, league: Context, clock: FixedClock, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time: there is no race to lose")
    learners = week_of_xp(db, league, *range(12, 0, -1))  # three groups of five or fewer
    clock.set(clock.now() + timedelta(days=6))
    runs = at_once([lambda: close_weeks(db, league, batch=1) for _ in range(3)])
    assert sum(run.groups for run in runs) == 3
    assert sum(run.learners for run in runs) == 12
    # Each learner's counters moved once: a top-three finish is counted one time.
    assert [metric(db, user, "league_top_three") for user in learners[:3]] == [1, 1, 1]
    with db.transaction(write=False) as session:
        assert session.scalar(select(LeagueGroup.id).where(LeagueGroup.closed_at.is_(None))) is None


def test_promotion_and_the_podium_earn_their_badges(
    db: Database, league: Context, clock: FixedClock
) -> None:
    first, second, third, last = week_of_xp(db, league, 4, 3, 2, 1)
    clock.set(clock.now() + timedelta(days=6))
    close_weeks(db, league)
    assert {"Moving Up", "On the Podium"} <= badge_names(db, first)
    assert "Moving Up" not in badge_names(db, third)
    assert "On the Podium" in badge_names(db, third)
    assert not {"Moving Up", "On the Podium"} & badge_names(db, last)
    assert metric(db, second, "league_promotions") == 1


def test_next_week_each_learner_plays_in_the_tier_their_result_gave_them(
    db: Database, league: Context, clock: FixedClock
) -> None:
    # Two Bronze groups of five: the top two of each go up to Silver.
    learners = week_of_xp(db, league, 9, 8, 3, 2, 1, 7, 6, 3, 2, 1)
    clock.set(clock.now() + timedelta(days=6))
    close_weeks(db, league)
    silver = [learners[i] for i in (0, 1, 5, 6)]
    for exercises, learner in zip((4, 3, 2, 1), silver, strict=True):
        for _ in range(exercises):
            practise(db, league, learner)
    practise(db, league, learners[2])
    assert [e.tier for u in silver if (e := entry(db, u, NEXT))] == [1, 1, 1, 1]
    placed = entry(db, learners[2], NEXT)
    assert placed is not None and placed.tier == 0
    # Silver's week: the top two go on to Gold, the last goes back down to Bronze.
    clock.set(clock.now() + timedelta(days=7))
    close_weeks(db, league)
    for learner in silver:
        practise(db, league, learner)
    later = NEXT + timedelta(days=7)
    assert [e.tier for u in silver if (e := entry(db, u, later))] == [2, 2, 1, 0]


def test_the_tier_is_known_before_the_close_has_run(
    db: Database, league: Context, clock: FixedClock
) -> None:
    """Monday just after midnight, before the worker closed last week: placement works the
    result out itself, and the close writes the same."""
    winner, *_ = week_of_xp(db, league, 3, 2, 1)
    clock.set(clock.now() + timedelta(days=6))
    practise(db, league, winner)
    placed = entry(db, winner, NEXT)
    assert placed is not None and placed.tier == 1
    close_weeks(db, league)
    assert results(db, [winner]) == [(1, "promoted")]


def test_a_learner_without_xp_is_not_placed_until_they_practise(
    db: Database, league: Context, clock: FixedClock
) -> None:
    active, idle = week_of_xp(db, league, 1, 1)  # tied first: both go up
    clock.set(clock.now() + timedelta(days=6))
    close_weeks(db, league)
    practise(db, league, active)
    assert entry(db, idle, NEXT) is None  # no XP this week: in no group
    clock.set(clock.now() + timedelta(days=7))  # a whole week away
    close_weeks(db, league)
    practise(db, league, idle)
    back = entry(db, idle, NEXT + timedelta(days=7))
    # idle went up to Silver, then sat a week out: it comes back where that left it.
    assert back is not None and back.tier == 1
