"""The `zeal` command: API keys and the demo world."""

from sqlalchemy import func, select
from typer.testing import CliRunner

from zeal import cli
from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.cohorts.models import Cohort, CohortMember
from zeal.db import Database
from zeal.friends.models import FriendRequest, Friendship
from zeal.practice.models import PracticeDay

runner = CliRunner()


def test_an_api_key_is_printed_once_works_and_can_be_revoked(cli_env: None, db: Database) -> None:
    created = runner.invoke(cli.app, ["api-keys", "create", "school platform"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().rsplit(" ", 1)[-1]
    assert secret.startswith("zk_")
    with db.transaction(write=False) as session:
        key = accounts_service.api_key_for(session, secret)
    listed = runner.invoke(cli.app, ["api-keys", "list"])
    assert "school platform" in listed.stdout and "active" in listed.stdout
    assert secret not in listed.stdout  # only the prefix is ever shown again
    assert runner.invoke(cli.app, ["api-keys", "revoke", str(key.id)]).exit_code == 0
    assert runner.invoke(cli.app, ["api-keys", "revoke", str(key.id)]).exit_code == 1


def test_the_demo_world_loads_once(cli_env: None, db: Database) -> None:
    first = runner.invoke(cli.app, ["demo", "--learners", "8", "--days", "10"])
    assert first.exit_code == 0, first.output
    assert "8 learners" in first.stdout
    again = runner.invoke(cli.app, ["demo", "--learners", "8", "--days", "10"])
    assert "already loaded" in again.stdout
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 8
        zones = set(session.scalars(select(User.timezone)))
        practised = session.scalar(
            select(func.count(func.distinct(PracticeDay.user_id))).where(
                PracticeDay.counts_for_streak.is_(True)
            )
        )
        friendships = session.scalar(select(func.count()).select_from(Friendship))
        waiting = session.scalar(
            select(func.count()).select_from(FriendRequest).where(FriendRequest.status == "pending")
        )
    assert len(zones) >= 6
    assert practised == 8
    assert friendships >= 8  # everyone has friends
    assert waiting == 3  # the first learner has requests to answer
    with db.transaction(write=False) as session:
        classes = session.scalar(select(func.count()).select_from(Cohort))
        members = session.scalar(select(func.count()).select_from(CohortMember))
    assert (classes, members) == (2, 8)  # two classes, everyone in one
    secret = first.stdout.strip().rsplit(" ", 1)[-1]  # the demo platform's key, shown once
    with db.transaction(write=False) as session:
        key = accounts_service.api_key_for(session, secret)
        known = session.scalars(
            select(User.external_id).where(User.platform_id == key.platform_id)
        ).all()
    assert sorted(known) == [f"demo-{n}" for n in range(1, 6)]


def test_platforms_are_made_by_name_and_keys_act_for_one(cli_env: None, db: Database) -> None:
    made = runner.invoke(cli.app, ["platforms", "create", "Lingo Land"])
    assert made.exit_code == 0, made.output
    again = runner.invoke(cli.app, ["platforms", "create", "Lingo Land"])
    assert again.exit_code == 1 and "already exists" in again.output
    created = runner.invoke(cli.app, ["api-keys", "create", "web", "--platform", "Lingo Land"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().rsplit(" ", 1)[-1]
    plain = runner.invoke(cli.app, ["api-keys", "create", "old script"])  # no platform named
    with db.transaction(write=False) as session:
        key = accounts_service.api_key_for(session, secret)
        platforms = {p.id: p.name for p in accounts_service.list_platforms(session)}
    assert platforms[key.platform_id] == "Lingo Land"
    assert sorted(platforms.values()) == ["Lingo Land", "default"]
    listed = runner.invoke(cli.app, ["platforms", "list"]).stdout
    assert "Lingo Land" in listed and "default" in listed
    keys = runner.invoke(cli.app, ["api-keys", "list"]).stdout
    assert "web\tLingo Land\tactive" in keys.replace("…", "")
    assert plain.exit_code == 0 and "old script\tdefault" in keys
