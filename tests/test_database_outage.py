"""When the database cannot be reached, API requests get a quick 503 and Zeal recovers by itself.

The database is put behind a small TCP proxy written here (threads and sockets): Zeal's URL
points at the proxy. An outage is the proxy dropping every open connection and closing its
listening socket, so new connections are refused; "back" is the proxy listening on the same
port again. The app under test is never restarted in between.

This runs on the server backends only (PostgreSQL, MariaDB). SQLite is a file opened by the
process itself: there is no connection to drop and nothing that can be "unreachable", so the
SQLite run of these tests is skipped.
"""

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.conftest import START, make_settings
from tests.factories import signed_up
from tests.http import assert_problem
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.db import Database, normalise_url
from zeal.practice.models import PracticeEvent

# A request that is not answered within this long is taken to hang. It is far above the
# connect timeout the app is given below, so a slow machine never makes it fail.
CLIENT_TIMEOUT_SECONDS = 15
DEFAULT_PORTS = {"postgresql": 5432, "mariadb": 3306, "mysql": 3306}


class Proxy:
    """A TCP proxy in front of the database that can go away and come back on the same port."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self.listen()

    def listen(self) -> None:
        """Accept connections (again, on the same port after an outage)."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def drop(self) -> None:
        """The outage: every open connection is cut and new ones are refused."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, set()
        if listener is not None:
            _shut(listener)  # shutdown wakes the thread blocked in accept()
        for sock in sockets:
            _shut(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: an outage
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _shut(client)
                continue
            with self._lock:
                if self._listener is not listener:  # an outage began meanwhile
                    _shut(client)
                    _shut(server)
                    return
                self._open |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65_536):
                target.sendall(data)
        except OSError:
            pass
        # One side hung up: the other learns it, as with a direct connection.
        with self._lock:
            self._open -= {source, target}
        _shut(source)
        _shut(target)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already shut by the other side
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def proxy(database_url: str) -> Iterator[Proxy]:
    parsed = make_url(normalise_url(database_url))
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        pytest.skip("SQLite is a file in the process: it cannot become unreachable")
    upstream = (parsed.host or "127.0.0.1", parsed.port or DEFAULT_PORTS[backend])
    proxy = Proxy(upstream)
    yield proxy
    proxy.drop()


@pytest.fixture
def app_client(db: Database, database_url: str, proxy: Proxy) -> Iterator[TestClient]:
    """Zeal reaching its database through the proxy (the `db` fixture still goes direct)."""
    url = make_url(normalise_url(database_url)).set(host="127.0.0.1", port=proxy.port)
    settings = make_settings(url.render_as_string(hide_password=False), database_timeout_seconds=2)
    with TestClient(create_app(settings, FixedClock(START))) as client:
        yield client


def within_timeout(call: Callable[[], Response]) -> Response:
    """The answer to `call`, failing the test if none comes within the client timeout.

    The in-process client has no network timeout of its own, so the request runs in a daemon
    thread: a hang fails the test instead of the whole run.
    """
    answer: list[Response] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            answer.append(call())
        except BaseException as exc:
            failure.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(CLIENT_TIMEOUT_SECONDS)
    assert not thread.is_alive(), f"no answer within {CLIENT_TIMEOUT_SECONDS} s: the request hangs"
    if failure:
        raise failure[0]
    assert answer, f"no answer after {time.monotonic() - started:.1f} s"
    return answer[0]


def assert_unavailable(response: Response) -> None:
    assert_problem(response, 503, "database_unavailable")
    assert int(response.headers["retry-after"]) >= 1


def exercise(key: str) -> dict[str, Any]:
    return {"type": "exercise", "language": "es", "outcome": "correct", "idempotency_key": key}


def stored_keys(db: Database) -> list[str | None]:
    with db.transaction(write=False) as session:
        return list(
            session.scalars(select(PracticeEvent.idempotency_key).order_by(PracticeEvent.id))
        )


def test_an_outage_answers_503_quickly_and_zeal_recovers_without_a_restart(
    app_client: TestClient, proxy: Proxy, db: Database
) -> None:
    client = app_client
    _, headers = signed_up(client)
    before = client.post("/v1/me/practice-events", json=exercise("before"), headers=headers)
    assert before.status_code == 201, before.text

    proxy.drop()
    streaks = within_timeout(lambda: client.get("/v1/me/streaks", headers=headers))
    assert_unavailable(streaks)
    sent = within_timeout(
        lambda: client.post("/v1/me/practice-events", json=exercise("during"), headers=headers)
    )
    assert_unavailable(sent)
    health = within_timeout(lambda: client.get("/v1/health"))
    assert_problem(health, 503, "database_unavailable")

    proxy.listen()  # the database is back; the app is the same one
    streaks = within_timeout(lambda: client.get("/v1/me/streaks", headers=headers))
    assert streaks.status_code == 200, streaks.text
    # The event refused during the outage was not stored: sending it again records it now
    # (201, not a 200 replay), and the learner's day counts it once.
    resent = within_timeout(
        lambda: client.post("/v1/me/practice-events", json=exercise("during"), headers=headers)
    )
    assert resent.status_code == 201, resent.text
    assert "idempotent-replayed" not in resent.headers
    assert within_timeout(lambda: client.get("/v1/health")).status_code == 200
    assert stored_keys(db) == ["before", "during"]
    days = client.get("/v1/me/practice-days", headers=headers).json()["days"]
    assert [(day["events"], day["exercises_correct"]) for day in days] == [(2, 2)]


def test_health_during_an_outage_says_when_to_retry(app_client: TestClient, proxy: Proxy) -> None:
    assert app_client.get("/v1/health").status_code == 200
    proxy.drop()
    assert_unavailable(within_timeout(lambda: app_client.get("/v1/health")))


def test_connections_the_database_dropped_are_replaced_without_an_error(
    app_client: TestClient, proxy: Proxy, db: Database
) -> None:
    """A database restart between two requests is invisible: the pool pings a connection
    before handing it out and replaces the dead ones."""
    client = app_client
    _, headers = signed_up(client)
    assert client.get("/v1/me/streaks", headers=headers).status_code == 200
    engine = client.app.state.database.engine  # type: ignore[attr-defined]
    assert engine.pool.checkedin() >= 1  # the next request would reuse a pooled connection

    proxy.drop()
    proxy.listen()
    streaks = within_timeout(lambda: client.get("/v1/me/streaks", headers=headers))
    assert streaks.status_code == 200, streaks.text
    sent = within_timeout(
        lambda: client.post("/v1/me/practice-events", json=exercise("after"), headers=headers)
    )
    assert sent.status_code == 201, sent.text
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(PracticeEvent)) == 1


def test_a_page_during_an_outage_is_a_page_saying_so(app_client: TestClient, proxy: Proxy) -> None:
    _, headers = signed_up(app_client)
    cookie = {"zeal_session": headers["Authorization"].removeprefix("Bearer ")}
    app_client.cookies.update(cookie)
    proxy.drop()
    page = within_timeout(lambda: app_client.get("/", headers={"Accept": "text/html"}))
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "cannot be reached right now" in page.text
    assert int(page.headers["retry-after"]) >= 1

    proxy.listen()
    page = within_timeout(lambda: app_client.get("/", headers={"Accept": "text/html"}))
    assert page.status_code == 200
