"""XP: what each event earns by the XP table, shown with the event and the streaks, booked
on the practice day (boards, badges), and a table the platform may change going forward."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from tests.factories import make_friends, signed_up
from tests.leaderboards.helpers import friends_board
from zeal import cli
from zeal.accounts.models import User
from zeal.badges.catalog import CatalogError, default_catalog_text, parse_xp
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.practice.models import PracticeDay

runner = CliRunner()
Headers = dict[str, str]


def practise(client: TestClient, me: Headers, **event: Any) -> dict[str, Any]:
    answer = client.post("/v1/me/practice-events", headers=me, json=event)
    assert answer.status_code in (200, 201), answer.text
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize(
    ("event", "earned"),
    [
        ({"type": "exercise", "outcome": "correct"}, 10),
        ({"type": "exercise", "outcome": "typo"}, 8),
        ({"type": "exercise", "outcome": "wrong"}, 2),
        ({"type": "exercise", "outcome": "skipped"}, 0),
        ({"type": "exercise", "duration_seconds": 300}, 5),  # a time report: 1 a minute
        ({"type": "reading", "duration_seconds": 179}, 2),  # whole minutes only
        ({"type": "listening", "duration_seconds": 59}, 0),
        ({"type": "article_completed"}, 20),
        ({"type": "word_learned"}, 5),
        ({"type": "word_translated"}, 1),
        ({"type": "audio_lesson_completed"}, 15),
    ],
)
def test_each_event_earns_what_the_default_table_says(
    client: TestClient, event: dict[str, Any], earned: int
) -> None:
    _, me = signed_up(client)
    recorded = practise(client, me, language="es", **event)
    assert recorded["xp_earned"] == earned
    assert recorded["xp_today"] == earned
    assert recorded["streak"]["xp_today"] == earned


def test_xp_today_adds_up_per_language_and_in_all(client: TestClient) -> None:
    _, me = signed_up(client)
    practise(client, me, language="es", type="exercise", outcome="correct")
    practise(client, me, language="es", type="word_learned")
    last = practise(client, me, language="fr", type="article_completed")
    assert (last["xp_earned"], last["streak"]["xp_today"], last["xp_today"]) == (20, 20, 35)
    streaks = client.get("/v1/me/streaks", headers=me).json()
    assert streaks["xp_today"] == 35
    assert {s["language"]: s["xp_today"] for s in streaks["streaks"]} == {"es": 15, "fr": 20}


def test_xp_of_an_earlier_day_is_booked_there_not_today(
    client: TestClient, clock: FixedClock
) -> None:
    _, me = signed_up(client)
    practise(client, me, language="es", type="exercise", outcome="correct")
    yesterday = (clock.now() - timedelta(days=1)).isoformat()
    late = practise(client, me, language="es", type="article_completed", occurred_at=yesterday)
    assert (late["xp_earned"], late["xp_today"], late["streak"]["xp_today"]) == (20, 10, 10)
    clock.advance(timedelta(days=1))
    assert client.get("/v1/me/streaks", headers=me).json()["xp_today"] == 0


def test_a_replayed_event_answers_the_same_xp_and_earns_nothing_more(client: TestClient) -> None:
    _, me = signed_up(client)
    event = {"language": "es", "type": "exercise", "outcome": "correct", "idempotency_key": "k"}
    first = practise(client, me, **event)
    again = client.post("/v1/me/practice-events", headers=me, json=event)
    assert again.status_code == 200
    assert (again.json()["xp_earned"], again.json()["xp_today"]) == (10, 10)
    assert first["xp_today"] == again.json()["xp_today"]
    assert client.get("/v1/me/streaks", headers=me).json()["xp_today"] == 10


def test_xp_is_a_board_metric(client: TestClient, db: Database, ctx: Context) -> None:
    _, ana = signed_up(client, username="ana", email="ana@example.com")
    _, ben = signed_up(client, username="ben", email="ben@example.com")
    with db.transaction() as session:
        users = {u.username: u for u in session.scalars(select(User))}
    make_friends(db, ctx, users["ana"], users["ben"])
    practise(client, ana, language="es", type="exercise", outcome="correct")
    practise(client, ben, language="fr", type="article_completed")
    board = friends_board(client, ana, metric="xp", period="week")
    assert [(r["username"], r["value"]) for r in board["rows"]] == [("ben", 20), ("ana", 10)]


def test_xp_earns_badges(client: TestClient) -> None:
    _, me = signed_up(client)
    for _ in range(9):
        practise(client, me, language="es", type="exercise", outcome="correct")
    tenth = practise(client, me, language="es", type="exercise", outcome="correct")
    assert "Warming Up" in {badge["name"] for badge in tenth["new_badges"]}  # 100 XP


def catalog_with_xp(tmp_path: Path, xp: str) -> Path:
    text = default_catalog_text().split("\nxp:\n")[0] + "\nxp:\n" + xp
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return path


NEW_TABLE = """\
  - {type: exercise, outcome: correct, per_event: 12}
  - {type: exercise, per_minute: 1}
  - {type: reading, per_minute: 2}
"""


def test_a_new_table_shows_its_effect_in_a_dry_run_and_changes_nothing(
    cli_env: None, catalog_edits: Database, client: TestClient, tmp_path: Path
) -> None:
    _, me = signed_up(client)
    result = runner.invoke(
        cli.app, ["badges", "load", str(catalog_with_xp(tmp_path, NEW_TABLE)), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "~ xp exercise/correct: 10 an event -> 12 an event" in result.stdout
    assert "~ xp reading: 1 a minute -> 2 a minute" in result.stdout
    assert "- xp article_completed: earns nothing now" in result.stdout
    assert "dry run: nothing was changed" in result.stdout
    earned = practise(client, me, language="es", type="exercise", outcome="correct")
    assert earned["xp_earned"] == 10


def test_a_new_table_counts_for_new_events_and_keeps_what_was_earned(
    cli_env: None, catalog_edits: Database, client: TestClient, tmp_path: Path
) -> None:
    _, me = signed_up(client)
    practise(client, me, language="es", type="article_completed")
    result = runner.invoke(cli.app, ["badges", "load", str(catalog_with_xp(tmp_path, NEW_TABLE))])
    assert result.exit_code == 0, result.output
    later = practise(client, me, language="es", type="exercise", outcome="correct")
    gone = practise(client, me, language="es", type="article_completed")
    assert (later["xp_earned"], gone["xp_earned"]) == (12, 0)
    assert later["xp_today"] == 20 + 12
    with catalog_edits.transaction(write=False) as session:
        assert session.scalars(select(PracticeDay.xp)).all() == [32]


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ("  - {type: reading, outcome: correct, per_event: 1}\n", "only exercises have outcomes"),
        ("  - {type: dancing, per_event: 1}\n", "unknown type or outcome"),
        ("  - {type: reading, per_minute: -1}\n", "whole numbers 0-1000"),
        ("  - {type: reading, per_minute: 1}\n  - {type: reading, per_event: 2}\n", "twice"),
        ("  - {type: reading, each: 1}\n", "keys are"),
    ],
)
def test_a_wrong_table_is_refused_whole(table: str, problem: str) -> None:
    text = default_catalog_text().split("\nxp:\n")[0] + "\nxp:\n" + table
    with pytest.raises(CatalogError) as refused:
        parse_xp(text)
    assert problem in " ".join(refused.value.problems)


def test_a_file_without_a_table_keeps_the_one_stored() -> None:
    assert parse_xp(default_catalog_text().split("\nxp:\n")[0]) is None
