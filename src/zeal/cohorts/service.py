"""Cohorts: creating a class, joining by invite code, teachers, leaving, settings.

Membership changes lock the cohort row, so two joins, or a leave racing a removal, happen one
after the other; a unique key on current memberships is the last word.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Select, Table, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zeal.accounts.errors import UserNotFound
from zeal.accounts.models import User
from zeal.accounts.queries import find_by_username
from zeal.cohorts import errors
from zeal.cohorts.models import Cohort, CohortMember, LeaderboardNames, Role, active_key
from zeal.context import Context
from zeal.friends.visibility import visible_learner

# No 0/O or 1/I/L: codes are read aloud and copied from a board.
_INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_CODE_LENGTH = 8


def new_invite_code() -> str:
    return "".join(secrets.choice(_INVITE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


def _check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= 100:
        raise errors.CohortNameInvalid("A cohort name has 1 to 100 characters.")
    return cleaned


def current_membership(session: Session, cohort_id: int, user_id: int) -> CohortMember | None:
    return session.scalar(
        select(CohortMember).where(CohortMember.active_key == active_key(cohort_id, user_id))
    )


# Built once: every class board and roster asks it.
_MEMBER_COHORT = (
    select(Cohort, CohortMember)
    .join(CohortMember, CohortMember.cohort_id == Cohort.id)
    .where(Cohort.id == bindparam("cohort"), CohortMember.active_key == bindparam("key"))
)


def member_cohort(
    session: Session, user: User, cohort_id: int, *, lock: bool = False
) -> tuple[Cohort, CohortMember]:
    """The cohort and the learner's membership; a non-member gets the same 404 as for a cohort
    that does not exist. `lock`: a teacher's change, which queues on the cohort's row."""
    if lock:
        session.execute(select(Cohort.id).where(Cohort.id == cohort_id).with_for_update())
    key = active_key(cohort_id, user.id)
    found = session.execute(_MEMBER_COHORT, {"cohort": cohort_id, "key": key}).first()
    if found is None:
        raise errors.CohortNotFound(f"You are not in a cohort {cohort_id}.")
    cohort, membership = found
    return cohort, membership


def _teacher_cohort(session: Session, user: User, cohort_id: int) -> Cohort:
    cohort, membership = member_cohort(session, user, cohort_id, lock=True)
    if membership.role != Role.TEACHER:
        raise errors.TeachersOnly("Only the cohort's teachers can do this.")
    return cohort


def _add(session: Session, ctx: Context, cohort: Cohort, user_id: int, role: Role) -> CohortMember:
    member = CohortMember(
        cohort_id=cohort.id,
        user_id=user_id,
        role=role,
        joined_at=ctx.clock.now(),
        active_key=active_key(cohort.id, user_id),
    )
    try:
        with session.begin_nested():
            session.add(member)
    except IntegrityError:
        raise errors.AlreadyMember("Already a member of this cohort.") from None
    return member


def create_cohort(
    session: Session, ctx: Context, teacher: User, *, name: str, has_leaderboard: bool = False
) -> Cohort:
    """A new class with its creator as teacher and a fresh invite code."""
    cohort = Cohort(
        name=_check_name(name),
        invite_code=new_invite_code(),
        has_leaderboard=has_leaderboard,
        leaderboard_names=LeaderboardNames.VISIBLE,
        created_at=ctx.clock.now(),
    )
    session.add(cohort)
    session.flush()
    _add(session, ctx, cohort, teacher.id, Role.TEACHER)
    return cohort


def join_cohort(session: Session, ctx: Context, user: User, *, invite_code: str) -> Cohort:
    code = invite_code.strip().upper()
    cohort = session.scalar(select(Cohort).where(Cohort.invite_code == code).with_for_update())
    if cohort is None:
        raise errors.InviteCodeUnknown("No cohort has this invite code; ask your teacher.")
    if current_membership(session, cohort.id, user.id) is not None:
        raise errors.AlreadyMember(f"You are already in '{cohort.name}'.")
    _add(session, ctx, cohort, user.id, Role.STUDENT)
    return cohort


def add_teacher(
    session: Session, ctx: Context, teacher: User, cohort_id: int, *, username: str
) -> User:
    """Make a learner a teacher of the cohort (a student of it is promoted)."""
    cohort = _teacher_cohort(session, teacher, cohort_id)
    new_teacher = visible_learner(session, teacher, username)
    existing = current_membership(session, cohort.id, new_teacher.id)
    if existing is not None and existing.role == Role.TEACHER:
        raise errors.AlreadyMember(f"'{new_teacher.username}' already teaches this cohort.")
    if existing is not None:
        _end(session, existing, ctx.clock.now())
    _add(session, ctx, cohort, new_teacher.id, Role.TEACHER)
    return new_teacher


def _end(session: Session, membership: CohortMember, when: datetime) -> None:
    membership.left_at = when
    membership.active_key = None
    session.flush()


def remove_member(
    session: Session, ctx: Context, user: User, cohort_id: int, *, username: str
) -> None:
    """A student leaves (their own name), or a teacher removes a member; the last teacher
    cannot leave."""
    cohort, mine = member_cohort(session, user, cohort_id, lock=True)
    target = user if username.strip().lower() == user.username_key else None
    if target is None:
        if mine.role != Role.TEACHER:
            raise errors.TeachersOnly("Only teachers can remove other members.")
        # Not `visible_learner`: a block between the two must not keep someone in a class.
        target = find_by_username(session, username)
        if target is None:
            raise UserNotFound(f"No learner is called '{username}'.")
    membership = current_membership(session, cohort.id, target.id)
    if membership is None:
        raise errors.NotAMember(f"'{username}' is not in this cohort.")
    if membership.role == Role.TEACHER and len(_teachers(session, cohort.id)) == 1:
        raise errors.LastTeacher("Add another teacher before the last one leaves.")
    _end(session, membership, ctx.clock.now())


def update_cohort(
    session: Session,
    ctx: Context,
    teacher: User,
    cohort_id: int,
    *,
    name: str | None = None,
    has_leaderboard: bool | None = None,
    leaderboard_names: LeaderboardNames | None = None,
    regenerate_invite_code: bool = False,
) -> Cohort:
    cohort = _teacher_cohort(session, teacher, cohort_id)
    if name is not None:
        cohort.name = _check_name(name)
    if has_leaderboard is not None:
        cohort.has_leaderboard = has_leaderboard
    if leaderboard_names is not None:
        cohort.leaderboard_names = leaderboard_names
    if regenerate_invite_code:
        cohort.invite_code = new_invite_code()  # the old code stops working at once
    session.flush()
    return cohort


def _teachers(session: Session, cohort_id: int) -> list[CohortMember]:
    return list(
        session.scalars(
            select(CohortMember).where(
                CohortMember.cohort_id == cohort_id,
                CohortMember.active_key.is_not(None),
                CohortMember.role == Role.TEACHER,
            )
        )
    )


@dataclass(frozen=True)
class Roster:
    cohort: Cohort
    role: Role
    teachers: list[User]
    students: list[User]


def roster(session: Session, user: User, cohort_id: int) -> Roster:
    """The class as a member sees it; one query for the members."""
    cohort, mine = member_cohort(session, user, cohort_id)
    rows = session.execute(
        select(CohortMember.role, User)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.active_key.is_not(None))
        .order_by(User.username_key)
    ).all()
    teachers = [member for role, member in rows if role == Role.TEACHER]
    students = [member for role, member in rows if role == Role.STUDENT]
    return Roster(cohort, Role(mine.role), teachers, students)


def my_cohorts(session: Session, user: User) -> list[tuple[Cohort, CohortMember]]:
    rows = session.execute(
        select(Cohort, CohortMember)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id, CohortMember.active_key.is_not(None))
        .order_by(func.lower(Cohort.name), Cohort.id)
    ).all()
    return [(cohort, member) for cohort, member in rows]


def members_at(
    cohort_id: int | ColumnElement[int],
    instant: datetime | ColumnElement[datetime],
    *,
    role: Role | None = Role.STUDENT,
) -> Select[int]:
    """A subquery of the user ids in the cohort at `instant` (students, unless role is None)."""
    member = cast(Table, CohortMember.__table__).c  # table columns: boards are hot queries
    query = select(member.user_id).where(
        member.cohort_id == cohort_id,
        member.joined_at <= instant,
        or_(member.left_at.is_(None), member.left_at > instant),
    )
    if role is not None:
        query = query.where(member.role == role)
    return query.distinct()
