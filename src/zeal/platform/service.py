"""A platform's learners, by its own ids: put (with what a change of zone revives), erase,
and their practice recorded."""

from sqlalchemy.orm import Session

from zeal.accounts import platform_learners
from zeal.accounts.platform_learners import LearnerFields, PutLearner
from zeal.context import Context
from zeal.data_rights.service import erase_learner
from zeal.practice import daily_streaks
from zeal.practice.recording import Practice
from zeal.use_cases.record_practice import RecordedPractice, record_practice


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
