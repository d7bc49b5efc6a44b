"""Streak freezes (`streak_freeze`): held, then spent on a missed day, which the run of its
streak then covers (`user_language.kept_through`).

Revision ID: c4e6a8b0d2f3
Revises: b3d5f7a9c1e4
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from zeal.db import UTCDateTime

revision: str = "c4e6a8b0d2f3"
down_revision: str | None = "b3d5f7a9c1e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "streak_freeze",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("earned_language", sa.String(length=2), nullable=True),
        sa.Column("earned_streak", sa.Integer(), nullable=True),
        sa.Column("idempotency_key_hash", sa.String(length=64), nullable=True),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("spent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_key.id"],
            name=op.f("fk_streak_freeze_api_key_id_api_key"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_streak_freeze_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streak_freeze")),
        sa.UniqueConstraint(
            "user_id",
            "idempotency_key_hash",
            name=op.f("uq_streak_freeze_user_id_idempotency_key_hash"),
        ),
        sa.UniqueConstraint(
            "user_id", "language", "day", name=op.f("uq_streak_freeze_user_id_language_day")
        ),
    )
    with op.batch_alter_table("user_language", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kept_through", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_language", schema=None) as batch_op:
        batch_op.drop_column("kept_through")
    op.drop_table("streak_freeze")
