"""Request-scoped dependencies: the transaction, the context, the signed-in learner, the API key."""

import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Annotated

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from zeal.accounts import service as accounts_service
from zeal.accounts.errors import InvalidApiKey, InvalidToken
from zeal.accounts.models import ApiKey, User
from zeal.accounts.service import SignedInSession
from zeal.context import Context
from zeal.db import Database
from zeal.errors import ZealError
from zeal.limits.service import Limits, SignInAttempt

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Dependencies that do no I/O are async: FastAPI runs a plain `def` dependency in the
# threadpool, and each trip there costs more CPU than most of these requests' queries.


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def limits_of(request: Request) -> Limits:
    limits: Limits = request.app.state.limits
    return limits


async def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


async def get_limits(request: Request) -> Limits:
    return limits_of(request)


def client_address(request: Request) -> str:
    # Behind a trusted proxy uvicorn has already put the X-Forwarded-For address here.
    return request.client.host if request.client else "unknown"


# A transaction's end (its COMMIT) and an SQLite writer's wait for its turn run on threads of
# their own, never on the request threads. A request waiting for a learner's row lock holds a
# request thread; if the end that frees the lock needed one too, a burst of events for one
# learner as large as the threadpool would hang the process, every thread waiting on a lock
# whose holder waits for a thread (seen: 60 events for one learner at once, 40 threads).
# One limiter serves both, as large as the requests let in (`middleware.InFlight`): the
# writers waiting for the lock are fewer than that, so its holder's end always finds a thread.
_OWN_THREADS: RunVar[CapacityLimiter] = RunVar("zeal_transaction_threads")


def _own_threads(request: Request) -> CapacityLimiter:
    """The event loop's limiter for them (anyio keeps its own default one the same way)."""
    try:
        return _OWN_THREADS.get()
    except LookupError:
        context: Context = request.app.state.context
        made = CapacityLimiter(context.settings.requests_at_once)
        _OWN_THREADS.set(made)
        return made


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One request, one transaction: committed when the endpoint returns, rolled back if it
    raises. Declared with scope="function", so the commit happens before the response is sent
    and a failed commit can never reach the client as a success.

    Async, so the request costs one trip to the threadpool less: a session reaches the
    database only when it is first used (in the endpoint's thread), so opening it here
    blocks nothing. Ending it can wait on the database (a COMMIT), so that runs in the
    threadpool, unless the database says the end sends nothing (a PostgreSQL read)."""
    database = database_of(request)
    write = request.method not in _READ_METHODS
    unit = database.transaction(write=write)
    own = _own_threads(request)
    if database.waits_to_begin(write=write):
        session = await to_thread.run_sync(unit.__enter__, limiter=own)
    else:
        session = unit.__enter__()
    inline = database.ends_without_io(write=write)
    try:
        yield session
    except BaseException:
        if inline:
            unit.__exit__(*sys.exc_info())
        else:
            await to_thread.run_sync(unit.__exit__, *sys.exc_info(), limiter=own)
        raise
    if inline:
        unit.__exit__(None, None, None)
    else:
        await to_thread.run_sync(unit.__exit__, None, None, None, limiter=own)


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_database(request: Request) -> Database:
    return database_of(request)


# For the few reads that may need a write of their own first (settling streak freezes).
DatabaseDep = Annotated[Database, Depends(get_database)]
ContextDep = Annotated[Context, Depends(get_context)]
LimitsDep = Annotated[Limits, Depends(get_limits)]


def sign_in_attempt(request: Request) -> Iterator[SignInAttempt]:
    """Declare it before the session: it closes after the request's transaction, so a wrong
    password is counted even though that transaction is rolled back."""
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


def get_signed_in(
    session: SessionDep,
    ctx: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> SignedIn:
    if credentials is None:
        raise InvalidToken("Send 'Authorization: Bearer <token>' from POST /v1/sessions.")
    user, token = accounts_service.user_for_token(session, ctx, credentials.credentials)
    return SignedIn(user, token)


async def get_current_user(signed_in: Annotated[SignedIn, Depends(get_signed_in)]) -> User:
    return signed_in.user


def get_platform_key(
    session: SessionDep, secret: Annotated[str | None, Depends(_api_key)]
) -> ApiKey:
    return accounts_service.api_key_for(session, _sent(secret))


def _sent(secret: str | None) -> str:
    if not secret:
        raise InvalidApiKey("Send the platform key in the X-API-Key header.")
    return secret


SignedInDep = Annotated[SignedIn, Depends(get_signed_in)]
CurrentUser = Annotated[User, Depends(get_current_user)]
PlatformKey = Annotated[ApiKey, Depends(get_platform_key)]


@dataclass(frozen=True)
class KeyAlone:
    """A platform key read in a transaction of its own (see `get_platform_key_alone`)."""

    id: int
    platform_id: int


def get_platform_key_alone(
    request: Request, secret: Annotated[str | None, Depends(_api_key)]
) -> KeyAlone:
    """The platform key, for a route that runs transactions of its own (a batch of events):
    a transaction held for the whole request would hold them up (SQLite's writer lock)."""
    sent = _sent(secret)
    with database_of(request).transaction(write=False) as session:
        key = accounts_service.api_key_for(session, sent)
        return KeyAlone(key.id, key.platform_id)


PlatformKeyAlone = Annotated[KeyAlone, Depends(get_platform_key_alone)]
