"""Request-scoped dependencies: the transaction, the context, the signed-in learner, the API key.

Those that need the database are claims, settled in the request's trip (`zeal.routing`)."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from zeal.accounts import service as accounts_service
from zeal.accounts.errors import InvalidApiKey, InvalidToken
from zeal.accounts.models import User
from zeal.accounts.service import ActiveKey, SignedInSession
from zeal.context import Context
from zeal.db import Database
from zeal.errors import ZealError
from zeal.limits.service import Limits, SignInAttempt
from zeal.routing import Claim, FromTrip, Trip

# Dependencies that do no I/O are async: FastAPI runs a plain `def` dependency in the
# threadpool, and each trip there costs more CPU than most of these requests' queries.


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def limits_of(request: Request) -> Limits:
    limits: Limits = request.app.state.limits
    return limits


async def get_limits(request: Request) -> Limits:
    return limits_of(request)


def client_address(request: Request) -> str:
    # Behind a trusted proxy uvicorn has already put the X-Forwarded-For address here.
    return request.client.host if request.client else "unknown"


# The request's transaction, opened in its trip (`zeal.routing.Trip`) when the route first
# needs it and committed before the response is sent.
SessionDep = Annotated[Session, FromTrip(lambda trip: trip.session)]


# For the few reads that may need a write of their own first (settling streak freezes).
DatabaseDep = Annotated[Database, FromTrip(lambda trip: trip.database)]
ContextDep = Annotated[Context, FromTrip(lambda trip: trip.context)]
LimitsDep = Annotated[Limits, Depends(get_limits)]


def sign_in_attempt(request: Request) -> Iterator[SignInAttempt]:
    """It closes after the request's trip, so a wrong password is counted even though the
    trip's transaction is rolled back."""
    attempt = SignInAttempt(limits_of(request), client_address(request))
    try:
        yield attempt
    except ZealError as refused:
        attempt.saw(refused)
        raise
    finally:
        attempt.close()


SignInAttemptDep = Annotated[SignInAttempt, Depends(sign_in_attempt, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="A session token from POST /v1/sessions.")
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A platform key from `zeal api-keys create`."
)


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: SignedInSession


# Sign-in and platform keys are claims (`zeal.routing`): a missing token or key is refused at
# once, without the database; the lookup runs in the request's trip, in its transaction.


class _SignInClaim(Claim):
    def __init__(self, token: str) -> None:
        self.token = token

    def settle(self, trip: Trip) -> SignedIn:
        return trip.once(self, lambda: self._look_up(trip))

    def _look_up(self, trip: Trip) -> SignedIn:
        user, token = accounts_service.user_for_token(trip.session, trip.context, self.token)
        return SignedIn(user, token)


class _UserClaim(Claim):
    def __init__(self, signed_in: Claim) -> None:
        self.signed_in = signed_in

    def settle(self, trip: Trip) -> User:
        signed_in: SignedIn = self.signed_in.settle(trip)
        return signed_in.user


async def claim_signed_in(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Claim:
    if credentials is None:
        raise InvalidToken("Send 'Authorization: Bearer <token>' from POST /v1/sessions.")
    return _SignInClaim(credentials.credentials)


async def claim_current_user(signed_in: Annotated[Claim, Depends(claim_signed_in)]) -> Claim:
    return _UserClaim(signed_in)


class _KeyClaim(Claim):
    def __init__(self, secret: str) -> None:
        self.secret = secret

    def settle(self, trip: Trip) -> ActiveKey:
        return trip.once(self, lambda: accounts_service.api_key_for(trip.session, self.secret))


async def claim_platform_key(secret: Annotated[str | None, Depends(_api_key)]) -> Claim:
    return _KeyClaim(_sent(secret))


def _sent(secret: str | None) -> str:
    if not secret:
        raise InvalidApiKey("Send the platform key in the X-API-Key header.")
    return secret


SignedInDep = Annotated[SignedIn, Depends(claim_signed_in)]
CurrentUser = Annotated[User, Depends(claim_current_user)]
PlatformKey = Annotated[ActiveKey, Depends(claim_platform_key)]


class _KeyAloneClaim(_KeyClaim):
    """The key read in a transaction of its own (see `claim_platform_key_alone`)."""

    def settle(self, trip: Trip) -> ActiveKey:
        with trip.database.transaction(write=False) as session:
            return accounts_service.api_key_for(session, self.secret)


async def claim_platform_key_alone(secret: Annotated[str | None, Depends(_api_key)]) -> Claim:
    """The platform key, for a route that runs transactions of its own (a batch of events):
    a transaction held for the whole request would hold them up (SQLite's writer lock)."""
    return _KeyAloneClaim(_sent(secret))


PlatformKeyAlone = Annotated[ActiveKey, Depends(claim_platform_key_alone)]
