"""Typed helpers that build test data through Zeal's own services and API."""

from datetime import datetime
from itertools import count
from typing import Any

from fastapi.testclient import TestClient

from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.context import Context
from zeal.db import Database
from zeal.practice import service as practice_service
from zeal.practice.service import Practice, RecordedPractice

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
    with db.transaction() as session:
        return practice_service.record_practice(
            session,
            ctx,
            user_id=user.id,
            practice=Practice(type=type, language=language, occurred_at=at, **fields),
        )


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
    from zeal.friends import service as friends_service

    with db.transaction() as session:
        sender = session.get(User, a.id)
        receiver = session.get(User, b.id)
        assert sender is not None and receiver is not None
        request = friends_service.send_friend_request(
            session, ctx, sender, username=receiver.username
        )
        friends_service.accept_friend_request(session, ctx, receiver, request.id)
