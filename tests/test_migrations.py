"""The migrations build exactly the schema the models describe, on every backend."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from zeal import migrations
from zeal.badges.models import Badge, UserBadge
from zeal.db import Base, Database
from zeal.practice.metrics import METRICS


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrading_a_database_with_history_awards_what_it_earned(tmp_path: Path) -> None:
    # W26: when the predecessor shipped badges, every counter started at 0.
    url = f"sqlite:///{tmp_path / 'before-badges.db'}"
    migrations.upgrade(url, "b100b31fb992")  # friends, before badges
    engine = create_engine(url)
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO user_account (id, email, password_hash, username, username_key, "
                "display_name, display_name_key, timezone, avatar_image, "
                "avatar_character_color, avatar_background_color, created_at) VALUES "
                "(1, 'old@example.com', 'x', 'old_timer', 'old_timer', 'Old', 'old', 'UTC', "
                "'fox', '#F6D110', '#FFF9C7', :now)"
            ),
            {"now": now.replace(tzinfo=None)},
        )
        for offset in range(12):
            connection.execute(
                text(
                    "INSERT INTO practice_day VALUES (1, 'es', :day, 1, 1, 0, 0, 0, 0, 0, "
                    "1, 0, 0, 0)"
                ),
                {"day": (now - timedelta(days=offset)).date()},
            )
    engine.dispose()

    migrations.upgrade(url)

    database = Database(url)
    with database.transaction(write=False) as session:
        names = session.scalars(
            select(Badge.name).join(UserBadge, UserBadge.badge_id == Badge.id)
        ).all()
    database.dispose()
    assert names == ["Word Curious"]  # 12 translated words in the ledger


def test_upgrading_gives_the_history_the_xp_its_events_earned(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before-xp.db'}"
    migrations.upgrade(url, "c7e1a4b2d953")  # webhooks, before XP
    engine = create_engine(url)
    day = datetime(2026, 3, 10, 9, tzinfo=UTC)  # a Tuesday
    counted = ["events", *(str(m.column) for m in METRICS.booked() if m.column != "xp")]
    zeros = dict.fromkeys(counted, 0)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO user_account (id, username, username_key, display_name, "
                "display_name_key, timezone, avatar_image, avatar_character_color, "
                "avatar_background_color, created_at, discoverable, accepts_friend_requests) "
                "VALUES (1, 'old', 'old', 'Old', 'old', 'UTC', 'fox', '#F6D110', '#FFF9C7', "
                ":now, 1, 1)"
            ),
            {"now": day.replace(tzinfo=None)},
        )
        events = [
            ("exercise", "correct", None),
            ("reading", None, 150),
            ("article_completed", None, None),
        ]
        for kind, outcome, seconds in events:
            connection.execute(
                text(
                    "INSERT INTO practice_event (user_id, type, language, occurred_at, day, "
                    "duration_seconds, outcome, result_json, received_at) VALUES "
                    "(1, :kind, 'es', :at, :day, :seconds, :outcome, '{}', :at)"
                ),
                {
                    "kind": kind,
                    "outcome": outcome,
                    "seconds": seconds,
                    "at": day.replace(tzinfo=None),
                    "day": day.date(),
                },
            )
        columns = ", ".join(counted)
        values = ", ".join(f":{c}" for c in counted)
        connection.execute(
            text(
                f"INSERT INTO practice_day (user_id, language, day, counts_for_streak, {columns}) "
                f"VALUES (1, 'es', :day, 1, {values})"
            ),
            {**zeros, "events": 3, "day": day.date()},
        )
        for language, span, starts_on in [
            ("es", "week", date(2026, 3, 9)),
            ("*", "month", date(2026, 3, 1)),
            ("*", "all", date(1970, 1, 1)),
            ("es", "week", date(2026, 3, 2)),  # another week: nothing earned there
        ]:
            connection.execute(
                text(
                    f"INSERT INTO practice_total (user_id, language, span, starts_on, days, "
                    f"{columns}) VALUES (1, :language, :span, :starts_on, 1, {values})"
                ),
                {**zeros, "events": 3, "language": language, "span": span, "starts_on": starts_on},
            )
    engine.dispose()

    migrations.upgrade(url)

    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT xp FROM practice_day")).scalar_one() == 10 + 2 + 20
        totals = connection.execute(
            text("SELECT span, starts_on, xp FROM practice_total ORDER BY span, starts_on")
        ).all()
    engine.dispose()
    assert [(span, str(starts_on), xp) for span, starts_on, xp in totals] == [
        ("all", "1970-01-01", 32),
        ("month", "2026-03-01", 32),
        ("week", "2026-03-02", 0),
        ("week", "2026-03-09", 32),
    ]
