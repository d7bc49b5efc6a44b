"""Response shapes for leaderboards."""

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema

from zeal.accounts.schemas import AvatarRead, avatar_of
from zeal.leaderboards.periods import PeriodKind
from zeal.leaderboards.progress import LAPSED_AFTER_DAYS, ClassProgress, StudentProgress
from zeal.leaderboards.service import Board, Row, board_metrics
from zeal.practice.languages import LANGUAGES
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


class LanguageStreakRead(Schema):
    language: str
    language_name: str
    daily_streak: int


class StudentProgressRead(Schema):
    username: str
    display_name: str
    avatar: AvatarRead
    streaks: list[LanguageStreakRead] = Field(description="The streaks alive today, longest first.")
    best_streak: int
    last_practice_date: date | None = Field(description="The student's own local date.")
    days_since_practice: int | None = Field(description="null: never practised.")
    lapsed: bool = Field(description=f"No practice for {LAPSED_AFTER_DAYS} days or more, or never.")
    week_minutes: int = Field(description="Practice time this week, in whole minutes.")
    week_correct_exercises: int
    week_badges: list[str] = Field(description="Names of the badges earned this week.")

    @classmethod
    def of(cls, row: StudentProgress) -> "StudentProgressRead":
        return cls(
            username=row.user.username,
            display_name=row.user.display_name,
            avatar=avatar_of(row.user),
            streaks=[
                LanguageStreakRead(
                    language=language, language_name=LANGUAGES[language], daily_streak=days
                )
                for language, days in row.streaks.items()
            ],
            best_streak=row.best_streak,
            last_practice_date=row.last_practice_date,
            days_since_practice=row.days_since_practice,
            lapsed=row.lapsed,
            week_minutes=row.minutes,
            week_correct_exercises=row.correct_exercises,
            week_badges=row.badges,
        )


class ClassProgressRead(Schema):
    cohort_id: int
    name: str
    week: PeriodRead = Field(description="This week, Monday to Sunday, in your calendar.")
    students: list[StudentProgressRead]

    @classmethod
    def of(cls, progress: ClassProgress) -> "ClassProgressRead":
        return cls(
            cohort_id=progress.cohort.id,
            name=progress.cohort.name,
            week=PeriodRead.model_validate(
                {"kind": PeriodKind.WEEK, "from": progress.week_start, "to": progress.week_end}
            ),
            students=[StudentProgressRead.of(row) for row in progress.students],
        )
