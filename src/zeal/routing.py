"""Every route does its work in one trip to a request thread: the sign-in or key lookup, the
route's rules and the commit, in that order, on the same thread.

FastAPI runs each plain `def` dependency and the endpoint on the threadpool one by one, and
each trip there costs about as much CPU as a read's queries (a signed-in read made two, the
lookup and the route; an event three, with its commit). Here the dependencies that need the
database are *claims*: async, they only take what the request sent (a token, a key) and
refuse at once what is missing; the trip settles them (`Claim.settle`) just before the
endpoint runs, in its transaction. A transaction lives only inside a trip, so whoever holds a
lock is already on a thread and can always end it: no request waits for a thread held by one
waiting for it.
"""

import asyncio
import contextvars
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import ExitStack
from typing import Annotated, Any, TypeVar, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from zeal.context import Context
from zeal.db import Database

T = TypeVar("T")

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_REQUEST = "zeal_request"
_BY_NAME = inspect.Parameter.KEYWORD_ONLY


class Trip:
    """One request's unit of work, on one request thread: the transaction opens when first
    asked for and commits when the endpoint returns (rolls back if it raises), before the
    response is sent, so a failed commit can never reach the client as a success."""

    def __init__(
        self, database: Database, context: Context, threads: Executor, *, write: bool
    ) -> None:
        self.database = database
        self.context = context
        self.threads = threads
        self.write = write
        self._stack = ExitStack()
        self._session: Session | None = None
        self._settled: dict[object, Any] = {}

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self._stack.enter_context(self.database.transaction(write=self.write))
        return self._session

    def once(self, key: object, settle: Callable[[], T]) -> T:
        """A claim settled once per request however many parameters ask for it."""
        if key not in self._settled:
            self._settled[key] = settle()
        found: T = self._settled[key]
        return found

    async def go(self, endpoint: Callable[..., T], arguments: dict[str, Any]) -> T:
        """Run the endpoint on a request thread (the contextvars go along, as FastAPI's own
        trips take them)."""
        context = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.threads, context.run, self._run, endpoint, arguments)

    def _run(self, endpoint: Callable[..., T], arguments: dict[str, Any]) -> T:
        with self._stack:
            settled = {
                name: value.settle(self) if isinstance(value, Claim) else value
                for name, value in arguments.items()
            }
            return endpoint(**settled)


class Claim(ABC):
    """What a route's parameter becomes in the trip (a session, the signed-in learner, ...)."""

    @abstractmethod
    def settle(self, trip: Trip) -> Any: ...


class FromTrip(Claim):
    """A parameter the trip hands the endpoint itself (the session, the context, the
    database): FastAPI never sees it, so it has no dependency to solve on every request."""

    def __init__(self, take: Callable[[Trip], Any]) -> None:
        self.take = take

    def settle(self, trip: Trip) -> Any:
        return self.take(trip)


def _trip_of(request: Request) -> Trip:
    state = request.app.state
    write = request.method not in _READ_METHODS
    return Trip(state.database, state.context, state.request_threads, write=write)


def in_one_trip(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint as FastAPI sees it: async, so FastAPI itself sends nothing to the
    threadpool, with the same parameters but those the trip gives (`FromTrip`), and the
    request, which the trip is made from."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint
    signature = inspect.signature(endpoint, eval_str=True)
    given = {
        name: source
        for name, parameter in signature.parameters.items()
        if (source := _from_trip(parameter.annotation)) is not None
    }
    shown = [p for name, p in signature.parameters.items() if name not in given]
    request = next((p.name for p in shown if p.annotation is Request), None)
    if request is None:
        shown.append(inspect.Parameter(_REQUEST, _BY_NAME, annotation=Request))

    async def trip_endpoint(**arguments: Any) -> Any:
        trip = _trip_of(arguments[request] if request else arguments.pop(_REQUEST))
        return await trip.go(endpoint, {**arguments, **given})

    trip_endpoint.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=list(_keyword_only(shown))
    )
    for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(trip_endpoint, attribute, getattr(endpoint, attribute))
    return trip_endpoint


def _from_trip(annotation: Any) -> FromTrip | None:
    if get_origin(annotation) is not Annotated:
        return None
    return next((m for m in annotation.__metadata__ if isinstance(m, FromTrip)), None)


def _keyword_only(parameters: list[inspect.Parameter]) -> Iterator[inspect.Parameter]:
    # FastAPI passes every value by name; keyword-only lets parameters with defaults come first.
    for parameter in parameters:
        yield parameter.replace(kind=_BY_NAME)


class Route(APIRoute):
    """A route whose endpoint runs in one trip (see the module's docstring)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, in_one_trip(endpoint), **kwargs)
        if inspect.iscoroutinefunction(endpoint) and takes_claims(self.dependant):
            # An async endpoint runs on the event loop, where no trip settles its claims.
            raise TypeError(f"{endpoint.__qualname__}: an async endpoint cannot take a claim")


def takes_claims(dependant: Dependant) -> bool:
    """Whether an endpoint gets a claim, directly or through another dependency."""
    return any(_claims(sub.call) or takes_claims(sub) for sub in dependant.dependencies)


def _claims(call: Callable[..., Any] | None) -> bool:
    if call is None:
        return False
    returns = inspect.signature(call, eval_str=True).return_annotation
    return inspect.isclass(returns) and issubclass(returns, Claim)


def request_threads(size: int) -> ThreadPoolExecutor:
    """The threads a process runs trips on (`ZEAL_REQUEST_THREADS`); idle ones end with it."""
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix="zeal-request")
