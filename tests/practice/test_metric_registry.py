"""A metric is one declaration: add one to the registry (with its column and catalog levels)
and it is booked, ranked on boards, awarded as badges and caught up, with no other code."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Integer, Table, select, text

from tests.factories import make_friends, make_learner, practise
from zeal.accounts.models import User
from zeal.badges import service as badges_service
from zeal.badges.catalog import load, parse
from zeal.badges.catch_up import catch_up
from zeal.badges.models import Metric, UserMetric
from zeal.context import Context
from zeal.db import Database
from zeal.leaderboards.service import BoardRequest, friends_board
from zeal.practice.activities import Outcome, PracticeType
from zeal.practice.metrics import METRICS, Feed, Mechanism, MetricDefinition, Ranking, Unit
from zeal.practice.models import PracticeDay, PracticeTotal

HINTED = MetricDefinition(
    "hinted_exercises",
    "Exercises solved with a hint",
    Unit.COUNT,
    column="exercises_hinted",
    feeds=(Feed(PracticeType.EXERCISE, frozenset({Outcome.HINT})),),
    mechanism=Mechanism.COUNTER,
    ranking=Ranking.SUM,
)
LEVELS = """
metrics:
  - code: hinted_exercises
    name: Hinted Exercises
    description: Exercises you solved with a hint.
    mechanism: counter
    badges:
      - {level: 1, threshold: 2, name: Help Taken, icon: correct-exercises.svg,
         achieved: Two exercises with a hint., unachieved: Use a hint.}
      - {level: 2, threshold: 4, name: Hint Hunter, icon: correct-exercises.svg,
         achieved: Four with a hint., unachieved: Use four hints.}
"""


@pytest.fixture
def hinted_exercises(catalog_edits: Database) -> Iterator[MetricDefinition]:
    """The new metric: its declaration, its columns (what its migration would add: one in the
    ledger, one in the totals boards read) and its catalog levels; all gone again afterwards."""
    db = catalog_edits
    tables: list[Table] = [PracticeDay.__table__, PracticeTotal.__table__]  # type: ignore[list-item]
    columns = [Column(HINTED.column, Integer, nullable=False, default=0) for _ in tables]
    with db.engine.begin() as connection:
        for table in tables:
            column_sql = f"{HINTED.column} INTEGER NOT NULL DEFAULT 0"
            connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column_sql}"))
    for table, column in zip(tables, columns, strict=True):
        table.append_column(column)
    try:
        with METRICS.extended(HINTED):
            with db.transaction() as session:
                load(session, parse(LEVELS))
            yield HINTED
    finally:
        for table, column in zip(tables, columns, strict=True):
            table._columns.remove(column)  # only a test takes a column back out of a table
        with db.transaction() as session:
            session.execute(text("DELETE FROM practice_total"))
            session.execute(text("DELETE FROM practice_day"))
        with db.engine.begin() as connection:
            for table in tables:
                connection.execute(text(f"ALTER TABLE {table.name} DROP COLUMN {HINTED.column}"))


def test_a_new_metric_is_booked_ranked_and_awarded(
    db: Database, ctx: Context, hinted_exercises: MetricDefinition
) -> None:
    ann, bob = make_learner(db, ctx, username="ann"), make_learner(db, ctx, username="bob")
    make_friends(db, ctx, ann, bob)
    practise(db, ctx, ann, outcome="hint")
    second = practise(db, ctx, ann, outcome="hint")
    practise(db, ctx, ann, outcome="correct")  # feeds correct exercises, not this metric
    practise(db, ctx, bob, outcome="hint")

    assert [(b.metric, b.name) for b in second.new_badges] == [("hinted_exercises", "Help Taken")]
    with db.transaction(write=False) as session:
        viewer = session.get(User, ann.id)
        assert viewer is not None
        board = friends_board(session, ctx, viewer, BoardRequest(metric="hinted_exercises"))
        progress = {p.metric.code: p for p in badges_service.board(session, ctx, viewer).metrics}
    assert [(row.learner.username, row.value, row.rank) for row in board.rows] == [
        ("ann", 2, 1),
        ("bob", 1, 2),
    ]
    assert board.metric.unit is Unit.COUNT
    hinted = progress["hinted_exercises"]
    assert (hinted.value, hinted.next_badge and hinted.next_badge.name) == (2, "Hint Hunter")


def test_catch_up_counts_a_new_metric_from_the_ledger(
    db: Database, ctx: Context, hinted_exercises: MetricDefinition
) -> None:
    ann = make_learner(db, ctx, username="ann")
    for _ in range(4):
        practise(db, ctx, ann, outcome="hint")
    with db.transaction() as session:
        session.execute(text("DELETE FROM user_metric"))
        session.execute(text("DELETE FROM user_badge"))

    with db.transaction() as session:
        report = catch_up(session, ctx)
        value = session.scalar(
            select(UserMetric.value)
            .join(Metric, Metric.id == UserMetric.metric_id)
            .where(UserMetric.user_id == ann.id, Metric.code == "hinted_exercises")
        )
    assert report.awards == {"ann": ["Help Taken", "Hint Hunter"]}
    assert value == 4
