"""Catching up after a catalog change: learners get what their history already earned, once,
through `catch_up` and through `zeal badges recompute` / `zeal badges load`."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from tests.factories import make_friends, make_learner, practise
from zeal import cli
from zeal.accounts.models import User
from zeal.badges import service as badges_service
from zeal.badges.catalog import default_catalog_text, load, parse
from zeal.badges.catch_up import CatchUpReport, catch_up
from zeal.badges.models import Badge, Metric, UserBadge, UserMetric
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database

runner = CliRunner()
DAY = timedelta(days=1)
Data = dict[str, Any]


def catalog_text(change: Callable[[Data], object] | None = None) -> str:
    data: Data = yaml.safe_load(default_catalog_text())
    if change is not None:
        change(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def without(*codes: str) -> str:
    """The default catalog with some metrics left out."""

    def drop(data: Data) -> None:
        data["metrics"] = [m for m in data["metrics"] if m["code"] not in codes]

    return catalog_text(drop)


def with_threshold(code: str, level: int, threshold: int) -> str:
    def lower(data: Data) -> None:
        metric = next(m for m in data["metrics"] if m["code"] == code)
        next(b for b in metric["badges"] if b["level"] == level)["threshold"] = threshold

    return catalog_text(lower)


def replace_catalog(db: Database, text: str) -> None:
    """Start over with only `text` as the catalog (no awards, no values)."""
    with db.transaction() as session:
        for table in (UserBadge, UserMetric, Badge, Metric):
            session.execute(delete(table))
        load(session, parse(text))


def load_text(db: Database, text: str) -> None:
    with db.transaction() as session:
        load(session, parse(text))


def run(db: Database, ctx: Context, **options: Any) -> CatchUpReport:
    with db.transaction() as session:
        return catch_up(session, ctx, **options)


def badge_names(db: Database, user: User) -> set[str]:
    with db.transaction(write=False) as session:
        return {badge.name for _, badge, _ in badges_service.achieved(session, user.id)}


def award_count(db: Database) -> int:
    with db.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(UserBadge)) or 0


def progress(db: Database, ctx: Context, user: User, code: str) -> badges_service.MetricProgress:
    with db.transaction(write=False) as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        return next(
            p for p in badges_service.board(session, ctx, fresh).metrics if p.metric.code == code
        )


def repeat(db: Database, ctx: Context, user: User, times: int, **fields: Any) -> None:
    for _ in range(times):
        practise(db, ctx, user, **fields)


def translated_twelve_words_unmeasured(db: Database, ctx: Context) -> User:
    """A learner who translated 12 words while the catalog had no translated_words; then the
    full catalog is loaded (without catching up)."""
    replace_catalog(db, without("translated_words"))
    learner = make_learner(db, ctx)
    for _ in range(12):
        assert practise(db, ctx, learner, type="word_translated").new_badges == []
    load_text(db, default_catalog_text())
    assert badge_names(db, learner) == set()
    return learner


class TestHistoryCounts:
    def test_words_translated_before_the_metric_existed_earn_its_badge(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        # W26: catch-up rebuilds counters from the practice history.
        learner = translated_twelve_words_unmeasured(catalog_edits, ctx)
        report = run(catalog_edits, ctx)
        assert report.awards == {learner.username: ["Word Curious"]}
        assert badge_names(catalog_edits, learner) == {"Word Curious"}
        translated = progress(catalog_edits, ctx, learner, "translated_words")
        assert translated.value == 12
        assert translated.next_badge is not None
        assert translated.next_badge.name == "Translation Enthusiast"

    def test_the_next_word_counts_on_from_the_history(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        # W26: after catching up, live counting continues from the rebuilt value.
        learner = translated_twelve_words_unmeasured(catalog_edits, ctx)
        run(catalog_edits, ctx)
        practise(catalog_edits, ctx, learner, type="word_translated")
        assert progress(catalog_edits, ctx, learner, "translated_words").value == 13

    def test_a_lowered_threshold_reaches_those_who_meet_it(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        three, two, five = (make_learner(catalog_edits, ctx) for _ in range(3))
        repeat(catalog_edits, ctx, three, 3)
        repeat(catalog_edits, ctx, two, 2)
        repeat(catalog_edits, ctx, five, 5)
        repeat(catalog_edits, ctx, two, 3, outcome="wrong")  # wrong answers do not count
        load_text(catalog_edits, with_threshold("correct_exercises", 1, 3))
        report = run(catalog_edits, ctx)
        assert report.awards == {
            three.username: ["Warm-Up Done"],
            five.username: ["Warm-Up Done"],
        }
        assert badge_names(catalog_edits, three) == {"Warm-Up Done"}
        assert badge_names(catalog_edits, five) == {"Warm-Up Done"}
        assert badge_names(catalog_edits, two) == set()

    def test_friends_count_as_they_are_now(self, catalog_edits: Database, ctx: Context) -> None:
        replace_catalog(catalog_edits, without("friends"))
        a, b, c = (make_learner(catalog_edits, ctx) for _ in range(3))
        make_friends(catalog_edits, ctx, a, b)
        make_friends(catalog_edits, ctx, a, c)
        load_text(catalog_edits, default_catalog_text())
        report = run(catalog_edits, ctx)
        assert report.awards[a.username] == ["Newcomer"]
        assert report.awards[b.username] == ["Newcomer"]
        assert progress(catalog_edits, ctx, a, "friends").value == 2
        assert badge_names(catalog_edits, c) == {"Newcomer"}


class TestOneTimeBadges:
    def test_a_second_language_practised_before_the_badge_existed_earns_it(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        replace_catalog(catalog_edits, without("multilingual"))
        both, one = make_learner(catalog_edits, ctx), make_learner(catalog_edits, ctx)
        practise(catalog_edits, ctx, both, language="es")
        practise(catalog_edits, ctx, both, language="pt")
        practise(catalog_edits, ctx, one, language="es")
        practise(catalog_edits, ctx, one, language="es")
        load_text(catalog_edits, default_catalog_text())
        assert run(catalog_edits, ctx).awards == {both.username: ["Two Tongues"]}
        assert badge_names(catalog_edits, both) == {"Two Tongues"}
        assert badge_names(catalog_edits, one) == set()


class TestStreaks:
    def test_the_best_streak_ever_counts_even_after_it_lapsed(
        self, catalog_edits: Database, ctx: Context, clock: FixedClock
    ) -> None:
        replace_catalog(catalog_edits, without("streak_days"))
        four, two = make_learner(catalog_edits, ctx), make_learner(catalog_edits, ctx)
        for day in range(4):
            practise(catalog_edits, ctx, four)
            if day < 2:
                practise(catalog_edits, ctx, two)
            clock.advance(DAY)
        clock.advance(3 * DAY)  # both streaks lapsed
        load_text(catalog_edits, default_catalog_text())
        report = run(catalog_edits, ctx)
        assert report.awards == {four.username: ["Spark"]}
        assert badge_names(catalog_edits, four) == {"Spark"}
        assert badge_names(catalog_edits, two) == set()
        streak = progress(catalog_edits, ctx, four, "streak_days")
        assert streak.value == 0  # the gauge shows today's streak; the badge stays
        assert [s.badge.name for s in streak.badges if s.achieved_at] == ["Spark"]


class TestRunningIt:
    def test_a_dry_run_reports_and_changes_nothing(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        learner = translated_twelve_words_unmeasured(catalog_edits, ctx)
        other = make_learner(catalog_edits, ctx)
        repeat(catalog_edits, ctx, other, 4)
        load_text(catalog_edits, with_threshold("correct_exercises", 1, 3))
        report = run(catalog_edits, ctx, dry_run=True)
        assert report.awards == {
            learner.username: ["Word Curious"],
            other.username: ["Warm-Up Done"],
        }
        assert report.badges == 2
        assert award_count(catalog_edits) == 0
        assert progress(catalog_edits, ctx, learner, "translated_words").value == 0
        assert run(catalog_edits, ctx).awards == report.awards  # the real run does what it said

    def test_running_twice_awards_nothing_the_second_time(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        learner = translated_twelve_words_unmeasured(catalog_edits, ctx)
        assert run(catalog_edits, ctx).awards == {learner.username: ["Word Curious"]}
        awarded = award_count(catalog_edits)
        again = run(catalog_edits, ctx)
        assert again.awards == {}
        assert again.badges == 0
        assert award_count(catalog_edits) == awarded == 1

    def test_badges_already_awarded_live_are_not_awarded_again(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        learner = make_learner(catalog_edits, ctx)
        repeat(catalog_edits, ctx, learner, 10, type="word_translated")
        practise(catalog_edits, ctx, learner, type="article_completed")
        assert badge_names(catalog_edits, learner) == {"Word Curious", "First Page"}
        assert run(catalog_edits, ctx).awards == {}
        assert award_count(catalog_edits) == 2

    def test_every_batch_of_learners_is_covered(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        replace_catalog(catalog_edits, without("read_articles"))
        learners = [make_learner(catalog_edits, ctx) for _ in range(5)]
        for learner in learners:
            practise(catalog_edits, ctx, learner, type="article_completed")
        load_text(catalog_edits, default_catalog_text())
        report = run(catalog_edits, ctx, batch_size=2)
        assert report.learners == 5
        assert report.awards == {learner.username: ["First Page"] for learner in learners}
        for learner in learners:
            assert badge_names(catalog_edits, learner) == {"First Page"}


class TestTheCommands:
    def test_recompute_dry_run_prints_who_would_get_what_and_changes_nothing(
        self, cli_env: None, catalog_edits: Database, ctx: Context
    ) -> None:
        learner = translated_twelve_words_unmeasured(catalog_edits, ctx)
        result = runner.invoke(cli.app, ["badges", "recompute", "--dry-run"])
        assert result.exit_code == 0, result.output
        assert f"  {learner.username} would get: Word Curious" in result.stdout
        assert "1 learners checked; 1 badges would be awarded to 1 learners" in result.stdout
        assert award_count(catalog_edits) == 0
        assert progress(catalog_edits, ctx, learner, "translated_words").value == 0

    def test_recompute_awards_and_prints_who_got_what(
        self, cli_env: None, catalog_edits: Database, ctx: Context
    ) -> None:
        learner = translated_twelve_words_unmeasured(catalog_edits, ctx)
        result = runner.invoke(cli.app, ["badges", "recompute", "--batch-size", "1"])
        assert result.exit_code == 0, result.output
        assert f"  {learner.username} got: Word Curious" in result.stdout
        assert badge_names(catalog_edits, learner) == {"Word Curious"}
        again = runner.invoke(cli.app, ["badges", "recompute"])
        assert again.exit_code == 0, again.output
        assert "got:" not in again.stdout
        assert award_count(catalog_edits) == 1

    def test_loading_a_catalog_catches_up(
        self, cli_env: None, catalog_edits: Database, ctx: Context, tmp_path: Path
    ) -> None:
        replace_catalog(catalog_edits, without("translated_words"))
        learner = make_learner(catalog_edits, ctx)
        repeat(catalog_edits, ctx, learner, 12, type="word_translated")
        path = tmp_path / "catalog.yaml"
        path.write_text(default_catalog_text(), encoding="utf-8")
        result = runner.invoke(cli.app, ["badges", "load", str(path)])
        assert result.exit_code == 0, result.output
        assert "catalog: 6 created" in result.stdout  # the metric and its five levels
        assert f"  {learner.username} got: Word Curious" in result.stdout
        assert badge_names(catalog_edits, learner) == {"Word Curious"}
        assert progress(catalog_edits, ctx, learner, "translated_words").value == 12

    def test_a_dry_run_load_changes_nothing(
        self, cli_env: None, catalog_edits: Database, ctx: Context, tmp_path: Path
    ) -> None:
        replace_catalog(catalog_edits, without("translated_words"))
        learner = make_learner(catalog_edits, ctx)
        repeat(catalog_edits, ctx, learner, 12, type="word_translated")
        path = tmp_path / "catalog.yaml"
        path.write_text(default_catalog_text(), encoding="utf-8")
        result = runner.invoke(cli.app, ["badges", "load", str(path), "--dry-run"])
        assert result.exit_code == 0, result.output
        assert f"  {learner.username} would get: Word Curious" in result.stdout
        assert "dry run: nothing was changed" in result.stdout
        assert award_count(catalog_edits) == 0
        with catalog_edits.transaction(write=False) as session:
            codes = set(session.scalars(select(Metric.code)))
        assert "translated_words" not in codes
