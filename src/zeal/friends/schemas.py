"""Request and response shapes for friends, requests, blocks, search and profiles."""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from zeal.accounts.models import User
from zeal.accounts.schemas import AvatarRead, PublicUser, avatar_of
from zeal.badges.schemas import AchievedBadge
from zeal.friends.friend_streaks import FriendStreakView
from zeal.friends.friendships import Friend
from zeal.friends.models import FriendRequest
from zeal.friends.pairs import Relation
from zeal.practice.languages import LANGUAGES
from zeal.practice.reading import StreakView
from zeal.schemas import Schema
from zeal.use_cases.profiles import Profile

Username = Field(max_length=100, examples=["brave_otter1234"])


class UsernameBody(Schema):
    username: str = Username


class FriendRequestRead(Schema):
    id: int
    status: str
    sender: PublicUser
    receiver: PublicUser
    created_at: datetime
    responded_at: datetime | None

    @classmethod
    def of(cls, request: FriendRequest, sender: User, receiver: User) -> "FriendRequestRead":
        return cls(
            id=request.id,
            status=request.status,
            sender=PublicUser.of(sender),
            receiver=PublicUser.of(receiver),
            created_at=request.created_at,
            responded_at=request.responded_at,
        )


class FriendRequestList(Schema):
    direction: Literal["received", "sent"]
    requests: list[FriendRequestRead]


class FriendRequestCount(Schema):
    pending_received: int


class LanguageStreak(Schema):
    language: str
    language_name: str
    daily_streak: int
    max_streak: int
    max_streak_date: date | None
    practiced_today: bool

    @classmethod
    def of(cls, view: StreakView) -> "LanguageStreak":
        return cls(
            language=view.language,
            language_name=LANGUAGES[view.language],
            daily_streak=view.daily_streak,
            max_streak=view.max_streak,
            max_streak_date=view.max_streak_date,
            practiced_today=view.practiced_today,
        )


class FriendStreak(Schema):
    friend_streak: int = Field(description="Consecutive days on which both of you practised.")
    max_friend_streak: int
    max_friend_streak_date: date | None

    @classmethod
    def of(cls, view: FriendStreakView) -> "FriendStreak":
        return cls(
            friend_streak=view.friend_streak,
            max_friend_streak=view.max_friend_streak,
            max_friend_streak_date=view.max_friend_streak_date,
        )


class FriendRead(Schema):
    username: str
    display_name: str
    avatar: AvatarRead
    friends_since: datetime
    friend_streak: int = Field(description="Consecutive days on which both of you practised.")
    max_friend_streak: int
    max_friend_streak_date: date | None
    streaks: list[LanguageStreak]

    @classmethod
    def of_friend(cls, friend: Friend, streaks: list[StreakView]) -> "FriendRead":
        return cls(
            username=friend.user.username,
            display_name=friend.user.display_name,
            avatar=avatar_of(friend.user),
            friends_since=friend.friendship.created_at,
            streaks=[LanguageStreak.of(view) for view in streaks],
            friend_streak=friend.streak.friend_streak,
            max_friend_streak=friend.streak.max_friend_streak,
            max_friend_streak_date=friend.streak.max_friend_streak_date,
        )


class FriendList(Schema):
    friends: list[FriendRead] = Field(
        description="The longest friend streak now first, then by username; one page of them."
    )
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class LearnerList(Schema):
    learners: list[PublicUser]


class SearchResult(PublicUser):
    relation: Relation


class SearchResults(Schema):
    results: list[SearchResult]


class BlockRead(PublicUser):
    blocked_at: datetime


class BlockList(Schema):
    blocked: list[BlockRead]


class ProfileRead(Schema):
    """Public for every signed-in learner; `streaks` and `friend_streak` only for friends (and
    `streaks` for oneself); absent fields are null."""

    username: str
    display_name: str
    avatar: AvatarRead
    member_since: datetime
    relation: Relation
    streaks: list[LanguageStreak] | None
    friends_since: datetime | None
    friend_streak: FriendStreak | None
    badges: list[AchievedBadge] = Field(description="Achieved badges, newest first.")

    @classmethod
    def of(cls, profile: Profile) -> "ProfileRead":
        user = profile.user
        return cls(
            username=user.username,
            display_name=user.display_name,
            avatar=avatar_of(user),
            member_since=user.created_at,
            relation=profile.relation,
            streaks=(
                [LanguageStreak.of(v) for v in profile.streaks]
                if profile.streaks is not None
                else None
            ),
            friends_since=profile.friendship.created_at if profile.friendship else None,
            friend_streak=FriendStreak.of(profile.friend_streak) if profile.friend_streak else None,
            badges=[AchievedBadge.of(*row) for row in profile.badges],
        )
