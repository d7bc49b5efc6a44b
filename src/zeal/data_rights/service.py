"""Everything Zeal holds about one learner: exported as rows, or deleted in one transaction."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, aliased

from zeal.accounts.models import DailyGoal, KnownDevice, SessionToken, User
from zeal.badges import service as badges_service
from zeal.badges.models import Badge, Metric, UserBadge, UserMetric
from zeal.celebrations.models import Celebration
from zeal.cohorts.models import Cohort, CohortMember, Role
from zeal.context import Context
from zeal.data_rights import errors
from zeal.friends.models import Block, FriendRequest, Friendship
from zeal.leagues.models import LeagueEntry
from zeal.limits.service import SignInAttempt
from zeal.practice.models import (
    PracticeDay,
    PracticeEvent,
    StreakFreeze,
    StreakRepair,
    UserLanguage,
)


@dataclass(frozen=True)
class LearnerData:
    """The learner's rows, each with the other learner's username where a row names one."""

    user: User
    sessions: list[SessionToken]
    devices: list[KnownDevice]
    practice_events: list[PracticeEvent]
    practice_days: list[PracticeDay]
    languages: list[UserLanguage]
    streak_freezes: list[StreakFreeze]
    streak_repairs: list[StreakRepair]
    daily_goals: list[DailyGoal]
    friendships: list[tuple[Friendship, str]]
    friend_requests: list[tuple[FriendRequest, str, str]]
    blocked_usernames: list[tuple[Block, str]]
    metrics: list[tuple[UserMetric, str]]
    badges: list[tuple[UserBadge, Badge, str]]
    celebrations: list[tuple[Celebration, str | None]]
    league_weeks: list[LeagueEntry]
    classes: list[tuple[CohortMember, Cohort]]


def export(session: Session, user: User) -> LearnerData:
    """A copy of the learner's data. Who blocked *them* is the other learner's data: not here."""
    return LearnerData(
        user=user,
        sessions=_all(session, select(SessionToken).where(SessionToken.user_id == user.id)),
        devices=_all(session, select(KnownDevice).where(KnownDevice.user_id == user.id)),
        **_practice(session, user.id),
        daily_goals=_all(
            session,
            select(DailyGoal).where(DailyGoal.user_id == user.id).order_by(DailyGoal.since_day),
        ),
        friendships=_friendships(session, user.id),
        friend_requests=_friend_requests(session, user.id),
        blocked_usernames=_rows(
            session,
            select(Block, User.username)
            .join(User, User.id == Block.blocked_id)
            .where(Block.blocker_id == user.id)
            .order_by(Block.created_at),
        ),
        **_achievements(session, user.id),
        classes=_rows(
            session,
            select(CohortMember, Cohort)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(CohortMember.user_id == user.id)
            .order_by(CohortMember.joined_at, CohortMember.id),
        ),
    )


def _practice(session: Session, mine: int) -> dict[str, list[Any]]:
    return {
        "practice_events": _all(
            session,
            select(PracticeEvent)
            .where(PracticeEvent.user_id == mine)
            .order_by(PracticeEvent.occurred_at, PracticeEvent.id),
        ),
        "practice_days": _all(
            session,
            select(PracticeDay)
            .where(PracticeDay.user_id == mine)
            .order_by(PracticeDay.day, PracticeDay.language),
        ),
        "languages": _all(
            session,
            select(UserLanguage)
            .where(UserLanguage.user_id == mine)
            .order_by(UserLanguage.language),
        ),
        "streak_freezes": _all(
            session,
            select(StreakFreeze).where(StreakFreeze.user_id == mine).order_by(StreakFreeze.id),
        ),
        "streak_repairs": _all(
            session,
            select(StreakRepair).where(StreakRepair.user_id == mine).order_by(StreakRepair.id),
        ),
    }


def _achievements(session: Session, mine: int) -> dict[str, list[Any]]:
    return {
        "league_weeks": _all(
            session,
            select(LeagueEntry).where(LeagueEntry.user_id == mine).order_by(LeagueEntry.week_start),
        ),
        "metrics": _rows(
            session,
            select(UserMetric, Metric.code)
            .join(Metric, Metric.id == UserMetric.metric_id)
            .where(UserMetric.user_id == mine)
            .order_by(Metric.position),
        ),
        "badges": _rows(
            session,
            select(UserBadge, Badge, Metric.code)
            .join(Badge, Badge.id == UserBadge.badge_id)
            .join(Metric, Metric.id == Badge.metric_id)
            .where(UserBadge.user_id == mine)
            .order_by(UserBadge.achieved_at, UserBadge.id),
        ),
        "celebrations": _rows(
            session,
            select(Celebration, Badge.name)
            .outerjoin(Badge, Badge.id == Celebration.badge_id)
            .where(Celebration.user_id == mine)
            .order_by(Celebration.id),
        ),
    }


def export_filename(user: User, now: datetime) -> str:
    return f"zeal-{user.username}-{now.date().isoformat()}.json"


def _all(session: Session, statement: Any) -> list[Any]:
    return list(session.scalars(statement))


def _rows(session: Session, statement: Any) -> list[Any]:
    return [tuple(row) for row in session.execute(statement)]


def _friendships(session: Session, mine: int) -> list[tuple[Friendship, str]]:
    other = aliased(User)
    return _rows(
        session,
        select(Friendship, other.username)
        .join(other, other.id == Friendship.other_side(mine))
        .where(Friendship.of_learner(mine))
        .order_by(Friendship.created_at, Friendship.id),
    )


def _friend_requests(session: Session, mine: int) -> list[tuple[FriendRequest, str, str]]:
    sender, receiver = aliased(User), aliased(User)
    return _rows(
        session,
        select(FriendRequest, sender.username, receiver.username)
        .join(sender, sender.id == FriendRequest.sender_id)
        .join(receiver, receiver.id == FriendRequest.receiver_id)
        .where(or_(FriendRequest.sender_id == mine, FriendRequest.receiver_id == mine))
        .order_by(FriendRequest.created_at, FriendRequest.id),
    )


def delete_account(
    session: Session, ctx: Context, attempt: SignInAttempt, user: User, *, password: str
) -> None:
    """Delete the learner and everything of theirs (the foreign keys cascade): sessions,
    practice, streaks, badges, friendships and requests both ways, blocks both ways, class
    memberships (and so every board). A class they alone teach goes with them when nobody else
    is in it; when others are, they must hand it on first, or the class would be orphaned."""
    attempt.check_user(session, user)  # a wrong password counts toward the sign-in limit
    _confirm_password(ctx, user, password)
    erase_learner(session, ctx, user)


def erase_learner(session: Session, ctx: Context, user: User) -> None:
    """`delete_account` once the learner (or the platform that made them) asked for it."""
    session.refresh(user, with_for_update=True)  # one deletion at a time per learner
    sole_classes = _classes_taught_alone(session, user.id)
    crowded = [cohort for cohort, others in sole_classes if others]
    if crowded:
        names = ", ".join(f"'{cohort.name}'" for cohort in crowded)
        raise errors.ClassNeedsTeacher(
            f"You are the only teacher of {names}. Add another teacher or remove the other "
            "members first.",
            classes=[cohort.id for cohort in crowded],
        )
    for cohort, _ in sole_classes:
        session.delete(cohort)
    friends = _friend_ids(session, user.id)
    session.execute(delete(User).where(User.id == user.id))
    session.flush()
    # Their friends now have one friend fewer: the "friends" gauge follows, as on unfriending.
    badges_service.on_friends_changed(session, ctx, friends)


def _friend_ids(session: Session, user_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Friendship.other_side(user_id)).where(
                Friendship.of_learner(user_id), Friendship.active_pair.is_not(None)
            )
        )
    )


def _confirm_password(ctx: Context, user: User, password: str) -> None:
    try:
        if user.password_hash is None:  # a platform's learner: deleted by the platform
            raise VerificationError
        ctx.passwords.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise errors.PasswordIncorrect(
            "Type your current password to delete your account."
        ) from None


def _classes_taught_alone(session: Session, user_id: int) -> list[tuple[Cohort, int]]:
    """Classes where the learner is the only current teacher, with how many others are in."""
    current = CohortMember.active_key.is_not(None)
    taught = select(CohortMember.cohort_id).where(
        CohortMember.user_id == user_id, CohortMember.role == Role.TEACHER, current
    )
    result: list[tuple[Cohort, int]] = []
    for cohort in session.scalars(select(Cohort).where(Cohort.id.in_(taught)).order_by(Cohort.id)):
        members = session.execute(
            select(CohortMember.user_id, CohortMember.role).where(
                CohortMember.cohort_id == cohort.id, current
            )
        ).all()
        teachers = [uid for uid, role in members if role == Role.TEACHER]
        if teachers == [user_id]:
            result.append((cohort, len(members) - 1))
    return result
