"""ASGI middleware: a cap on request bodies, answered before the body is read into memory;
CORS for the API alone; a cap on the requests a process works on at once."""

from collections.abc import Mapping

from anyio import Semaphore
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zeal.problems import PROBLEM_TYPE, problem_body


class InFlight:
    """At most `limit` requests in the app at once; the others wait here, holding nothing.

    A request holds its database connection from its first query to its commit, and does its
    work on one of the few request threads. Let in without a bound, the requests holding all
    the pool's connections could wait for threads held by requests waiting for a connection,
    and the process would stall (seen: 100 events at once, for one learner, on 8 threads and
    40 connections). The pool keeps two connections for each request let in (`db.make_engine`).
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots: Semaphore | None = None  # made on the event loop that serves

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = Semaphore(self.limit)
        async with self._slots:
            await self.app(scope, receive, send)


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing passes it on to the problem handler."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"A request body may have at most {max_bytes} bytes.")


class BodyLimit:
    """At most `max_bytes` a body; `larger` names paths allowed more (a batch of events)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.max_bytes)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        detail = f"A request body may have at most {limit} bytes."
        body = problem_body(
            413, "payload_too_large", "Request body too large", detail, scope.get("path", "")
        )
        response = JSONResponse(body, status_code=413, media_type=PROBLEM_TYPE)
        await response(scope, receive, send)


class ApiCors:
    """Cross-origin calls to /v1 from the configured origins, with a learner's bearer token:
    preflights answer the methods and headers the API takes, other origins get no CORS
    headers at all. No credentials (cookies) cross, and the pages stay same-origin only; the
    API key is not an allowed header, since it belongs on a platform's servers, not in a
    browser."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Idempotent-Replayed", "Retry-After"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
