"""The delivery loop: each endpoint's due deliveries sent by a thread of their own, so one slow
or failing endpoint never delays another's."""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from zeal.context import Context
from zeal.db import Database
from zeal.webhooks import delivery
from zeal.webhooks.delivery import Parcel
from zeal.webhooks.sending import Sender

log = logging.getLogger("zeal.webhooks")


class Courier:
    def __init__(self, database: Database, ctx: Context) -> None:
        self.database, self.ctx = database, ctx
        settings = ctx.settings
        self.endpoints = settings.webhook_endpoints_at_once
        self.per_claim = settings.webhook_deliveries_per_claim
        self.timeout = settings.webhook_timeout_seconds
        self.lease = delivery.lease_for(self.per_claim, self.timeout)
        self._senders: dict[int, Sender] = {}
        self._pool = ThreadPoolExecutor(self.endpoints, thread_name_prefix="zeal-webhooks")
        self._busy: dict[int, Future[int]] = {}
        self._closing = threading.Event()

    def deliver_due(self) -> int:
        """One pass: send what is due now, endpoint by endpoint at once, and wait for all of it;
        the number of attempts made."""
        started = self.start_due()
        wait(started)
        return sum(future.result() for future in started)

    def start_due(self) -> list[Future[int]]:
        """Start sending to the endpoints with deliveries due that are not busy already."""
        self._busy = {w: f for w, f in self._busy.items() if not f.done()}
        free = self.endpoints - len(self._busy)
        if free <= 0:
            return []
        now = self.ctx.clock.now()
        with self.database.transaction(write=False) as session:  # an idle poll writes nothing
            due = delivery.due_endpoints(session, now, busy=set(self._busy), limit=free)
        started = []
        for webhook_id in due:
            with self.database.transaction() as session:
                parcels = delivery.claim(
                    session, now, webhook_id, count=self.per_claim, lease=self.lease
                )
            if parcels:
                future = self._pool.submit(self._send_all, parcels)
                self._busy[webhook_id] = future
                started.append(future)
        return started

    def run(self, stop: threading.Event, poll_seconds: float) -> None:
        """Keep delivering until `stop` is set; waits `poll_seconds` when nothing started."""
        while not stop.is_set():
            try:
                started = self.start_due()
            except Exception:  # the database may be away for a moment: try again later
                log.exception("claiming webhook deliveries failed")
                started = []
            if not started:
                stop.wait(poll_seconds)

    def _send_all(self, parcels: list[Parcel]) -> int:
        first = parcels[0]
        sender = self._senders.get(first.webhook_id)
        if sender is None or sender.url != first.url:
            sender = Sender(
                first.url,
                timeout_seconds=self.timeout,
                allow_private=self.ctx.settings.webhook_allow_private,
            )
            self._senders[first.webhook_id] = sender
        sent = []
        for parcel in parcels:
            if self._closing.is_set():  # the rest stay leased, and are due again after it
                break
            outcome = sender.send(parcel, int(self.ctx.clock.now().timestamp()))
            sent.append((parcel, outcome))
            if outcome.gone:
                break
        # One transaction for the claim's outcomes: should the worker die before it, the
        # deliveries are sent again after the lease (at least once, as ever).
        with self.database.transaction() as session:
            delivery.record(session, self.ctx.clock.now(), sent)
        return len(sent)

    def close(self) -> None:
        """Stop: a delivery in flight ends (at most one timeout), the rest wait for the next
        worker."""
        self._closing.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        for sender in self._senders.values():
            sender.close()
