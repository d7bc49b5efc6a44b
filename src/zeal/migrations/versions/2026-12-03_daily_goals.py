"""Daily goals: the goal a learner chose (`user_account.daily_goal_xp`) and its history
(`daily_goal`), so each day is judged by the goal of its own.

Revision ID: e8a3c6f1b247
Revises: d5f2b8c4e716
Create Date: 2026-12-03 21:58:53.060626
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e8a3c6f1b247"
down_revision: str | None = "d5f2b8c4e716"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_goal",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("since_day", sa.Date(), nullable=False),
        sa.Column("goal_xp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_daily_goal_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "since_day", name=op.f("pk_daily_goal")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("daily_goal_xp", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("daily_goal_xp")

    op.drop_table("daily_goal")
