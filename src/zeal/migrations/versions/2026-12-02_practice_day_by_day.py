"""practice_day indexed by day: a board of a week or a month reads a date range of every
member's days, which the (user_id, day) index cannot serve without one probe per member.

Revision ID: 3c1f0e9a7b21
Revises: dd9d6a7a077b
Create Date: 2026-12-02 02:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3c1f0e9a7b21"
down_revision: str | None = "dd9d6a7a077b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_practice_day_day_user_id"), "practice_day", ["day", "user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_practice_day_day_user_id"), table_name="practice_day")
