"""Response shapes for leagues."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import Field

from zeal.accounts.models import User
from zeal.accounts.schemas import AvatarRead, avatar_of
from zeal.leaderboards.schemas import HIDDEN_NAME
from zeal.leagues.rules import Outcome, Zone
from zeal.leagues.service import GroupRow, League, PastWeek, Tier
from zeal.schemas import Schema


class TierRead(Schema):
    position: int = Field(description="1 for the first tier.")
    name: str

    @classmethod
    def of(cls, tier: Tier) -> "TierRead":
        return cls(position=tier.position + 1, name=tier.name)


class LeagueWeek(Schema):
    starts_at: datetime = Field(description="Monday 00:00 UTC: the same instant for everyone.")
    ends_at: datetime = Field(description="The next Monday 00:00 UTC.")
    ends_at_local: datetime = Field(description="The same instant on the learner's clock.")
    seconds_left: int


class LeagueRow(Schema):
    rank: int = Field(description="By XP this week; ties share a rank: 1, 2, 2, 4.")
    username: str | None = Field(
        description="null for a learner in a blocked pair with you (blocked after the two were "
        "placed together): they keep their place, nameless."
    )
    display_name: str
    avatar: AvatarRead | None
    xp: int
    zone: Zone = Field(description="Where the week would take them if it ended now.")
    is_self: bool

    @classmethod
    def of(cls, row: GroupRow) -> "LeagueRow":
        learner, hidden = row.learner, row.hidden
        return cls(
            rank=row.standing.rank,
            username=None if hidden else learner.username,
            display_name=HIDDEN_NAME if hidden else learner.display_name,
            avatar=None if hidden else avatar_of(learner),
            xp=row.standing.xp,
            zone=row.standing.zone,
            is_self=row.is_self,
        )


class PastWeekRead(Schema):
    week_start: date
    tier: TierRead
    rank: int
    xp: int
    group_size: int
    outcome: Outcome
    next_tier: TierRead

    @classmethod
    def of(cls, week: PastWeek) -> "PastWeekRead":
        return cls(
            week_start=week.week_start,
            tier=TierRead.of(week.tier),
            rank=week.rank,
            xp=week.xp,
            group_size=week.group_size,
            outcome=week.outcome,
            next_tier=TierRead.of(week.next_tier),
        )


class LeagueRead(Schema):
    leagues: bool = Field(description="False: the learner opted out (PATCH /v1/me).")
    tier: TierRead = Field(description="The tier of this week's group, or the one to join.")
    week: LeagueWeek
    placed: bool = Field(description="False until the learner's first XP of the week.")
    promoted: int = Field(
        description="How many at the top of this group move up when the week ends (a group "
        "smaller than the group size moves the same share, rounded up)."
    )
    demoted: int = Field(description="How many at the bottom of this group move down.")
    rows: list[LeagueRow] = Field(description="The group, best first.")
    last_week: PastWeekRead | None

    @classmethod
    def of(cls, league: League, user: User, now: datetime) -> "LeagueRead":
        week = LeagueWeek(
            starts_at=league.starts_at,
            ends_at=league.ends_at,
            ends_at_local=league.ends_at.astimezone(ZoneInfo(user.timezone)),
            seconds_left=max(0, int((league.ends_at - now).total_seconds())),
        )
        return cls(
            leagues=league.opted_in,
            tier=TierRead.of(league.tier),
            week=week,
            placed=league.group_id is not None,
            promoted=league.promoted,
            demoted=league.demoted,
            rows=[LeagueRow.of(row) for row in league.rows],
            last_week=PastWeekRead.of(league.last_week) if league.last_week else None,
        )


class LeagueHistory(Schema):
    weeks: list[PastWeekRead] = Field(description="Weeks that ended, newest first.")
