"""friends and social settings

Revision ID: b100b31fb992
Revises: a694df175984
Create Date: 2026-11-24 22:08:46.335308
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zeal.db

revision: str = "b100b31fb992"
down_revision: str | None = "a694df175984"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "block",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", zeal.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["user_account.id"],
            name=op.f("fk_block_blocked_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["user_account.id"],
            name=op.f("fk_block_blocker_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_block")),
    )
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_block_blocked_id"), ["blocked_id"], unique=False)

    op.create_table(
        "friend_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("open_pair", sa.String(length=24), nullable=True),
        sa.Column("created_at", zeal.db.UTCDateTime(), nullable=False),
        sa.Column("responded_at", zeal.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["user_account.id"],
            name=op.f("fk_friend_request_receiver_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["user_account.id"],
            name=op.f("fk_friend_request_sender_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_friend_request")),
        sa.UniqueConstraint("open_pair", name=op.f("uq_friend_request_open_pair")),
    )
    with op.batch_alter_table("friend_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_friend_request_receiver_id_status", ["receiver_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_friend_request_sender_id_receiver_id", ["sender_id", "receiver_id"], unique=False
        )

    op.create_table(
        "friendship",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_low_id", sa.Integer(), nullable=False),
        sa.Column("user_high_id", sa.Integer(), nullable=False),
        sa.Column("active_pair", sa.String(length=24), nullable=True),
        sa.Column("created_at", zeal.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", zeal.db.UTCDateTime(), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("friend_streak", sa.Integer(), nullable=False),
        sa.Column("streak_last_day", sa.Date(), nullable=True),
        sa.Column("max_friend_streak", sa.Integer(), nullable=False),
        sa.Column("max_friend_streak_date", sa.Date(), nullable=True),
        sa.CheckConstraint("user_low_id < user_high_id", name=op.f("ck_friendship_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["user_high_id"],
            ["user_account.id"],
            name=op.f("fk_friendship_user_high_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_low_id"],
            ["user_account.id"],
            name=op.f("fk_friendship_user_low_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_friendship")),
        sa.UniqueConstraint("active_pair", name=op.f("uq_friendship_active_pair")),
    )
    with op.batch_alter_table("friendship", schema=None) as batch_op:
        batch_op.create_index(
            "ix_friendship_user_high_id_ended_at", ["user_high_id", "ended_at"], unique=False
        )
        batch_op.create_index(
            "ix_friendship_user_low_id_ended_at", ["user_low_id", "ended_at"], unique=False
        )

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name_key", sa.String(length=50), nullable=True))
        batch_op.add_column(
            sa.Column("discoverable", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "accepts_friend_requests", sa.Boolean(), server_default=sa.true(), nullable=False
            )
        )
    # Existing learners get their search key before the column becomes required.
    op.execute("UPDATE user_account SET display_name_key = LOWER(display_name)")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column(
            "display_name_key", existing_type=sa.String(length=50), nullable=False
        )
        batch_op.create_index(
            batch_op.f("ix_user_account_display_name_key"), ["display_name_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_display_name_key"))
        batch_op.drop_column("accepts_friend_requests")
        batch_op.drop_column("discoverable")
        batch_op.drop_column("display_name_key")

    with op.batch_alter_table("friendship", schema=None) as batch_op:
        batch_op.drop_index("ix_friendship_user_low_id_ended_at")
        batch_op.drop_index("ix_friendship_user_high_id_ended_at")

    op.drop_table("friendship")
    with op.batch_alter_table("friend_request", schema=None) as batch_op:
        batch_op.drop_index("ix_friend_request_sender_id_receiver_id")
        batch_op.drop_index("ix_friend_request_receiver_id_status")

    op.drop_table("friend_request")
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_block_blocked_id"))

    op.drop_table("block")
