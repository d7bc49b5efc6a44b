"""A platform's learners, by its own ids: put (with what a change of zone revives), erase,
their practice recorded, and sessions the platform hands to its own apps."""

from datetime import timedelta

from sqlalchemy.orm import Session

from zeal.accounts import platform_learners
from zeal.accounts import service as accounts_service
from zeal.accounts.models import SessionToken
from zeal.accounts.platform_learners import LearnerFields, PutLearner
from zeal.context import Context
from zeal.data_rights.service import erase_learner
from zeal.practice import daily_streaks, freezes, repairs
from zeal.practice.recording import Practice
from zeal.use_cases import accounts as accounts_use_case
from zeal.use_cases import streak_repairs
from zeal.use_cases.record_practice import RecordedPractice, record_practice
from zeal.use_cases.streak_repairs import StreakRepaired


def put_learner(
    session: Session, ctx: Context, platform_id: int, external_id: str, given: LearnerFields
) -> PutLearner:
    """Make the platform's learner or change it. A platform's change is not the learner
    making the profile theirs: it earns no "Made It Yours"."""
    put = platform_learners.put_learner(session, ctx, platform_id, external_id, given)
    if put.moved_zone:
        daily_streaks.restore_streaks_after_move(session, put.user.id)
    return put


def erase(session: Session, ctx: Context, platform_id: int, external_id: str) -> None:
    """The learner and everything Zeal keeps about them, as `DELETE /v1/me` erases it."""
    user = platform_learners.find_learner(session, platform_id, external_id)
    erase_learner(session, ctx, user)


def record(
    session: Session,
    ctx: Context,
    *,
    platform_id: int,
    external_id: str,
    practice: Practice,
    api_key_id: int,
) -> RecordedPractice:
    user_id = platform_learners.learner_id(session, platform_id, external_id)
    return record_practice(session, ctx, user_id=user_id, practice=practice, api_key_id=api_key_id)


def grant_freeze(
    session: Session, ctx: Context, platform_id: int, external_id: str, given: freezes.Grant
) -> tuple[freezes.FreezeView, bool, int]:
    user_id = platform_learners.learner_id(session, platform_id, external_id)
    return freezes.grant_to(session, ctx, user_id, given)


def repair_streak(
    session: Session,
    ctx: Context,
    platform_id: int,
    external_id: str,
    language: str,
    *,
    key_hash: str | None,
    api_key_id: int,
) -> StreakRepaired:
    user_id = platform_learners.learner_id(session, platform_id, external_id)
    return streak_repairs.repair_streak(
        session, ctx, user_id, language, by=repairs.PLATFORM, key_hash=key_hash,
        api_key_id=api_key_id,
    )  # fmt: skip


# A session a platform hands to its front end: short-lived, since it travels through browsers.
TOKEN_LIFETIME = timedelta(hours=1)
MAX_TOKEN_LIFETIME = timedelta(hours=24)


def open_learner_session(
    session: Session,
    ctx: Context,
    platform_id: int,
    external_id: str,
    lifetime: timedelta = TOKEN_LIFETIME,
) -> tuple[str, SessionToken]:
    """A session token for the platform's learner, as signing in would give (lapsed streaks
    are brought to 0 on the way), good for `lifetime` (at most `MAX_TOKEN_LIFETIME`)."""
    assert lifetime <= MAX_TOKEN_LIFETIME
    user = platform_learners.find_learner(session, platform_id, external_id)
    return accounts_use_case.open_session(session, ctx, user, lifetime)


def sign_out_everywhere(session: Session, ctx: Context, platform_id: int, external_id: str) -> None:
    user_id = platform_learners.learner_id(session, platform_id, external_id)
    accounts_service.revoke_sessions(session, ctx, user_id)
