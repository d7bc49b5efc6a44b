"""Known devices (`known_device`): the browsers and apps that signed in to an account before,
so wrong passwords from strangers cannot lock the learner out of them.

Revision ID: f1b3d5a7c9e2
Revises: e8a3c6f1b247
Create Date: 2026-12-04 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from zeal.db import UTCDateTime

revision: str = "f1b3d5a7c9e2"
down_revision: str | None = "e8a3c6f1b247"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "known_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("signed_in_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_known_device_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_device")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_known_device_token_hash")),
    )
    with op.batch_alter_table("known_device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_known_device_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("known_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_known_device_user_id"))
    op.drop_table("known_device")
