"""Badges under concurrent events, and reading them at a fixed number of queries."""

from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from tests.factories import auth, make_friends, make_learner, practise
from tests.statements import counted
from tests.threads import at_once
from zeal.badges import catalog
from zeal.badges.models import Badge, Metric, UserBadge
from zeal.context import Context
from zeal.db import Database
from zeal.practice.activities import PracticeType
from zeal.practice.recording import Practice
from zeal.use_cases.record_practice import record_practice


def test_events_crossing_a_threshold_together_award_once(db: Database, ctx: Context) -> None:
    user = make_learner(db, ctx)
    for _ in range(8):
        practise(db, ctx, user, type="word_translated", outcome=None)

    def translate() -> list[str]:
        with db.transaction() as session:
            recorded = record_practice(
                session, ctx, user_id=user.id, practice=Practice(PracticeType.WORD_TRANSLATED, "es")
            )
        return [badge.name for badge in recorded.new_badges]

    announced = at_once([translate for _ in range(6)])
    assert sorted(name for names in announced for name in names) == ["Word Curious"]
    with db.transaction(write=False) as session:
        awards = session.scalar(
            select(func.count()).select_from(UserBadge).where(UserBadge.user_id == user.id)
        )
    assert awards == 1


def test_friendships_made_together_count_every_friend(db: Database, ctx: Context) -> None:
    hub = make_learner(db, ctx)
    others = [make_learner(db, ctx) for _ in range(4)]
    at_once([lambda o=o: make_friends(db, ctx, o, hub) for o in others])
    with db.transaction(write=False) as session:
        levels = session.scalars(
            select(Badge.level)
            .join(UserBadge, UserBadge.badge_id == Badge.id)
            .join(Metric, Metric.id == Badge.metric_id)
            .where(UserBadge.user_id == hub.id, Metric.code == "friends")
            .order_by(Badge.level)
        ).all()
    assert levels == [1, 2]  # 1 and 3 friends reached, each awarded once


BADGES_PAGE_STATEMENTS = {"postgresql": 3, "mariadb": 3, "sqlite": 4}


def badge_reads(client: TestClient, db: Database, ctx: Context) -> int:
    user = make_learner(db, ctx)
    for kind in ("word_translated", "article_completed", "word_learned"):
        for _ in range(12):
            practise(db, ctx, user, type=kind, outcome=None)
    headers = auth(client, user.username)
    # The first page after a catalog load reads the catalog into the process: not counted.
    assert client.get("/v1/me/badges", headers=headers).status_code == 200
    with counted(client) as statements:
        assert client.get("/v1/me/badges", headers=headers).status_code == 200
    return len(statements)


def test_reading_badges_costs_the_same_whatever_the_catalog_size(
    client: TestClient, catalog_edits: Database, ctx: Context
) -> None:
    db = catalog_edits
    full = badge_reads(client, db, ctx)
    # Sign-in, the badges with the learner's part, the live gauges (and SQLite's BEGIN).
    assert full == BADGES_PAGE_STATEMENTS[db.backend]
    small = "\n".join(
        line for line in catalog.default_catalog_text().splitlines() if not line.startswith("#")
    )
    specs = [spec for spec in catalog.parse(small) if spec.code in ("read_articles", "friends")]
    with db.transaction() as session:
        session.execute(delete(UserBadge))
        session.execute(delete(Badge))
        session.execute(delete(Metric))
        catalog.load(session, specs)
    assert badge_reads(client, db, ctx) == full
