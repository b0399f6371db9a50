"""The scheduler: APScheduler 3 wakes the jobs on a timer; the jobs' claims make it safe to run anywhere.

APScheduler's job store is in memory and private to each process: it only decides when to
look for due work. What is due, and who sends it, lives in the database.
"""

import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.line.gateway import LineGateway
from bot.settings import Settings
from scheduler.jobs import JOBS

log = logging.getLogger(__name__)
# APScheduler logs every run at INFO; its warnings (missed runs) are what matter.
logging.getLogger("apscheduler").setLevel(logging.WARNING)


class Scheduler:
    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], gateway: LineGateway, clock: Clock,
                 settings: Settings,
                 interval_seconds: float = 15.0) -> None:
        self._sessions = sessions
        self._gateway = gateway
        self._clock = clock
        self._settings = settings
        self._interval = interval_seconds
        self._aps = None

    def start(self) -> None:
        # Imported here: the web server on PostgreSQL and the other workers never run the timer.
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._aps = AsyncIOScheduler(timezone=UTC)
        # coalesce + one instance: a slow round is never stacked on by the next.
        self._aps.add_job(self.run_due, "interval", seconds=self._interval, id="due-work", max_instances=1,
                          coalesce=True, next_run_time=datetime.now(UTC))
        self._aps.start()

    def shutdown(self) -> None:
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)

    async def run_due(self) -> dict[str, int]:
        """Run every job once for the current time and send what they queued; returns counts per job."""
        now = self._clock.now()
        counts, queued = {}, []
        for job in JOBS:
            try:
                ids = await job(self._sessions, now, self._settings)
            except Exception:
                log.exception("scheduled job %s failed", job.__name__)
                continue
            counts[job.__name__] = len(ids)
            queued += ids
        if queued:
            await self._gateway.deliver(queued)
        return counts
