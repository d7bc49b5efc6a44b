"""Practice totals: the ledger summed per week, month and all time, per language and over all
languages, kept on every event and equal to what the ledger says."""

from datetime import UTC, date, datetime, timedelta

from tests.factories import make_learner, practise
from tests.practice.totals_oracle import ledger, stored_totals, totals_from_ledger
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.practice import totals
from zeal.practice.totals import Span, covering

WEDNESDAY = datetime(2026, 4, 1, 12, tzinfo=UTC)


def test_events_are_summed_by_week_month_and_all_time(db: Database, ctx: Context) -> None:
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.set(WEDNESDAY)
    ann = make_learner(db, ctx)
    practise(db, ctx, ann)  # Wed 1 April, Spanish
    practise(db, ctx, ann)  # ... again: one more event, not one more day
    practise(db, ctx, ann, language="fr", type="reading", duration_seconds=60)  # same date
    practise(db, ctx, ann, at=WEDNESDAY - timedelta(days=2))  # Mon 30 March: this week
    practise(db, ctx, ann, at=WEDNESDAY - timedelta(days=3))  # Sun 29 March: last week

    with db.transaction(write=False) as session:
        stored = stored_totals(session, ann.id)
    me = ann.id
    assert stored[(me, "es", "week", date(2026, 3, 30))] == (2, 3, 3)
    assert stored[(me, "es", "week", date(2026, 3, 23))] == (1, 1, 1)
    assert stored[(me, "es", "month", date(2026, 3, 1))] == (2, 2, 2)
    assert stored[(me, "es", "month", date(2026, 4, 1))] == (1, 2, 2)
    assert stored[(me, "fr", "all", date(1970, 1, 1))] == (1, 1, 0)
    # All languages: 1 April counts once although both languages were practised on it.
    assert stored[(me, "*", "week", date(2026, 3, 30))] == (2, 4, 3)
    assert stored[(me, "*", "all", date(1970, 1, 1))] == (3, 5, 4)
    assert len(stored) == 5 + 3 + 5  # es and "*": 2 weeks, 2 months, all time; fr: 1 each


def test_totals_equal_the_ledger_and_a_rebuild_changes_nothing(db: Database, ctx: Context) -> None:
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.set(WEDNESDAY)
    learners = [make_learner(db, ctx), make_learner(db, ctx, timezone="Pacific/Kiritimati")]
    for back in range(7):
        at = WEDNESDAY - timedelta(days=back, hours=back)
        for user in learners:
            practise(db, ctx, user, at=at, language="es" if back % 3 else "fr")
            if back % 2:
                practise(db, ctx, user, at=at, language="de", type="listening")
    with db.transaction(write=False) as session:
        kept = stored_totals(session)
        assert kept == totals_from_ledger(ledger(session))
    with db.transaction() as session:
        totals.rebuild(session)
    with db.transaction(write=False) as session:
        assert stored_totals(session) == kept


def test_a_window_is_read_from_a_total_only_when_it_is_exactly_one() -> None:
    monday, first = date(2026, 3, 30), date(2026, 3, 1)
    assert covering(None, None) == (Span.ALL, date(1970, 1, 1))
    assert covering(monday, monday + timedelta(days=6)) == (Span.WEEK, monday)
    assert covering(first, date(2026, 3, 31)) == (Span.MONTH, first)
    assert covering(date(2026, 2, 1), date(2026, 2, 28)) == (Span.MONTH, date(2026, 2, 1))
    assert covering(monday, monday + timedelta(days=5)) is None
    assert covering(monday + timedelta(days=1), monday + timedelta(days=7)) is None
    assert covering(first, date(2026, 4, 1)) is None
