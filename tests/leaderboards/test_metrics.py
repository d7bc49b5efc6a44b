"""What each metric measures, in which unit, and for which language."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_friends, practise
from tests.http import assert_problem
from tests.leaderboards.helpers import (
    FRIENDS_BOARD,
    Headers,
    friends_board,
    get_board,
    learner,
    standings,
    values,
)
from zeal.context import Context
from zeal.db import Database


def on(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def mia(client: TestClient, db: Database, ctx: Context) -> Headers:
    """Mia's session. Her friends Ann and Bob practised this week (Monday 9 and Tuesday 10
    March; it is Tuesday noon, UTC everywhere) and Bob also last Sunday; Mia did nothing."""
    mia, headers = learner(client, db, ctx, "mia")
    ann, _ = learner(client, db, ctx, "ann")
    bob, _ = learner(client, db, ctx, "bob")
    make_friends(db, ctx, mia, ann)
    make_friends(db, ctx, mia, bob)

    practise(db, ctx, ann, at=on(9, 18), type="reading", duration_seconds=600)
    for _ in range(2):
        practise(db, ctx, ann, at=on(10, 8), type="article_completed", duration_seconds=300)
    practise(db, ctx, ann, at=on(10, 8, 30), type="listening", language="fr", duration_seconds=120)
    practise(db, ctx, ann, at=on(10, 8, 45), language="fr", duration_seconds=30)

    practise(db, ctx, bob, at=on(8, 10), duration_seconds=1000)  # last week
    for _ in range(3):
        practise(db, ctx, bob, at=on(10, 9), duration_seconds=60)
    practise(db, ctx, bob, at=on(10, 9, 30), outcome="wrong", duration_seconds=100)
    practise(db, ctx, bob, at=on(10, 9, 40), outcome=None, duration_seconds=200)  # time only
    for _ in range(4):
        practise(db, ctx, bob, at=on(10, 10), type="word_translated", language="fr")
    practise(db, ctx, bob, at=on(10, 11), type="listening", duration_seconds=900)
    return headers


class TestMetrics:
    @pytest.mark.parametrize(
        ("metric", "unit", "ann", "bob"),
        [
            ("correct_exercises", "count", 1, 3),
            ("exercise_time", "seconds", 30, 3 * 60 + 100 + 200),
            ("reading_time", "seconds", 600 + 2 * 300, 0),
            ("listening_time", "seconds", 120, 900),
            ("read_articles", "count", 2, 0),
            ("translated_words", "count", 0, 4),
            ("practice_days", "days", 2, 1),
        ],
    )
    def test_sums_this_weeks_practice(
        self, client: TestClient, mia: Headers, metric: str, unit: str, ann: int, bob: int
    ) -> None:
        board = friends_board(client, mia, metric=metric)
        assert board["metric"] == metric
        assert board["unit"] == unit
        assert board["language"] is None
        assert values(board) == {"ann": ann, "bob": bob, "mia": 0}

    def test_ranks_by_the_metric_asked_for(self, client: TestClient, mia: Headers) -> None:
        assert standings(friends_board(client, mia, metric="correct_exercises")) == [
            (1, "bob", 3),
            (2, "ann", 1),
            (3, "mia", 0),
        ]
        assert standings(friends_board(client, mia, metric="reading_time")) == [
            (1, "ann", 1200),
            (2, "bob", 0),
            (2, "mia", 0),
        ]

    def test_practice_days_count_each_local_day_once_whatever_the_languages(
        self, client: TestClient, mia: Headers
    ) -> None:
        # Bob practised Spanish and French on Tuesday, and Spanish last Sunday.
        assert values(friends_board(client, mia, metric="practice_days", period="all")) == {
            "ann": 2,
            "bob": 2,
            "mia": 0,
        }

    @pytest.mark.parametrize("metric", ["likes", "CORRECT_EXERCISES", ""])
    def test_an_unknown_metric_is_refused(
        self, client: TestClient, mia: Headers, metric: str
    ) -> None:
        assert_problem(
            get_board(client, mia, FRIENDS_BOARD, metric=metric), 422, "validation_error"
        )

    def test_a_metric_is_required(self, client: TestClient, mia: Headers) -> None:
        response = client.get(FRIENDS_BOARD, headers=mia)
        assert_problem(response, 422, "validation_error")


class TestLanguage:
    @pytest.mark.parametrize(
        ("metric", "language", "expected"),
        [
            ("correct_exercises", "es", {"ann": 0, "bob": 3, "mia": 0}),
            ("correct_exercises", "fr", {"ann": 1, "bob": 0, "mia": 0}),
            ("listening_time", "es", {"ann": 0, "bob": 900, "mia": 0}),
            ("listening_time", "fr", {"ann": 120, "bob": 0, "mia": 0}),
            ("translated_words", "es", {"ann": 0, "bob": 0, "mia": 0}),
            ("translated_words", "fr", {"ann": 0, "bob": 4, "mia": 0}),
            ("practice_days", "es", {"ann": 2, "bob": 1, "mia": 0}),
            ("practice_days", "fr", {"ann": 1, "bob": 1, "mia": 0}),
            ("practice_days", "de", {"ann": 0, "bob": 0, "mia": 0}),
        ],
    )
    def test_narrows_the_board_to_one_language(
        self,
        client: TestClient,
        mia: Headers,
        metric: str,
        language: str,
        expected: dict[str, int],
    ) -> None:
        board = friends_board(client, mia, metric=metric, language=language)
        assert board["language"] == language
        assert values(board) == expected

    def test_ignores_letter_case(self, client: TestClient, mia: Headers) -> None:
        board = friends_board(client, mia, language="FR")
        assert board["language"] == "fr"
        assert values(board) == {"ann": 1, "bob": 0, "mia": 0}

    @pytest.mark.parametrize("language", ["xx", "spanish"])
    def test_an_unknown_language_is_refused(
        self, client: TestClient, mia: Headers, language: str
    ) -> None:
        response = get_board(client, mia, FRIENDS_BOARD, language=language)
        assert_problem(response, 422, "language_unknown")


class TestStreak:
    @pytest.fixture
    def mia(self, client: TestClient, db: Database, ctx: Context) -> Headers:
        """Ann: Spanish Sunday to today (3 days), French today (1). Bob: Spanish Thursday to
        Sunday (4 days, lapsed: nothing yesterday or today). Cal: German yesterday (1)."""
        mia, headers = learner(client, db, ctx, "mia")
        others = {name: learner(client, db, ctx, name)[0] for name in ("ann", "bob", "cal")}
        for other in others.values():
            make_friends(db, ctx, mia, other)
        for day in (8, 9, 10):
            practise(db, ctx, others["ann"], at=on(day, 9))
        practise(db, ctx, others["ann"], at=on(10, 10), language="fr")
        for day in (5, 6, 7, 8):
            practise(db, ctx, others["bob"], at=on(day, 9))
        practise(db, ctx, others["cal"], at=on(9, 9), language="de")
        return headers

    def test_ranks_the_current_streak_in_the_best_language(
        self, client: TestClient, mia: Headers
    ) -> None:
        board = friends_board(client, mia, metric="streak")
        assert board["unit"] == "days"
        assert standings(board) == [(1, "ann", 3), (2, "cal", 1), (3, "bob", 0), (3, "mia", 0)]

    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            ("es", {"ann": 3, "bob": 0, "cal": 0, "mia": 0}),
            ("fr", {"ann": 1, "bob": 0, "cal": 0, "mia": 0}),
            ("de", {"ann": 0, "bob": 0, "cal": 1, "mia": 0}),
        ],
    )
    def test_in_one_language(
        self, client: TestClient, mia: Headers, language: str, expected: dict[str, int]
    ) -> None:
        assert values(friends_board(client, mia, metric="streak", language=language)) == expected

    @pytest.mark.parametrize(
        "params",
        [
            {"period": "month"},
            {"period": "all"},
            {"from_": "2026-01-01", "to": "2026-03-10"},
            {"from_": "2026-03-10", "to": "2026-03-16"},
        ],
        ids=["month", "all", "this-year", "from-today"],
    )
    def test_ignores_the_period(
        self, client: TestClient, mia: Headers, params: dict[str, str]
    ) -> None:
        board = friends_board(client, mia, metric="streak", **params)
        assert values(board) == {"ann": 3, "bob": 0, "cal": 1, "mia": 0}
