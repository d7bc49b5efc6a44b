"""Placing learners by their first XP of the week: tiers, room, blocked pairs, opt-out."""

from datetime import date, timedelta

import pytest

from tests.conftest import make_settings
from tests.factories import make_learner, practise
from tests.leagues.helpers import entry, group_of, groups
from tests.threads import at_once
from zeal.accounts.models import User
from zeal.accounts.service import ProfileChange
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.friends import blocks
from zeal.use_cases.accounts import update_profile

WEEK = date(2026, 3, 9)  # the clock starts on Tuesday 10 March 2026, 12:00 UTC
NEXT = WEEK + timedelta(days=7)


@pytest.fixture
def small(database_url: str, clock: FixedClock) -> Context:
    """Groups of three, so a test can fill one."""
    return Context(make_settings(database_url, league_group_size=3), clock)


def test_the_first_xp_of_the_week_places_the_learner_and_later_xp_adds_up(
    db: Database, ctx: Context
) -> None:
    user = make_learner(db, ctx)
    assert entry(db, user, WEEK) is None
    practise(db, ctx, user)  # a correct exercise: 10 XP
    placed = entry(db, user, WEEK)
    assert placed is not None and (placed.tier, placed.xp) == (0, 10)
    practise(db, ctx, user, type="article_completed")  # 20 XP
    again = entry(db, user, WEEK)
    assert again is not None and (again.group_id, again.xp) == (placed.group_id, 30)
    assert len(groups(db, WEEK)) == 1


def test_practice_that_earns_no_xp_does_not_place_anyone(db: Database, ctx: Context) -> None:
    user = make_learner(db, ctx)
    practise(db, ctx, user, outcome="skipped")  # 0 XP in the default table
    assert entry(db, user, WEEK) is None


def test_a_group_fills_to_its_size_before_another_opens(db: Database, small: Context) -> None:
    learners = [make_learner(db, small) for _ in range(4)]
    for learner in learners:
        practise(db, small, learner)
    found = sorted(groups(db, WEEK).values(), key=len)
    assert [len(ids) for ids in found] == [1, 3]
    assert found[1] == {learner.id for learner in learners[:3]}  # in the order they came


def test_a_blocked_pair_is_never_placed_in_one_group(db: Database, small: Context) -> None:
    anna, bob, cleo = (make_learner(db, small) for _ in range(3))
    with db.transaction() as session:
        blocks.block(session, small, bob, username=anna.username)  # bob blocked anna
    practise(db, small, anna)
    practise(db, small, bob)  # anna's group has room, but not for bob
    practise(db, small, cleo)
    assert bob.id not in group_of(db, anna, WEEK)
    assert group_of(db, anna, WEEK) == {anna.id, cleo.id}
    assert group_of(db, bob, WEEK) == {bob.id}


def test_an_event_from_a_week_that_ended_counts_in_no_league(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    clock.set(clock.now() + timedelta(days=6))  # Monday 16 March, 12:00 UTC
    practise(db, ctx, user, at=clock.now() - timedelta(days=1))  # Sunday's, reported late
    assert entry(db, user, WEEK) is None and entry(db, user, NEXT) is None
    practise(db, ctx, user)
    placed = entry(db, user, NEXT)
    assert placed is not None and placed.xp == 10


def test_opting_out_leaves_this_weeks_group_and_stops_placement(
    db: Database, small: Context, clock: FixedClock
) -> None:
    anna, bob = make_learner(db, small), make_learner(db, small)
    practise(db, small, anna)
    practise(db, small, bob)
    leave(db, small, anna, False)
    assert entry(db, anna, WEEK) is None
    assert group_of(db, bob, WEEK) == {bob.id}  # the group counts one member again
    practise(db, small, anna)
    assert entry(db, anna, WEEK) is None
    leave(db, small, anna, True)
    practise(db, small, anna)
    back = entry(db, anna, WEEK)
    assert back is not None and back.xp == 10  # only XP earned while in counts


def leave(db: Database, ctx: Context, user: User, leagues: bool) -> None:
    with db.transaction() as session:
        update_profile(session, ctx, user, ProfileChange(leagues=leagues))


def test_learners_placed_at_once_never_overfill_a_group(
    db: Database, small: Context, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time: there is no race to lose")
    learners = [make_learner(db, small) for _ in range(7)]
    at_once([lambda learner=learner: practise(db, small, learner) for learner in learners])
    sizes = sorted(len(ids) for ids in groups(db, WEEK).values())
    assert sum(sizes) == 7 and max(sizes) <= 3
