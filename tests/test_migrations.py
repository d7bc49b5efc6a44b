"""The migrations build exactly the schema the models describe, on every backend."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from zeal import migrations
from zeal.badges.models import Badge, UserBadge
from zeal.db import Base, Database


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
