"""`zeal worker` killed (SIGKILL) while an endpoint has its delivery in hand: after a restart
the event is delivered all the same, with the same `webhook-id`."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

from tests.webhooks.conftest import Headers, deliveries, practise, put_learner, register
from tests.webhooks.receiver import receiver
from zeal.db import Database

WAIT_SECONDS = 60  # for another process to get somewhere; the test ends as soon as it has


def start_worker(database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ZEAL_DATABASE_URL": database_url,
        "ZEAL_WEBHOOK_ALLOW_PRIVATE": "true",
        # One delivery a claim, sent within a second: the lease ends 6 s after a claim.
        "ZEAL_WEBHOOK_TIMEOUT_SECONDS": "1",
        "ZEAL_WEBHOOK_DELIVERIES_PER_CLAIM": "1",
        "ZEAL_WEBHOOK_POLL_SECONDS": "0.1",
    }
    command = [str(Path(sys.executable).parent / "zeal"), "worker"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def delivered(db: Database) -> bool:
    return [row.state for row in deliveries(db)] == ["delivered"]


def test_a_delivery_cut_off_by_sigkill_is_made_after_a_restart(
    client: TestClient, key: Headers, db: Database, database_url: str
) -> None:
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with receiver() as endpoint:
            endpoint.hold = threading.Event()  # the first request gets no answer
            register(client, key, endpoint.url, ["streak.extended"])
            put_learner(client, key, "u1")
            practise(client, key, "u1")
            workers.append(start_worker(database_url))
            assert endpoint.arrived.wait(WAIT_SECONDS), "the worker sent the event"
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(WAIT_SECONDS)
            [row] = deliveries(db)
            assert (row.state, row.attempts) == ("pending", 0)  # the attempt never ended
            endpoint.hold.set()  # from now on the endpoint answers 200
            workers.append(start_worker(database_url))
            deadline = time.monotonic() + WAIT_SECONDS
            while not delivered(db) and time.monotonic() < deadline:
                threading.Event().wait(0.2)
        assert delivered(db)
        ids = [sent.headers["webhook-id"] for sent in endpoint.received]
        assert len(ids) == 2 and ids[0] == ids[1]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(WAIT_SECONDS)
