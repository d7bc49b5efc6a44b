"""The badge catalog file: what it must say, loading it into the database, and `zeal badges load`.

Catalog files are built from the default one, changed in one place each.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import auth, make_learner, practise
from zeal import cli
from zeal.accounts.models import User
from zeal.badges import service as badges_service
from zeal.badges.catalog import CatalogError, LoadReport, default_catalog_text, load, parse
from zeal.badges.models import Badge, Metric, UserBadge
from zeal.context import Context
from zeal.db import Database

runner = CliRunner()

DEFAULT_ORDER = [
    "translated_words",
    "correct_exercises",
    "completed_audio_lessons",
    "streak_days",
    "learned_words",
    "read_articles",
    "xp",
    "goal_streak_days",
    "friends",
    "league_promotions",
    "league_top_three",
    "profile_customised",
    "multilingual",
    "night_owl",
]

Data = dict[str, Any]


def default_data() -> Data:
    data: Data = yaml.safe_load(default_catalog_text())
    return data


def dump(data: Data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def metric_of(data: Data, code: str) -> Data:
    found: Data = next(m for m in data["metrics"] if m["code"] == code)
    return found


def badge_of(data: Data, code: str, level: int) -> Data:
    found: Data = next(b for b in metric_of(data, code)["badges"] if b["level"] == level)
    return found


def problems(text: str) -> list[str]:
    with pytest.raises(CatalogError) as info:
        parse(text)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def changed(change: Callable[[Data], object]) -> str:
    data = default_data()
    change(data)
    return dump(data)


def load_text(db: Database, text: str) -> LoadReport:
    with db.transaction() as session:
        return load(session, parse(text))


Row = tuple[str, int, int, str, str, str, str, bool]


def catalog_rows(db: Database) -> list[Row]:
    with db.transaction(write=False) as session:
        rows = session.execute(
            select(Metric.code, Badge).join(Badge, Badge.metric_id == Metric.id)
        ).all()
        return sorted(
            (
                code,
                b.level,
                b.threshold,
                b.name,
                b.achieved_description,
                b.unachieved_description,
                b.icon,
                b.hidden,
            )
            for code, b in rows
        )


def badge_row(db: Database, code: str, level: int) -> Badge:
    with db.transaction(write=False) as session:
        found = session.scalar(
            select(Badge)
            .join(Metric, Metric.id == Badge.metric_id)
            .where(Metric.code == code, Badge.level == level)
        )
        assert found is not None
        return found


def achieved_by(db: Database, user: User) -> list[tuple[int, str]]:
    with db.transaction(write=False) as session:
        return [(badge.id, badge.name) for _, badge, _ in badges_service.achieved(session, user.id)]


def first_badge(client: TestClient, headers: dict[str, str], code: str) -> tuple[str, int]:
    page = client.get("/v1/me/badges", headers=headers)
    assert page.status_code == 200, page.text
    metric = next(m for m in page.json()["metrics"] if m["code"] == code)
    return metric["badges"][0]["name"], metric["badges"][0]["threshold"]


def board_codes(db: Database, ctx: Context, user: User) -> list[str]:
    with db.transaction(write=False) as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        return [p.metric.code for p in badges_service.board(session, ctx, fresh).metrics]


class TestTheDefaultCatalog:
    def test_parses_into_fourteen_metrics_and_fifty_seven_badges(self) -> None:
        specs = parse(default_catalog_text())
        assert [s.code for s in specs] == DEFAULT_ORDER
        assert sum(len(s.badges) for s in specs) == 57
        word_curious = specs[0].badges[0]
        assert (word_curious.level, word_curious.threshold, word_curious.name) == (
            1,
            10,
            "Word Curious",
        )
        assert word_curious.achieved_description == "10 words translated. Each tap, a tiny 'aha!'."
        assert word_curious.unachieved_description == "Translate 10 words while reading."
        assert word_curious.icon == "translated-words.svg"
        assert [s.code for s in specs if any(b.hidden for b in s.badges)] == ["night_owl"]
        assert {s.code: s.mechanism for s in specs}["streak_days"] == "gauge"

    def test_is_what_the_database_holds_after_the_migrations(self, db: Database) -> None:
        expected = sorted(
            (
                s.code,
                b.level,
                b.threshold,
                b.name,
                b.achieved_description,
                b.unachieved_description,
                b.icon,
                b.hidden,
            )
            for s in parse(default_catalog_text())
            for b in s.badges
        )
        assert catalog_rows(db) == expected


def _set(code: str, level: int, key: str, value: object) -> Callable[[Data], object]:
    return lambda data: badge_of(data, code, level).__setitem__(key, value)


def _drop(code: str, level: int, key: str) -> Callable[[Data], object]:
    return lambda data: badge_of(data, code, level).pop(key)


def _second_owl(data: Data) -> None:
    owl = metric_of(data, "night_owl")
    owl["badges"].append({**owl["badges"][0], "level": 2, "threshold": 2})


INVALID = [
    pytest.param(
        lambda data: metric_of(data, "friends").__setitem__("code", "hours_watched"),
        "metrics[8]: unknown metric 'hours_watched'",
        id="unknown metric",
    ),
    pytest.param(
        lambda data: metric_of(data, "translated_words").__setitem__("mechanism", "gauge"),
        "(translated_words): mechanism must be 'counter' for this metric, not 'gauge'",
        id="wrong mechanism",
    ),
    pytest.param(
        lambda data: metric_of(data, "streak_days").pop("mechanism"),
        "(streak_days): mechanism must be 'gauge'",
        id="no mechanism",
    ),
    pytest.param(
        _set("correct_exercises", 3, "threshold", 100),
        "(correct_exercises): thresholds must increase with the level (level 3: 100 <= 100)",
        id="equal thresholds",
    ),
    pytest.param(
        _set("correct_exercises", 2, "threshold", 5),
        "(correct_exercises): thresholds must increase with the level (level 2: 5 <= 10)",
        id="falling thresholds",
    ),
    pytest.param(
        _set("read_articles", 4, "level", 2),
        "(read_articles): duplicate level(s) [2]",
        id="duplicate level",
    ),
    pytest.param(
        lambda data: metric_of(data, "learned_words")["badges"].pop(2),
        "(learned_words): levels must be 1, 2, 3, … without gaps",
        id="gap",
    ),
    pytest.param(
        _set("friends", 1, "level", 0),
        (
            "(friends).badges[0]: 'level' must be a whole number from 1",
            "(friends): levels must be 1, 2, 3, … without gaps",  # the badge left out leaves a gap
        ),
        id="level 0",
    ),
    pytest.param(
        _set("friends", 1, "threshold", "one"),
        (
            "(friends).badges[0]: 'threshold' must be a whole number from 1",
            "(friends): levels must be 1, 2, 3, … without gaps",
        ),
        id="threshold not a number",
    ),
    pytest.param(
        _second_owl,
        "(night_owl): a one_time metric has exactly one badge, with threshold 1",
        id="one_time with two badges",
    ),
    pytest.param(
        _set("multilingual", 1, "threshold", 2),
        "(multilingual): a one_time metric has exactly one badge, with threshold 1",
        id="one_time threshold 2",
    ),
    pytest.param(
        _drop("translated_words", 2, "name"),
        "(translated_words).badges[1]: 'name' is required text",
        id="no name",
    ),
    pytest.param(
        _set("translated_words", 2, "name", "   "),
        "(translated_words).badges[1]: 'name' is required text",
        id="blank name",
    ),
    pytest.param(
        _drop("streak_days", 5, "achieved"),
        "(streak_days).badges[4]: 'achieved' is required text",
        id="no achieved text",
    ),
    pytest.param(
        _drop("friends", 3, "unachieved"),
        "(friends).badges[2]: 'unachieved' is required text",
        id="no unachieved text",
    ),
    pytest.param(
        _drop("night_owl", 1, "icon"),
        "(night_owl).badges[0]: 'icon' is required text",
        id="no icon",
    ),
    pytest.param(
        _set("translated_words", 1, "name", "W" * 101),
        "(translated_words).badges[0]: 'name' is longer than 100 characters",
        id="name too long",
    ),
    pytest.param(
        _set("night_owl", 1, "hidden", "yes please"),
        "(night_owl).badges[0]: 'hidden' is true or false",
        id="hidden not a bool",
    ),
    pytest.param(
        lambda data: metric_of(data, "read_articles").pop("name"),
        "(read_articles): 'name' is required text",
        id="metric without a name",
    ),
    pytest.param(
        lambda data: metric_of(data, "read_articles").__setitem__("badges", []),
        "(read_articles): 'badges' must list at least one level",
        id="metric without badges",
    ),
    pytest.param(
        lambda data: data["metrics"].append(metric_of(data, "friends")),
        "metrics[14]: metric 'friends' appears twice",
        id="metric listed twice",
    ),
]


class TestAnInvalidCatalog:
    @pytest.mark.parametrize(("change", "expected"), INVALID)
    def test_is_refused_naming_the_problem(
        self, change: Callable[[Data], object], expected: str | tuple[str, ...]
    ) -> None:
        wanted = (expected,) if isinstance(expected, str) else expected
        found = problems(changed(change))
        assert len(found) == len(wanted), found
        for problem, fragment in zip(found, wanted, strict=True):
            assert fragment in problem

    @pytest.mark.parametrize(
        "text",
        ["metrics: [unclosed", "metrics:\n  - code: x\n\tname: tab"],
        ids=["unclosed list", "tab indent"],
    )
    def test_that_is_not_yaml_is_refused(self, text: str) -> None:
        found = problems(text)
        assert len(found) == 1
        assert found[0].startswith("not valid YAML")

    @pytest.mark.parametrize(
        "text",
        ["", "badges: []", "metrics: 3", "metrics: {translated_words: 1}", "- code: friends"],
        ids=["empty", "no metrics key", "a number", "a mapping", "a bare list"],
    )
    def test_without_a_top_level_metrics_list_is_refused(self, text: str) -> None:
        assert problems(text) == ["the file needs a top-level 'metrics:' list"]

    @pytest.mark.parametrize("code", [["friends"], {"friends": 1}], ids=["a list", "a mapping"])
    def test_a_code_that_is_not_text_is_an_unknown_metric(self, code: object) -> None:
        # Fails today: `code not in KNOWN_METRICS` raises TypeError (unhashable) instead of
        # reporting the problem, so `zeal badges load` dies with a traceback.
        found = problems(changed(lambda data: metric_of(data, "friends").__setitem__("code", code)))
        assert len(found) == 1, found
        assert "metrics[8]: unknown metric" in found[0]

    def test_every_problem_is_reported_at_once(self) -> None:
        def break_three(data: Data) -> None:
            metric_of(data, "streak_days")["mechanism"] = "counter"
            badge_of(data, "read_articles", 2).pop("icon")
            badge_of(data, "friends", 4)["threshold"] = 2

        found = problems(changed(break_three))
        assert len(found) == 3, found
        assert "(streak_days): mechanism must be 'gauge'" in found[0]
        assert "(read_articles).badges[1]: 'icon' is required text" in found[1]
        assert "(friends): thresholds must increase" in found[2]

    def test_a_broken_metric_does_not_hide_the_problems_of_the_next(self) -> None:
        def break_two(data: Data) -> None:
            metric_of(data, "translated_words")["code"] = "typing_speed"
            badge_of(data, "night_owl", 1)["threshold"] = 3

        found = problems(changed(break_two))
        assert len(found) == 2, found
        assert "unknown metric 'typing_speed'" in found[0]
        assert "(night_owl): a one_time metric has exactly one badge" in found[1]

    def test_a_catalog_may_leave_metrics_out(self) -> None:
        def keep_two(data: Data) -> None:
            data["metrics"] = [metric_of(data, "friends"), metric_of(data, "night_owl")]

        assert [s.code for s in parse(changed(keep_two))] == ["friends", "night_owl"]


class TestLoading:
    def test_loading_the_default_again_changes_nothing(self, catalog_edits: Database) -> None:
        before = catalog_rows(catalog_edits)
        report = load_text(catalog_edits, default_catalog_text())
        assert report.changed is False
        assert (report.created, report.updated, report.kept) == ([], [], [])
        assert catalog_rows(catalog_edits) == before

    def test_a_new_name_and_threshold_update_the_badge_in_place(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        learner = make_learner(catalog_edits, ctx)
        for _ in range(10):
            practise(catalog_edits, ctx, learner, type="word_translated")
        before = badge_row(catalog_edits, "translated_words", 1)
        assert achieved_by(catalog_edits, learner) == [(before.id, "Word Curious")]

        def rename(data: Data) -> None:
            badge_of(data, "translated_words", 1).update(name="Curious Reader", threshold=5)

        report = load_text(catalog_edits, changed(rename))
        assert report.changed is True
        assert (report.created, report.updated, report.kept) == (
            [],
            ["translated_words level 1"],
            [],
        )
        after = badge_row(catalog_edits, "translated_words", 1)
        assert (after.id, after.name, after.threshold) == (before.id, "Curious Reader", 5)
        assert achieved_by(catalog_edits, learner) == [(before.id, "Curious Reader")]

    def test_a_running_server_shows_a_change_on_its_next_page(
        self, client: TestClient, catalog_edits: Database, ctx: Context
    ) -> None:
        # The server keeps the catalog in memory; `zeal badges load` runs in another process.
        headers = auth(client, make_learner(catalog_edits, ctx).username)
        assert first_badge(client, headers, "translated_words") == ("Word Curious", 10)

        def rename(data: Data) -> None:
            badge_of(data, "translated_words", 1).update(name="Curious Reader", threshold=5)

        load_text(catalog_edits, changed(rename))
        assert first_badge(client, headers, "translated_words") == ("Curious Reader", 5)

    def test_a_new_metric_text_updates_the_metric(self, catalog_edits: Database) -> None:
        def rename(data: Data) -> None:
            metric_of(data, "friends")["name"] = "Study Buddies"

        report = load_text(catalog_edits, changed(rename))
        assert (report.created, report.updated) == ([], ["friends"])
        with catalog_edits.transaction(write=False) as session:
            names = session.scalars(select(Metric.name).where(Metric.code == "friends")).all()
        assert names == ["Study Buddies"]

    def test_a_new_level_is_created(self, catalog_edits: Database) -> None:
        def add_level(data: Data) -> None:
            metric_of(data, "translated_words")["badges"].append(
                {
                    **badge_of(data, "translated_words", 5),
                    "level": 6,
                    "threshold": 5000,
                    "name": "Word Sage",
                }
            )

        report = load_text(catalog_edits, changed(add_level))
        assert (report.created, report.updated, report.kept) == (
            ["translated_words level 6"],
            [],
            [],
        )
        sage = badge_row(catalog_edits, "translated_words", 6)
        assert (sage.threshold, sage.name) == (5000, "Word Sage")
        assert len(catalog_rows(catalog_edits)) == 58

    def test_a_level_missing_from_the_file_is_kept_and_reported(
        self, catalog_edits: Database
    ) -> None:
        def drop_top_level(data: Data) -> None:
            metric_of(data, "translated_words")["badges"].pop()

        before = catalog_rows(catalog_edits)
        report = load_text(catalog_edits, changed(drop_top_level))
        assert report.changed is False
        assert report.kept == ["translated_words level 5"]
        assert catalog_rows(catalog_edits) == before
        assert badge_row(catalog_edits, "translated_words", 5).name == "Polyglot Machine"

    def test_a_metric_missing_from_the_file_is_kept_with_its_badges(
        self, catalog_edits: Database
    ) -> None:
        def drop_owl(data: Data) -> None:
            data["metrics"] = [m for m in data["metrics"] if m["code"] != "night_owl"]

        report = load_text(catalog_edits, changed(drop_owl))
        assert report.kept == ["night_owl level 1"]
        assert badge_row(catalog_edits, "night_owl", 1).name == "Night Owl"

    def test_the_file_order_is_the_order_learners_see(
        self, catalog_edits: Database, ctx: Context
    ) -> None:
        def friends_first(data: Data) -> None:
            friends = metric_of(data, "friends")
            data["metrics"] = [friends, *(m for m in data["metrics"] if m is not friends)]

        load_text(catalog_edits, changed(friends_first))
        learner = make_learner(catalog_edits, ctx)
        assert board_codes(catalog_edits, ctx, learner)[:3] == [
            "friends",
            "translated_words",
            "correct_exercises",
        ]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestTheLoadCommand:
    def test_an_invalid_file_prints_every_problem_and_changes_nothing(
        self, cli_env: None, catalog_edits: Database, tmp_path: Path
    ) -> None:
        def break_two(data: Data) -> None:
            badge_of(data, "translated_words", 1)["name"] = "Renamed"  # valid, but not loaded
            metric_of(data, "streak_days")["mechanism"] = "counter"
            badge_of(data, "friends", 2).pop("achieved")

        text = changed(break_two)
        expected = problems(text)
        before = catalog_rows(catalog_edits)
        result = runner.invoke(cli.app, ["badges", "load", str(write(tmp_path, text))])
        assert result.exit_code == 1, result.output
        assert "the catalog has 2 problem(s):" in result.stderr
        for problem in expected:
            assert f"  - {problem}" in result.stderr
        assert "catalog:" not in result.stdout
        assert catalog_rows(catalog_edits) == before

    def test_a_file_that_is_not_yaml_is_refused(
        self, cli_env: None, catalog_edits: Database, tmp_path: Path
    ) -> None:
        before = catalog_rows(catalog_edits)
        result = runner.invoke(cli.app, ["badges", "load", str(write(tmp_path, "metrics: [x"))])
        assert result.exit_code == 1, result.output
        assert "not valid YAML" in result.stderr
        assert catalog_rows(catalog_edits) == before

    def test_a_valid_file_is_loaded_and_the_changes_printed(
        self, cli_env: None, catalog_edits: Database, tmp_path: Path
    ) -> None:
        def edit(data: Data) -> None:
            badge_of(data, "read_articles", 1)["name"] = "Opening Lines"
            metric_of(data, "friends")["badges"].append(
                {**badge_of(data, "friends", 5), "level": 6, "threshold": 50, "name": "Mayor"}
            )
            metric_of(data, "learned_words")["badges"].pop()

        result = runner.invoke(cli.app, ["badges", "load", str(write(tmp_path, changed(edit)))])
        assert result.exit_code == 0, result.output
        assert "catalog: 1 created, 1 updated, 1 kept (not in the file)" in result.stdout
        assert "  + friends level 6" in result.stdout
        assert "  ~ read_articles level 1" in result.stdout
        assert badge_row(catalog_edits, "read_articles", 1).name == "Opening Lines"
        assert badge_row(catalog_edits, "friends", 6).name == "Mayor"
        assert badge_row(catalog_edits, "learned_words", 5).name == "Living Dictionary"

    def test_loading_the_same_file_twice_changes_nothing_the_second_time(
        self, cli_env: None, catalog_edits: Database, tmp_path: Path
    ) -> None:
        path = write(tmp_path, default_catalog_text())
        result = runner.invoke(cli.app, ["badges", "load", str(path)])
        assert result.exit_code == 0, result.output
        assert "catalog: 0 created, 0 updated" in result.stdout
        with catalog_edits.transaction(write=False) as session:
            assert session.scalars(select(UserBadge)).all() == []

    def test_a_missing_file_is_refused(
        self, cli_env: None, catalog_edits: Database, tmp_path: Path
    ) -> None:
        result = runner.invoke(cli.app, ["badges", "load", str(tmp_path / "missing.yaml")])
        assert result.exit_code == 2
        assert "catalog:" not in result.stdout


SHIPPED_CATALOG = Path(cli.__file__).parent / "badges" / "catalog.yaml"
ICONS = Path(cli.__file__).parent / "static" / "badges"
SHAPES = {"path", "circle", "ellipse", "polygon", "rect", "line", "polyline"}


def _icons_of_catalog() -> set[str]:
    catalog = yaml.safe_load(SHIPPED_CATALOG.read_text(encoding="utf-8"))
    return {badge["icon"] for metric in catalog["metrics"] for badge in metric["badges"]}


@pytest.mark.parametrize("icon", sorted(_icons_of_catalog()))
def test_every_badge_icon_is_drawn_in_shapes_never_in_font_characters(
    client: TestClient, icon: str
) -> None:
    # A glyph drawn with <text> shows as an empty box where its font is missing (issue 15).
    response = client.get(f"/static/badges/{icon}")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"text", "tspan", "textPath", "foreignObject"}, tags
    assert len([e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in SHAPES]) >= 3
