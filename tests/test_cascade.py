"""Deleting a learner leaves nothing of theirs behind in any table (B26: the predecessor's
account deletion failed or left orphans in the gamification tables)."""

from sqlalchemy import delete, func, or_, select

import zeal.models as models
from tests.factories import limits_for, make_friends, make_learner, practise
from zeal.accounts.devices import remember_device
from zeal.celebrations import service as celebrations
from zeal.context import Context
from zeal.db import Database
from zeal.use_cases import friendships as friendships_use_case


def test_every_row_of_a_deleted_learner_goes(db: Database, ctx: Context) -> None:
    leaving, friend, other = (make_learner(db, ctx) for _ in range(3))
    make_friends(db, ctx, leaving, friend)
    practise(db, ctx, leaving)
    with db.transaction() as session:
        me = session.get(models.User, leaving.id)
        assert me is not None
        friendships_use_case.send_friend_request(
            session, ctx, limits_for(db, ctx), me, username=other.username
        )
        friendships_use_case.block(session, ctx, me, username=friend.username)
        friendships_use_case.send_friend_request(
            session,
            ctx,
            limits_for(db, ctx),
            session.get(models.User, other.id),
            username=friend.username,
        )
        remember_device(session, ctx, leaving.id, None)
        celebrations.on_practice(session, ctx, leaving.id, streak=("es", 7), badge_ids=[])
    with db.transaction() as session:
        session.execute(delete(models.User).where(models.User.id == leaving.id))

    owned = {
        models.SessionToken: [models.SessionToken.user_id],
        models.KnownDevice: [models.KnownDevice.user_id],
        models.Celebration: [models.Celebration.user_id],
        models.PracticeEvent: [models.PracticeEvent.user_id],
        models.PracticeDay: [models.PracticeDay.user_id],
        models.PracticeTotal: [models.PracticeTotal.user_id],
        models.UserLanguage: [models.UserLanguage.user_id],
        models.Friendship: [models.Friendship.user_low_id, models.Friendship.user_high_id],
        models.FriendRequest: [models.FriendRequest.sender_id, models.FriendRequest.receiver_id],
        models.Block: [models.Block.blocker_id, models.Block.blocked_id],
    }
    with db.transaction(write=False) as session:
        for model, columns in owned.items():
            left = session.scalar(
                select(func.count())
                .select_from(model)
                .where(or_(*(column == leaving.id for column in columns)))
            )
            assert left == 0, model.__tablename__
        # The others' own data stays.
        assert session.scalar(select(func.count()).select_from(models.FriendRequest)) == 1
