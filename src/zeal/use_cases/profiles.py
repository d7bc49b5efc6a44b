"""What one learner may see of another: the public part for everyone signed in; streaks and
the friend streak for friends; everything for the learner."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.badges import service as badges_service
from zeal.badges.models import Badge, Metric, UserBadge
from zeal.clock import local_date
from zeal.context import Context
from zeal.friends.friend_streaks import FriendStreakView
from zeal.friends.friendships import friend_streak_with
from zeal.friends.models import Friendship
from zeal.friends.pairs import Relation, relation
from zeal.friends.visibility import visible_learner
from zeal.practice.reading import StreakView, list_streaks


@dataclass(frozen=True)
class Profile:
    user: User
    relation: Relation
    streaks: list[StreakView] | None
    friendship: Friendship | None
    friend_streak: FriendStreakView | None
    badges: list[tuple[UserBadge, Badge, Metric]]


def profile(session: Session, ctx: Context, viewer: User, *, username: str) -> Profile:
    user = visible_learner(session, viewer, username)
    rel = relation(session, viewer, user)
    badges = badges_service.achieved(session, user.id)
    if rel not in (Relation.SELF, Relation.FRIEND):
        return Profile(user, rel, None, None, None, badges)
    streaks = list_streaks(session, user, local_date(user, ctx.clock.now()))
    pair = friend_streak_with(session, ctx, viewer, user) if rel is Relation.FRIEND else None
    friendship, streak = pair if pair else (None, None)
    return Profile(user, rel, streaks, friendship, streak, badges)
