"""user_metric.previous_value: the value before the last change, written by the upsert that
moves the value and returned by it, so one statement tells which thresholds a change passed
(RETURNING sees only the row as written).

Revision ID: 4f6c2d9e8a15
Revises: 8b7e2f4a1c63
Create Date: 2026-12-03 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4f6c2d9e8a15"
down_revision: str | None = "8b7e2f4a1c63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_metric") as batch:
        batch.add_column(sa.Column("previous_value", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_metric") as batch:
        batch.drop_column("previous_value")
