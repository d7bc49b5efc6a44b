"""Streak repair: within the window after a streak broke, its missed days become repaired
days and the streak goes on; the platform may always, a learner once a month when allowed."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.factories import make_learner, practise, signed_up
from tests.http import assert_problem
from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.clock import FixedClock
from zeal.context import Context
from zeal.db import Database
from zeal.practice import errors, freezes, repairs
from zeal.practice.models import UserLanguage
from zeal.practice.repairs import missed_days
from zeal.use_cases.streak_repairs import StreakRepaired, repair_streak

DAY = timedelta(days=1)
D = date(2026, 3, 10)


class TestMissedDays:
    def test_the_gap_between_the_broken_run_and_today(self) -> None:
        covered = {D - 3 * DAY, D - 2 * DAY}  # the run broke: D-1 was missed
        assert missed_days(covered, D, D - 5 * DAY) == (D - DAY, D - DAY)

    def test_the_gap_before_a_run_begun_since(self) -> None:
        covered = {D - 5 * DAY, D - 4 * DAY, D - DAY, D}
        assert missed_days(covered, D, D - 8 * DAY) == (D - 3 * DAY, D - 2 * DAY)

    def test_today_not_yet_practised_is_not_missed(self) -> None:
        assert missed_days({D - 2 * DAY, D - DAY}, D, D - 5 * DAY) is None

    def test_nothing_to_repair_without_a_run_before_the_gap(self) -> None:
        assert missed_days({D}, D, D - 5 * DAY) is None
        assert missed_days(set(), D, D - 5 * DAY) is None


def repair(
    db: Database, ctx: Context, user: User, language: str = "es", **options: object
) -> StreakRepaired:
    options.setdefault("by", repairs.PLATFORM)
    with db.transaction() as session:
        return repair_streak(session, ctx, user.id, language, **options)  # type: ignore[arg-type]


def stored(db: Database, user: User) -> UserLanguage:
    with db.transaction(write=False) as session:
        row = session.get(UserLanguage, (user.id, "es"))
        assert row is not None
        return row


def run_then_miss(db: Database, ctx: Context, clock: FixedClock, user: User, days: int) -> None:
    """`days` in a row from 10 March at noon UTC, then one day missed: now the day after."""
    clock.set(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    for _ in range(days):
        practise(db, ctx, user)
        clock.advance(DAY)
    clock.advance(DAY)


def test_a_repair_keeps_the_missed_day_and_joins_the_new_run(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    run_then_miss(db, ctx, clock, user, 5)  # 10-14 March; the 15th missed; now the 16th
    assert practise(db, ctx, user).streak.daily_streak == 1
    done = repair(db, ctx, user)
    assert done.repaired.days == (date(2026, 3, 15),)
    assert (done.streak.daily_streak, done.streak.max_streak) == (6, 6)
    assert done.streak.max_streak_date == date(2026, 3, 16)
    row = stored(db, user)
    assert (row.daily_streak, row.max_streak, row.last_practice_date) == (6, 6, date(2026, 3, 16))
    clock.advance(DAY)
    assert practise(db, ctx, user).streak.daily_streak == 7


def test_two_missed_days_are_repaired_together(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    run_then_miss(db, ctx, clock, user, 4)  # 10-13; the 14th missed; now the 15th 12:00
    clock.set(datetime(2026, 3, 15, 23, 0, tzinfo=UTC))  # and the 15th ends unpractised
    clock.advance(timedelta(hours=2))  # 16 March 01:00: the 15th missed too
    done = repair(db, ctx, user)
    assert done.repaired.days == (date(2026, 3, 14), date(2026, 3, 15))
    assert done.streak.daily_streak == 4  # alive through yesterday, not grown


@pytest.mark.parametrize(("hours", "allowed"), [(47, True), (48, False)])
def test_the_window_is_counted_from_the_learners_midnight_after_the_missed_day(
    db: Database, ctx: Context, clock: FixedClock, hours: int, allowed: bool
) -> None:
    user = make_learner(db, ctx, timezone="Asia/Tokyo")  # UTC+9
    clock.set(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))  # 12:00 in Tokyo
    for _ in range(3):
        practise(db, ctx, user)
        clock.advance(DAY)
    # 13 March (Tokyo) is missed: the streak broke at its end, 14 March 00:00 JST (15:00 UTC
    # on the 13th). The clock then stands just inside, or at the end of, the window.
    broke = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)
    clock.set(broke + timedelta(hours=hours, minutes=59 if allowed else 0))
    if allowed:
        assert repair(db, ctx, user).repaired.days[0] == date(2026, 3, 13)
    else:
        with pytest.raises(errors.StreakNotRepairable):
            repair(db, ctx, user)


def test_the_window_is_a_setting(db: Database, ctx: Context, clock: FixedClock) -> None:
    user = make_learner(db, ctx)
    run_then_miss(db, ctx, clock, user, 3)
    clock.advance(DAY)  # 36 hours after the break
    short = replace(ctx, settings=ctx.settings.model_copy(update={"streak_repair_hours": 24}))
    with pytest.raises(errors.StreakNotRepairable):
        repair(db, short, user)
    assert repair(db, ctx, user).streak.daily_streak == 3


def test_a_streak_that_did_not_break_cannot_be_repaired(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    practise(db, ctx, user)
    clock.advance(DAY)
    with pytest.raises(errors.StreakNotRepairable):
        repair(db, ctx, user)
    with pytest.raises(errors.LanguageUnknown):
        repair(db, ctx, user, "xx")


def test_a_day_a_freeze_keeps_is_not_repaired(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    run_then_miss(db, ctx, clock, user, 3)
    with db.transaction() as session:
        # Held since before the missed day: a grant dated then.
        session.execute(
            freezes._FREEZE.insert().values(
                user_id=user.id,
                source="granted",
                reason="old",
                created_at=datetime(2026, 3, 1, tzinfo=UTC),
            )
        )
    with pytest.raises(errors.StreakNotRepairable):
        repair(db, ctx, user)  # the freeze kept the day: nothing broke


def test_a_repair_is_answered_again_for_its_key_and_changes_nothing_more(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    run_then_miss(db, ctx, clock, user, 3)
    first = repair(db, ctx, user, key_hash="k" * 64)
    again = repair(db, ctx, user, key_hash="k" * 64)
    assert again.repaired.replayed and again.repaired.days == first.repaired.days
    assert again.new_badges == []
    with pytest.raises(errors.IdempotencyKeyReused):
        repair(db, ctx, user, "fr", key_hash="k" * 64)


def test_a_repaired_day_practised_late_counts_as_practice(
    db: Database, ctx: Context, clock: FixedClock
) -> None:
    user = make_learner(db, ctx)
    run_then_miss(db, ctx, clock, user, 3)  # the 13th missed; now the 14th
    repair(db, ctx, user)
    recorded = practise(db, ctx, user, at=clock.now() - DAY)  # the 13th, reported late
    assert recorded.streak.daily_streak == 4


def test_the_longer_streak_reaches_its_badge(db: Database, ctx: Context, clock: FixedClock) -> None:
    user = make_learner(db, ctx)
    run_then_miss(db, ctx, clock, user, 5)
    practise(db, ctx, user)  # a new run of 1 (+ 5 before the gap)
    clock.advance(DAY)
    practise(db, ctx, user)
    done = repair(db, ctx, user)
    assert done.streak.daily_streak == 7
    assert [badge.name for badge in done.new_badges] == ["Week Warrior"]


class TestSelfRepair:
    def test_off_unless_the_platform_allows_it(
        self, db: Database, ctx: Context, clock: FixedClock
    ) -> None:
        user = make_learner(db, ctx)
        run_then_miss(db, ctx, clock, user, 3)
        with pytest.raises(errors.SelfRepairOff):
            repair(db, ctx, user, by=repairs.LEARNER)

    def test_once_every_thirty_days(self, db: Database, ctx: Context, clock: FixedClock) -> None:
        # No freezes: the four weeks below would earn some, and they would keep the day.
        update = {"self_repair": True, "streak_freeze_cap": 0}
        allowed = replace(ctx, settings=ctx.settings.model_copy(update=update))
        user = make_learner(db, ctx)
        run_then_miss(db, allowed, clock, user, 3)
        assert repair(db, allowed, user, by=repairs.LEARNER).streak.daily_streak == 3
        clock.advance(2 * DAY)  # broken again
        with pytest.raises(errors.SelfRepairUsed):
            repair(db, allowed, user, by=repairs.LEARNER)
        assert repair(db, allowed, user).streak.daily_streak == 3  # the platform still may
        for _ in range(28):
            practise(db, allowed, user)
            clock.advance(DAY)
        clock.advance(DAY)  # 31 days after the first repair, a day missed
        assert repair(db, allowed, user, by=repairs.LEARNER).streak.daily_streak == 31


# ---- over HTTP --------------------------------------------------------------------------------


def api_key(db: Database, ctx: Context) -> dict[str, str]:
    with db.transaction() as session:
        secret, _ = accounts_service.create_api_key(session, ctx, name="server", platform="Lingo")
    return {"X-API-Key": secret}


def test_offers_and_repairs_over_http(
    client: TestClient, db: Database, ctx: Context, clock: FixedClock
) -> None:
    me, headers = signed_up(client)
    for _ in range(3):
        client.post(
            "/v1/me/practice-events", headers=headers, json={"type": "reading", "language": "es"}
        )
        clock.advance(DAY)
    clock.advance(DAY)  # 13 March missed; now the 14th, 12:00 UTC
    offers = client.get("/v1/me/streak-repairs", headers=headers).json()
    assert offers["self_repair"] is False and offers["repair_hours"] == 48
    (offer,) = offers["offers"]
    assert (offer["language"], offer["streak"], offer["days"]) == ("es", 3, ["2026-03-13"])
    assert offer["until"] == "2026-03-16T00:00:00Z"
    assert_problem(
        client.post("/v1/me/streak-repairs", headers=headers, json={"language": "es"}),
        403,
        "self_repair_off",
    )
    key = api_key(db, ctx)
    path = f"/v1/users/{me['id']}/streak-repairs"
    body = {"language": "es-MX", "idempotency_key": "r1"}
    answer = client.post(path, headers=key, json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["days"] == ["2026-03-13"]
    assert answer.json()["streak"]["daily_streak"] == 3
    again = client.post(path, headers=key, json=body)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert_problem(
        client.post(path, headers=key, json={"language": "es"}), 409, "streak_not_repairable"
    )
    ledger = client.get("/v1/me/practice-days", headers=headers).json()
    assert {"language": "es", "day": "2026-03-13", "kind": "repaired"} in ledger["kept_days"]
    assert client.get("/v1/me/streak-repairs", headers=headers).json()["offers"] == []
    exported = client.get("/v1/me/export", headers=headers).json()["streak_repairs"]
    assert [(r["day"], r["repaired_by"]) for r in exported] == [("2026-03-13", "platform")]
