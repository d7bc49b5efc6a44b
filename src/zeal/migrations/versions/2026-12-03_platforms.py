"""Platforms: every API key belongs to one (keys made before belong to "default"), and a
learner a platform created is known to it by its own id (`external_id`, unique per platform);
such a learner may have no e-mail and no password.

Revision ID: 9a3e5c7b1d24
Revises: 4f6c2d9e8a15
Create Date: 2026-12-03 18:20:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import zeal.db

revision: str = "9a3e5c7b1d24"
down_revision: str | None = "4f6c2d9e8a15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    platform = op.create_table(
        "platform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", zeal.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform")),
        sa.UniqueConstraint("name", name=op.f("uq_platform_name")),
    )
    if op.get_bind().execute(sa.text("SELECT count(*) FROM api_key")).scalar():
        op.bulk_insert(platform, [{"name": "default", "created_at": datetime.now(UTC)}])
    with op.batch_alter_table("api_key") as batch:
        batch.add_column(sa.Column("platform_id", sa.Integer(), nullable=True))
    default = sa.select(platform.c.id).where(platform.c.name == "default").scalar_subquery()
    keys = sa.table("api_key", sa.column("platform_id", sa.Integer()))
    op.execute(keys.update().values(platform_id=default))
    with op.batch_alter_table("api_key") as batch:
        batch.alter_column("platform_id", existing_type=sa.Integer(), nullable=False)
        batch.create_index(batch.f("ix_api_key_platform_id"), ["platform_id"])
        batch.create_foreign_key(
            batch.f("fk_api_key_platform_id_platform"), "platform", ["platform_id"], ["id"]
        )
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("platform_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("external_id", sa.String(length=128), nullable=True))
        batch.alter_column("email", existing_type=sa.String(length=254), nullable=True)
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)
        batch.create_unique_constraint(
            batch.f("uq_user_account_platform_id_external_id"), ["platform_id", "external_id"]
        )
        batch.create_foreign_key(
            batch.f("fk_user_account_platform_id_platform"), "platform", ["platform_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint(batch.f("fk_user_account_platform_id_platform"), type_="foreignkey")
        batch.drop_constraint(batch.f("uq_user_account_platform_id_external_id"), type_="unique")
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
        batch.alter_column("email", existing_type=sa.String(length=254), nullable=False)
        batch.drop_column("external_id")
        batch.drop_column("platform_id")
    with op.batch_alter_table("api_key") as batch:
        batch.drop_constraint(batch.f("fk_api_key_platform_id_platform"), type_="foreignkey")
        batch.drop_index(batch.f("ix_api_key_platform_id"))
        batch.drop_column("platform_id")
    op.drop_table("platform")
