"""Reading leagues back in tests."""

from datetime import date

from sqlalchemy import select

from zeal.accounts.models import User
from zeal.db import Database
from zeal.leagues.models import LeagueEntry, LeagueGroup


def entry(db: Database, user: User, week: date) -> LeagueEntry | None:
    with db.transaction(write=False) as session:
        return session.scalar(
            select(LeagueEntry).where(
                LeagueEntry.user_id == user.id, LeagueEntry.week_start == week
            )
        )


def groups(db: Database, week: date) -> dict[int, set[int]]:
    """The week's groups: id -> learners' ids, checked against each group's member count."""
    with db.transaction(write=False) as session:
        found: dict[int, set[int]] = {
            group.id: set()
            for group in session.scalars(select(LeagueGroup).where(LeagueGroup.week_start == week))
        }
        counted = {
            g.id: g.members
            for g in session.scalars(select(LeagueGroup).where(LeagueGroup.week_start == week))
        }
        for row in session.scalars(select(LeagueEntry).where(LeagueEntry.week_start == week)):
            found[row.group_id].add(row.user_id)
    assert {g: len(ids) for g, ids in found.items()} == counted
    return found


def group_of(db: Database, user: User, week: date) -> set[int]:
    mine = entry(db, user, week)
    assert mine is not None
    return groups(db, week)[mine.group_id]
