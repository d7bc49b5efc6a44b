"""Response shapes for leaderboards."""

from datetime import date

from pydantic import Field

from zeal.accounts.schemas import AvatarRead, avatar_of
from zeal.leaderboards.periods import PeriodKind
from zeal.leaderboards.service import Board, BoardMetric, Row
from zeal.schemas import Schema

HIDDEN_NAME = "Hidden learner"


class LeaderboardRow(Schema):
    rank: int = Field(description="Ties share a rank: 1, 2, 2, 4.")
    username: str | None = Field(description="null on an anonymous class board.")
    display_name: str
    avatar: AvatarRead | None
    value: int
    is_self: bool
    is_friend: bool

    @classmethod
    def of(cls, row: Row) -> "LeaderboardRow":
        user = row.user
        return cls(
            rank=row.rank,
            username=None if row.hidden else user.username,
            display_name=HIDDEN_NAME if row.hidden else user.display_name,
            avatar=None if row.hidden else avatar_of(user),
            value=row.value,
            is_self=row.is_self,
            is_friend=row.is_friend and not row.hidden,
        )


class PeriodRead(Schema):
    kind: PeriodKind
    from_: date | None = Field(alias="from", serialization_alias="from")
    to: date | None


class Leaderboard(Schema):
    metric: BoardMetric
    unit: str = Field(description="seconds, count or days.")
    period: PeriodRead
    language: str | None
    total: int = Field(description="How many learners are on the board.")
    rows: list[LeaderboardRow] = Field(
        description="The top `limit`, and your own row after them when you are further down."
    )

    @classmethod
    def of(cls, board: Board) -> "Leaderboard":
        unit = "seconds" if board.metric.value.endswith("_time") else "count"
        if board.metric in (BoardMetric.PRACTICE_DAYS, BoardMetric.STREAK):
            unit = "days"
        return cls(
            metric=board.metric,
            unit=unit,
            period=PeriodRead.model_validate(
                {"kind": board.period.kind, "from": board.period.start, "to": board.period.end}
            ),
            language=board.language,
            total=board.total,
            rows=[LeaderboardRow.of(row) for row in board.rows],
        )
