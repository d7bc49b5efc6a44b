"""The first practice day of a learner with many friends costs the same few statements as with
few: friend streaks move in set-based SQL, never one statement per friendship, also when a late
event joins two runs of shared days."""

from datetime import timedelta
from typing import cast

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.factories import make_friends, make_learner, practise
from tests.statements import counted
from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.friends.models import Friendship

# The whole request: key, learner lock, what booking needs to know, day, streak, totals,
# friend streaks (lock and extend, with a read first on MariaDB; a late event adds its few
# ledger reads and one batched write), badge values and awards, the event. What matters is
# that it does not grow with the number of friends. SQLite counts its BEGIN IMMEDIATE too.
# Today's event here earns a badge (a 3-day streak), so it also keeps its celebration: one
# INSERT that only an event earning something pays. A late day also asks whether a streak
# freeze had kept it (one UPDATE that gives the freeze back when one had). Today's event adds
# its XP to the learner's league entry this week (one UPDATE; the late one is last week's).
FIRST_DAY_STATEMENTS = {"postgresql": 13, "mariadb": 14, "sqlite": 14}
LATE_DAY_STATEMENTS = {"postgresql": 17, "mariadb": 17, "sqlite": 18}


def world(db: Database, ctx: Context, friends: int) -> tuple[User, list[User]]:
    """`me` practised 5 and 2..1 days ago (not 3 days ago, not today); every friend practised
    on each of the last 6 days, so each friend streak is 2 long and broken 3 days ago."""
    clock = cast(FixedClock, ctx.clock)
    now = clock.now()
    me = make_learner(db, ctx)
    others = [make_learner(db, ctx) for _ in range(friends)]
    clock.set(now - timedelta(days=6))  # friends since before the days below
    for other in others:
        make_friends(db, ctx, me, other)
    clock.set(now)
    for days_ago in (5, 4, 2, 1):
        practise(db, ctx, me, at=now - timedelta(days=days_ago))
    for other in others:
        for days_ago in range(6):
            practise(db, ctx, other, at=now - timedelta(days=days_ago), language="fr")
    return me, others


def post(client: TestClient, key: str, me: User, days_ago: int, name: str) -> int:
    at = client.app.state.context.clock.now() - timedelta(days=days_ago)  # type: ignore[attr-defined]
    with counted(client) as statements:
        response = client.post(
            f"/v1/users/{me.id}/practice-events",
            headers={"X-API-Key": key},
            json={"type": "exercise", "language": "es", "outcome": "correct",
                  "occurred_at": at.isoformat(), "idempotency_key": name},
        )  # fmt: skip
    assert response.status_code == 201, response.text
    return len(statements)


def friend_streaks(db: Database, me: User) -> list[tuple[int, int]]:
    with db.transaction(write=False) as session:
        rows = session.execute(
            select(Friendship.friend_streak, Friendship.max_friend_streak).where(
                Friendship.of_learner(me.id)
            )
        )
        return sorted(tuple(row) for row in rows)


def test_first_and_late_days_cost_the_same_with_2_or_12_friends(
    client: TestClient, db: Database, ctx: Context
) -> None:
    with db.transaction() as session:
        api_key, _ = accounts_service.create_api_key(session, ctx, name="platform")
    # The process reads the badge catalog once, on the first event it sees: not counted here.
    post(client, api_key, make_learner(db, ctx), 0, "warm-up")
    counts = {}
    for friends in (2, 12):
        me, _ = world(db, ctx, friends)
        assert friend_streaks(db, me) == [(2, 2)] * friends
        today = post(client, api_key, me, 0, f"today-{friends}")
        assert friend_streaks(db, me) == [(3, 3)] * friends
        # 3 days ago joins the run of 5..4 days ago to 2 days ago..today: 6 shared days.
        late = post(client, api_key, me, 3, f"late-{friends}")
        assert friend_streaks(db, me) == [(6, 6)] * friends
        counts[friends] = (today, late)
    assert counts[2] == counts[12]
    today, late = counts[12]
    backend = db.backend
    assert today <= FIRST_DAY_STATEMENTS[backend], counts
    assert late <= LATE_DAY_STATEMENTS[backend], counts
