"""A platform's endpoint for the tests: a real HTTP server on 127.0.0.1 that records what it
is sent and answers the statuses it is told to, in order (then 200)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answered in order, then 200
    received: list[Received] = field(default_factory=list)
    hold: threading.Event | None = None  # set: answer; unset: keep the caller waiting
    arrived: threading.Event = field(default_factory=threading.Event)

    def bodies(self) -> list[bytes]:
        return [r.body for r in self.received]


@contextmanager
def receiver(statuses: list[int] | None = None, path: str = "/hooks/zeal") -> Iterator[Receiver]:
    lock = threading.Lock()
    state: dict[str, Any] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            me: Receiver = state["receiver"]
            with lock:
                me.received.append(Received(self.path, dict(self.headers.items()), body))
                status = me.statuses.pop(0) if me.statuses else 200
            me.arrived.set()
            if me.hold is not None:
                me.hold.wait(30)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["receiver"] = Receiver(f"http://127.0.0.1:{server.server_port}{path}", statuses or [])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["receiver"]
    finally:
        receiver_ = state["receiver"]
        if receiver_.hold is not None:
            receiver_.hold.set()
        server.shutdown()
        server.server_close()
