"""Two friends practising at the same moment still make a shared day: one of the two
transactions always sees the other's practice."""

from datetime import timedelta

from tests.factories import make_friends, make_learner
from tests.threads import at_once
from zeal.accounts.models import User
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.friends import friendships
from zeal.practice.activities import PracticeType
from zeal.practice.recording import Practice
from zeal.use_cases.record_practice import record_practice


def test_friends_practising_at_the_same_moment_every_day(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    a, b, c = (make_learner(db, ctx) for _ in range(3))
    make_friends(db, ctx, a, b)
    make_friends(db, ctx, b, c)

    def practise(user: User) -> None:
        with db.transaction() as session:
            record_practice(
                session, ctx, user_id=user.id, practice=Practice(PracticeType.READING, "es")
            )

    for _ in range(5):
        at_once([lambda u=u: practise(u) for u in (a, b, c)])
        clock.advance(timedelta(days=1))

    with db.transaction(write=False) as session:
        middle = session.get(User, b.id)
        assert middle is not None
        friends = friendships.list_friends(session, ctx, middle)
    assert {f.user.id: f.streak.friend_streak for f in friends} == {a.id: 5, c.id: 5}
