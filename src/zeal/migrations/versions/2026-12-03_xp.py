"""XP: an `xp` counter on every practice day and total, the XP table (`xp_rule`, versioned in
`xp_table`) with Zeal's default rules, and the XP the history already earned by them.

Revision ID: d5f2b8c4e716
Revises: c7e1a4b2d953
Create Date: 2026-12-03 22:10:00
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "d5f2b8c4e716"
down_revision: str | None = "c7e1a4b2d953"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The default table as of this revision (the catalog file may change it later).
RULES = [
    ("exercise", "correct", 10, 0),
    ("exercise", "typo", 8, 0),
    ("exercise", "hint", 5, 0),
    ("exercise", "wrong", 2, 0),
    ("exercise", "skipped", 0, 0),
    ("exercise", "", 0, 1),
    ("reading", "", 0, 1),
    ("listening", "", 0, 1),
    ("word_translated", "", 1, 0),
    ("word_learned", "", 5, 0),
    ("article_completed", "", 20, 0),
    ("audio_lesson_completed", "", 15, 0),
]
ALL_TIME = date(1970, 1, 1)


def upgrade() -> None:
    rule = op.create_table(
        "xp_rule",
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("per_event", sa.Integer(), nullable=False),
        sa.Column("per_minute", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("type", "outcome", name=op.f("pk_xp_rule")),
    )
    version = op.create_table(
        "xp_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xp_table")),
    )
    keys = ("type", "outcome", "per_event", "per_minute")
    op.bulk_insert(rule, [dict(zip(keys, r, strict=True)) for r in RULES])
    op.bulk_insert(version, [{"id": 1, "version": "default"}])
    for table in ("practice_day", "practice_total"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("xp", sa.Integer(), nullable=False, server_default="0"))
    _earned_so_far()


def _earned_so_far() -> None:
    """Each practice day and total gets the XP its events earn by the default table."""
    bind = op.get_bind()
    table = {(t, o): (e, m) for t, o, e, m in RULES}
    days: dict[tuple[int, str, date], int] = defaultdict(int)
    events = bind.execute(
        sa.text(
            "SELECT user_id, language, day, type, outcome, duration_seconds FROM practice_event"
        )
    )
    for user_id, language, day, kind, outcome, seconds in events:
        per_event, per_minute = table.get((kind, outcome or ""), table.get((kind, ""), (0, 0)))
        days[user_id, language, _date(day)] += per_event + per_minute * ((seconds or 0) // 60)
    earned = [{"u": u, "l": lang, "d": d, "xp": xp} for (u, lang, d), xp in days.items() if xp]
    if earned:
        bind.execute(
            sa.text(
                "UPDATE practice_day SET xp = :xp WHERE user_id = :u AND language = :l AND day = :d"
            ),
            earned,
        )
        _totals(bind, earned)


def _totals(bind: Any, earned: list[dict[str, Any]]) -> None:
    totals: dict[tuple[int, str, str, date], int] = defaultdict(int)
    for row in earned:
        day = row["d"]
        spans = (("week", day - timedelta(days=day.weekday())), ("month", day.replace(day=1)))
        for span, starts_on in (*spans, ("all", ALL_TIME)):
            for language in (row["l"], "*"):
                totals[row["u"], language, span, starts_on] += row["xp"]
    bind.execute(
        sa.text(
            "UPDATE practice_total SET xp = :xp WHERE user_id = :u AND language = :l"
            " AND span = :s AND starts_on = :d"
        ),
        [{"u": u, "l": lang, "s": s, "d": d, "xp": xp} for (u, lang, s, d), xp in totals.items()],
    )


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def downgrade() -> None:
    for table in ("practice_total", "practice_day"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("xp")
    op.drop_table("xp_table")
    op.drop_table("xp_rule")
