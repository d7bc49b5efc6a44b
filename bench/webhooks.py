"""Webhook delivery benchmark: deliveries per second from the outbox to local endpoints.

For each backend it builds a fresh database with learners of one platform and endpoints on a
local receiver (keep-alive HTTP/1.1, answers 204), writes the deliveries as requests would (one
`outbox.emit` per event), then lets a courier deliver everything due and times it. Beside it,
in the same run, the bare stack: the same bodies POSTed to the same receiver over one kept-alive
`http.client` connection per endpoint, threads as the courier has, with nothing read from or
written to the database. The ratio is what claiming, signing and recording cost.

    python -m bench.webhooks [--deliveries 2000] [--endpoints 1,4] [--backends sqlite,postgresql]
"""

import argparse
import http.client
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.common import fresh_database
from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.config import Settings
from zeal.context import Context
from zeal.db import Database
from zeal.webhooks import outbox
from zeal.webhooks import service as webhooks_service
from zeal.webhooks.courier import Courier

LEARNERS = 100


class Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def start_receiver() -> tuple[ThreadingHTTPServer, int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


def build(url: str, port: int, endpoints: int, deliveries: int) -> Context:
    settings = Settings(
        database_url=url,
        password_time_cost=1,
        password_memory_kib=8,
        password_parallelism=1,
        webhook_allow_private=True,
    )
    ctx = Context(settings)
    database = Database(url)
    now = datetime.now(UTC)
    with database.transaction() as session:
        _, key = accounts_service.create_api_key(session, ctx, name="bench", platform="Bench")
        for n in range(endpoints):
            hook = f"http://127.0.0.1:{port}/hook/{n}"
            webhooks_service.register(
                session, now, key.platform_id, hook, ["streak.extended"], allow_private=True
            )
        users = [
            accounts_service.create_user(
                session, ctx, email=f"hook{i}@example.com", password="bench-password"
            )
            for i in range(LEARNERS)
        ]
        session.flush()
        for user in users:
            user.platform_id, user.external_id = key.platform_id, f"bench-{user.id}"
    with database.transaction() as session:
        ids = [u.id for u in session.query(User).all()]
        for i in range(deliveries // endpoints):
            data = {"language": "es", "streak": i % 50 + 1, "day": now.date().isoformat()}
            outbox.emit(
                session, now, learner_id=ids[i % len(ids)], event_type="streak.extended", data=data
            )
    database.dispose()
    return ctx


def courier_rate(url: str, ctx: Context) -> tuple[float, int]:
    database = Database(url)
    courier = Courier(database, ctx)
    started = time.perf_counter()
    sent = 0
    while True:
        made = courier.deliver_due()
        if not made:
            break
        sent += made
    seconds = time.perf_counter() - started
    courier.close()
    database.dispose()
    return sent / seconds, sent


def bare_rate(port: int, endpoints: int, deliveries: int) -> float:
    body = b'{"type":"streak.extended","timestamp":"2026-12-03T20:00:00Z","data":{}}' * 3

    def post_all(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(deliveries // endpoints):
            connection.request("POST", f"/hook/{n}", body, {"Content-Type": "application/json"})
            connection.getresponse().read()
        connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(endpoints) as pool:
        list(pool.map(post_all, range(endpoints)))
    return deliveries / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--endpoints", default="1,4")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    receiver, port = start_receiver()
    print(f"webhook delivery, {args.deliveries} deliveries per run, receiver on 127.0.0.1:{port}")
    for backend in args.backends.split(","):
        for endpoints in (int(n) for n in args.endpoints.split(",")):
            with tempfile.TemporaryDirectory() as workdir:
                url = fresh_database(backend, Path(workdir), name="zeal_bench_webhooks")
                ctx = build(url, port, endpoints, args.deliveries)
                rate, sent = courier_rate(url, ctx)
                bare = bare_rate(port, endpoints, args.deliveries)
            print(
                f"  {backend:<10} {endpoints} endpoint(s): {rate:7.0f} deliveries/s ({sent} sent)"
                f"  bare POSTs {bare:7.0f}/s  ratio {rate / bare:.3f}"
            )
    receiver.shutdown()


if __name__ == "__main__":
    main()
