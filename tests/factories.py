"""Typed helpers that build test data through Zeal's own services and API."""

from datetime import datetime
from itertools import count
from typing import Any

from fastapi.testclient import TestClient

from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.context import Context
from zeal.db import Database
from zeal.limits.counters import DatabaseCounters
from zeal.limits.service import Limits, SignInAttempt
from zeal.practice.activities import Outcome, PracticeType
from zeal.practice.recording import Practice
from zeal.use_cases import friendships as friendships_use_case
from zeal.use_cases.record_practice import RecordedPractice, record_practice

PASSWORD = "correct horse battery"
_serial = count(1)


def make_learner(db: Database, ctx: Context, *, timezone: str = "UTC", **fields: Any) -> User:
    n = next(_serial)
    with db.transaction() as session:
        user = accounts_service.create_user(
            session,
            ctx,
            email=fields.pop("email", f"learner{n}@example.com"),
            password=fields.pop("password", PASSWORD),
            timezone=timezone,
            **fields,
        )
    return user


def practise(
    db: Database,
    ctx: Context,
    user: User,
    *,
    at: datetime | None = None,
    language: str = "es",
    type: str = "exercise",
    **fields: Any,
) -> RecordedPractice:
    """Record one event for `user` (by default a correct Spanish exercise, now)."""
    if type == "exercise":
        fields.setdefault("outcome", "correct")
    outcome = fields.pop("outcome", None)
    practice = Practice(
        PracticeType(type),
        language,
        occurred_at=at,
        outcome=Outcome(outcome) if outcome else None,
        **fields,
    )
    with db.transaction() as session:
        return record_practice(session, ctx, user_id=user.id, practice=practice)


def limits_for(db: Database, ctx: Context, **settings: int) -> Limits:
    """The abuse limits as the app applies them (with `settings` changed), counted in the test
    database."""
    changed = ctx.settings.model_copy(update=settings)
    return Limits(changed, DatabaseCounters(db), ctx.clock)


def sign_in_attempt(db: Database, ctx: Context) -> SignInAttempt:
    return SignInAttempt(limits_for(db, ctx), "127.0.0.1")


def sign_up(client: TestClient, **fields: Any) -> dict[str, Any]:
    n = next(_serial)
    body = {"email": f"learner{n}@example.com", "password": PASSWORD, **fields}
    response = client.post("/v1/users", json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def auth(client: TestClient, login: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/v1/sessions", json={"login": login, "password": password})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def signed_up(client: TestClient, **fields: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A new learner and the headers of a session of theirs."""
    user = sign_up(client, **fields)
    return user, auth(client, user["username"])


def make_friends(db: Database, ctx: Context, a: User, b: User) -> None:
    """`a` asks, `b` accepts, through the friends service."""

    with db.transaction() as session:
        sender = session.get(User, a.id)
        receiver = session.get(User, b.id)
        assert sender is not None and receiver is not None
        request = friendships_use_case.send_friend_request(
            # Setting up a world of friends is not abuse: no daily cap on requests here.
            session,
            ctx,
            limits_for(db, ctx, friend_requests_per_day=10**9),
            sender,
            username=receiver.username,
        )
        friendships_use_case.accept_friend_request(session, ctx, receiver, request.id)
