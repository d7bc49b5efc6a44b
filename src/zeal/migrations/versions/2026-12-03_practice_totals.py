"""practice_total: the ledger summed per learner, language (and "*", all of them) and week,
month or all time, so a board reads one row per member whatever the history. Filled from the
ledger here; kept on every event from now on.

Revision ID: 5d2a8c41e9f0
Revises: 3c1f0e9a7b21
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d2a8c41e9f0"
down_revision: str | None = "3c1f0e9a7b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The practice_day columns a total sums, as of this revision.
COUNTED = (
    "events",
    "exercises_done",
    "exercises_correct",
    "exercise_seconds",
    "reading_seconds",
    "listening_seconds",
    "words_translated",
    "words_learned",
    "audio_lessons_completed",
    "articles_read",
)
# The first day of a day's week (Monday) and month, in each backend's SQL.
STARTS = {
    "postgresql": (
        "CAST(date_trunc('week', day) AS DATE)",
        "CAST(date_trunc('month', day) AS DATE)",
    ),
    "mysql": ("SUBDATE(day, WEEKDAY(day))", "SUBDATE(day, DAYOFMONTH(day) - 1)"),
    "mariadb": ("SUBDATE(day, WEEKDAY(day))", "SUBDATE(day, DAYOFMONTH(day) - 1)"),
    "sqlite": ("date(day, 'weekday 0', '-6 days')", "date(day, 'start of month')"),
}


def upgrade() -> None:
    op.create_table(
        "practice_total",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("span", sa.String(length=5), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTED),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_practice_total_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "language", "span", "starts_on", name=op.f("pk_practice_total")
        ),
    )
    op.create_index(
        op.f("ix_practice_total_span_starts_on"),
        "practice_total",
        ["span", "starts_on", "language", "user_id"],
        unique=False,
    )
    _fill_from_the_ledger()


def _fill_from_the_ledger() -> None:
    week, month = STARTS[op.get_bind().dialect.name]
    columns = ", ".join(COUNTED)
    sums = ", ".join(f"SUM({name})" for name in COUNTED)
    for span, starts_on in (("week", week), ("month", month), ("all", "DATE '1970-01-01'")):
        if op.get_bind().dialect.name == "sqlite" and span == "all":
            starts_on = "'1970-01-01'"
        for language, days, keys in (
            ("language", "COUNT(*)", f"user_id, language, {starts_on}"),
            ("'*'", "COUNT(DISTINCT day)", f"user_id, {starts_on}"),
        ):
            op.execute(
                f"INSERT INTO practice_total (user_id, language, span, starts_on, days, {columns}) "
                f"SELECT user_id, {language}, '{span}', {starts_on}, {days}, {sums} "
                f"FROM practice_day GROUP BY {keys}"
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_practice_total_span_starts_on"), table_name="practice_total")
    op.drop_table("practice_total")
