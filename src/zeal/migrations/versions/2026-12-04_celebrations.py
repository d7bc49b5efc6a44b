"""Celebrations (`celebration`): a streak milestone or a badge, shown on the learner's next
page once.

Revision ID: b3d5f7a9c1e4
Revises: a2c4e6f8b0d1
Create Date: 2026-12-04 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from zeal.db import UTCDateTime

revision: str = "b3d5f7a9c1e4"
down_revision: str | None = "a2c4e6f8b0d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "celebration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("badge_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("shown_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["badge_id"],
            ["badge.id"],
            name=op.f("fk_celebration_badge_id_badge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_celebration_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_celebration")),
    )
    with op.batch_alter_table("celebration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_celebration_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("celebration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_celebration_user_id"))
    op.drop_table("celebration")
