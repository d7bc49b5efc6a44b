"""Response shapes for leaderboards."""

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema

from zeal.accounts.schemas import AvatarRead, avatar_of
from zeal.leaderboards.periods import PeriodKind
from zeal.leaderboards.service import Board, Row, board_metrics
from zeal.practice.metrics import Unit
from zeal.schemas import Schema


def _on_a_board(code: str) -> str:
    codes = [metric.code for metric in board_metrics()]
    if code not in codes:
        raise ValueError(f"metric is one of: {', '.join(codes)}")
    return code


# A board metric's code, listed in the OpenAPI document from the registry.
BoardMetricCode = Annotated[
    str,
    AfterValidator(_on_a_board),
    WithJsonSchema({"type": "string", "enum": [metric.code for metric in board_metrics()]}),
]

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
        learner = row.learner
        return cls(
            rank=row.rank,
            username=None if row.hidden else learner.username,
            display_name=HIDDEN_NAME if row.hidden else learner.display_name,
            avatar=None if row.hidden else avatar_of(learner),
            value=row.value,
            is_self=row.is_self,
            is_friend=row.is_friend and not row.hidden,
        )


class PeriodRead(Schema):
    kind: PeriodKind
    from_: date | None = Field(alias="from", serialization_alias="from")
    to: date | None


class Leaderboard(Schema):
    metric: BoardMetricCode
    unit: Unit
    period: PeriodRead
    language: str | None
    total: int = Field(description="How many learners are on the board.")
    rows: list[LeaderboardRow] = Field(
        description="The top `limit`, and your own row after them when you are further down."
    )

    @classmethod
    def of(cls, board: Board) -> "Leaderboard":
        return cls(
            metric=board.metric.code,
            unit=board.metric.unit,
            period=PeriodRead.model_validate(
                {"kind": board.period.kind, "from": board.period.start, "to": board.period.end}
            ),
            language=board.language,
            total=board.total,
            rows=[LeaderboardRow.of(row) for row in board.rows],
        )
