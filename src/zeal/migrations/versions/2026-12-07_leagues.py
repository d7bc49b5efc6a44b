"""Weekly leagues (`league_group`, `league_entry`) and the learner's opt-out
(`user_account.leagues`).

Revision ID: e6a8c0d2f4b5
Revises: d5f7b9c1e3a4
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from zeal.db import UTCDateTime

revision: str = "e6a8c0d2f4b5"
down_revision: str | None = "d5f7b9c1e3a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("leagues", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "league_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_group")),
    )
    op.create_index("ix_league_group_week_start_tier", "league_group", ["week_start", "tier"])
    op.create_index(op.f("ix_league_group_closed_at"), "league_group", ["closed_at"])
    op.create_table(
        "league_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("xp", sa.Integer(), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["league_group.id"],
            name=op.f("fk_league_entry_group_id_league_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_league_entry_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_league_entry")),
        sa.UniqueConstraint(
            "user_id", "week_start", name=op.f("uq_league_entry_user_id_week_start")
        ),
    )
    op.create_index("ix_league_entry_group_id_xp", "league_entry", ["group_id", "xp"])


def downgrade() -> None:
    op.drop_table("league_entry")
    op.drop_table("league_group")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("leagues")
