"""badge_catalog: one row whose `version` changes whenever the badge catalog does, so each
process can keep the catalog in memory and read it again only when it changed.

Revision ID: 8b7e2f4a1c63
Revises: 5d2a8c41e9f0
Create Date: 2026-12-03 12:20:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b7e2f4a1c63"
down_revision: str | None = "5d2a8c41e9f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "badge_catalog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_catalog")),
    )
    op.bulk_insert(table, [{"id": 1, "version": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("badge_catalog")
