"""A burst of events for one learner, larger than the server's threadpool and its connection
pool, is answered and counted in full. The requests waiting for the learner's row lock (or
SQLite's writer lock) hold the request threads, so the commit that frees the lock must not
need one of them; and requests holding a connection while they wait for a thread must not
take every connection while others hold the threads waiting for one."""

from pathlib import Path

import httpx2

from tests.factories import PASSWORD
from tests.servers import zeal_serve
from tests.threads import at_once
from zeal.db import Database

# Two request threads (so 4 requests let in at once and 18 connections) and 40 events at
# once. Before commits had threads of their own, three were enough to hang the process for
# good; before requests were let in a few at a time, more than 20 were.
THREADS = 2
EVENTS = 40


def test_a_burst_for_one_learner_beyond_its_threads_and_connections_is_counted_in_full(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "zeal-serve.log"
    with zeal_serve(database_url, log, ZEAL_REQUEST_THREADS=str(THREADS)) as server:
        with httpx2.Client(base_url=server.base_url, timeout=10) as client:
            body = {"email": "burst@example.com", "password": PASSWORD, "timezone": "UTC"}
            assert client.post("/v1/users", json=body).status_code == 201
            login = {"login": body["email"], "password": PASSWORD}
            token = client.post("/v1/sessions", json=login).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}

        def send(n: int) -> int:
            event = {"type": "word_learned", "language": "es", "idempotency_key": f"burst-{n}"}
            with httpx2.Client(base_url=server.base_url, timeout=30) as client:
                answer = client.post("/v1/me/practice-events", json=event, headers=headers)
                return answer.status_code

        statuses = at_once([lambda n=n: send(n) for n in range(EVENTS)])  # type: ignore[misc]
        assert statuses == [201] * EVENTS, log.read_text()[-3000:]
        with httpx2.Client(base_url=server.base_url, timeout=10) as client:
            assert client.get("/v1/health").status_code == 200
            days = client.get("/v1/me/practice-days", headers=headers).json()
    assert [day["events"] for day in days["days"]] == [EVENTS], days
