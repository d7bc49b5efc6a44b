"""Language tags: each practice event keeps the BCP 47 tag it was sent with
(`practice_event.language_tag`, e.g. `es-MX`); events kept before sent their language alone.

Revision ID: a2c4e6f8b0d1
Revises: f1b3d5a7c9e2
Create Date: 2026-12-04 01:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a2c4e6f8b0d1"
down_revision: str | None = "f1b3d5a7c9e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("practice_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language_tag", sa.String(length=35), nullable=True))
    op.execute("UPDATE practice_event SET language_tag = language")
    with op.batch_alter_table("practice_event", schema=None) as batch_op:
        batch_op.alter_column("language_tag", existing_type=sa.String(length=35), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("practice_event", schema=None) as batch_op:
        batch_op.drop_column("language_tag")
