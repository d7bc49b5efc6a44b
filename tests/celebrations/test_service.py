"""What is celebrated: a streak reaching a milestone on today's first counting practice, and
each badge a practice event earns; each once."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Learner
from zeal.celebrations import service as celebrations
from zeal.celebrations.service import CelebrationView
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database


def event(
    client: TestClient, headers: dict[str, str], language: str = "es", **fields: object
) -> None:
    body = {"type": "exercise", "language": language, "outcome": "correct", **fields}
    response = client.post("/v1/me/practice-events", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text


def waiting(db: Database, learner: Learner) -> list[CelebrationView]:
    with db.transaction(write=False) as session:
        return celebrations.waiting(session, learner[0]["id"])


def streaks(waited: list[CelebrationView]) -> list[tuple[str | None, int | None]]:
    return [(c.language, c.days) for c in waited if c.kind == "streak"]


@pytest.mark.parametrize(
    ("days", "celebrated"),
    [
        (6, False),
        (7, True),
        (8, False),
        (14, True),
        (30, True),
        (365, True),
        (366, False),
        (730, True),
        (1000, True),
        (1001, False),
    ],
)
def test_milestones(days: int, celebrated: bool) -> None:
    assert celebrations.is_milestone(days) is celebrated


def test_the_seventh_day_in_a_row_is_celebrated_once(
    client: TestClient, db: Database, anna: Learner, clock: FixedClock
) -> None:
    for _ in range(6):
        event(client, anna[1])
        clock.advance(timedelta(days=1))
    assert streaks(waiting(db, anna)) == []

    event(client, anna[1])
    event(client, anna[1])  # more practice the same day: no second celebration

    assert streaks(waiting(db, anna)) == [("es", 7)]
    clock.advance(timedelta(days=1))
    event(client, anna[1])
    assert streaks(waiting(db, anna)) == [("es", 7)]


def test_a_late_event_that_fills_a_gap_is_not_celebrated(
    client: TestClient, db: Database, anna: Learner, clock: FixedClock
) -> None:
    start = clock.now()
    for day in (0, 1, 2, 4, 5, 6):
        clock.set(start + timedelta(days=day))
        event(client, anna[1])
    # Day 3 comes in late: the streak is now 7 long, but its seventh day is not today.
    event(client, anna[1], occurred_at=(start + timedelta(days=3)).isoformat())

    (streak,) = client.get("/v1/me/streaks", headers=anna[1]).json()["streaks"]
    assert streak["daily_streak"] == 7
    assert streaks(waiting(db, anna)) == []


def test_a_badge_earned_by_practice_is_celebrated_and_a_replay_adds_nothing(
    client: TestClient, db: Database, anna: Learner
) -> None:
    event(client, anna[1], "es")
    event(client, anna[1], "fr", idempotency_key="second-language")
    event(client, anna[1], "fr", idempotency_key="second-language")

    badges = [c.badge_name for c in waiting(db, anna) if c.kind == "badge"]
    assert badges == ["Two Tongues"]


def test_shown_ones_wait_no_longer_and_another_learners_ids_change_nothing(
    client: TestClient, db: Database, ctx: Context, anna: Learner, bob: Learner
) -> None:
    for learner in (anna, bob):
        event(client, learner[1], "es")
        event(client, learner[1], "fr")
    annas, bobs = waiting(db, anna), waiting(db, bob)

    with db.transaction() as session:
        celebrations.mark_shown(session, ctx, anna[0]["id"], [c.id for c in annas + bobs])

    assert waiting(db, anna) == []
    assert waiting(db, bob) == bobs


def test_the_data_export_lists_them_with_when_they_were_shown(
    client: TestClient, db: Database, anna: Learner
) -> None:
    event(client, anna[1], "es")
    event(client, anna[1], "fr")

    body = client.get("/v1/me/export", headers=anna[1]).json()

    assert [(c["kind"], c["badge"], c["shown_at"]) for c in body["celebrations"]] == [
        ("badge", "Two Tongues", None)
    ]
