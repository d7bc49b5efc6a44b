"""The worker: delivers webhooks, spends the streak freezes due (so others see a kept streak
before its learner comes back), writes the streak notices no request causes, closes the
league weeks that ended, and keeps the delivery log to its days (`ZEAL_WEBHOOK_LOG_DAYS`).

`zeal worker` runs it alone; `zeal serve` runs it in each server process (`ZEAL_SERVE_WORKER`),
so one machine needs nothing more. Any number may run at once: claims skip what another
worker holds, and each notice is written once.
"""

import logging
import threading

from zeal.context import Context
from zeal.db import Database
from zeal.leagues.closing import close_weeks
from zeal.use_cases.settling import settle_due
from zeal.use_cases.streak_notices import write_notices
from zeal.webhooks.courier import Courier
from zeal.webhooks.delivery import prune_log

NOTICE_SECONDS = 60.0  # streak notices are due by the hour: once a minute is enough
log = logging.getLogger("zeal.worker")


class Worker:
    def __init__(self, database: Database, ctx: Context) -> None:
        self.database, self.ctx = database, ctx
        self.courier = Courier(database, ctx)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def settle_freezes(self) -> int:
        return settle_due(self.database, self.ctx)

    def write_notices(self) -> int:
        with self.database.transaction() as session:
            return write_notices(session, self.ctx)

    def close_league_weeks(self) -> int:
        return close_weeks(self.database, self.ctx).groups

    def prune_log(self) -> int:
        """Forget settled deliveries past the log's days, a short transaction at a time."""
        total, days = 0, self.ctx.settings.webhook_log_days
        while not self._stop.is_set():
            with self.database.transaction() as session:
                pruned = prune_log(session, self.ctx.clock.now(), days)
            if not pruned:
                break
            total += pruned
        return total

    def start(self) -> None:
        poll = self.ctx.settings.webhook_poll_seconds
        self._threads = [
            threading.Thread(
                target=self.courier.run, args=(self._stop, poll), name="zeal-courier", daemon=True
            ),
            threading.Thread(target=self._notices, name="zeal-notices", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _notices(self) -> None:
        while not self._stop.is_set():
            try:
                self.settle_freezes()  # before the notices: a kept streak is not lost
                self.write_notices()
                self.close_league_weeks()
                self.prune_log()
            except Exception:  # the database may be away for a moment: try again later
                log.exception("settling freezes, notices, league weeks or the log failed")
            self._stop.wait(NOTICE_SECONDS)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
        self.courier.close()

    def wait(self) -> None:
        """Run until stopped (by a signal handler calling `stop`)."""
        self._stop.wait()
