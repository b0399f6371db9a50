"""The background process: handles stored events, sends the outbox, runs the scheduler.

`renkei serve` starts one beside the web server, at a lower CPU priority, so that a burst of
webhooks is acknowledged first and handled right after; `renkei worker` runs one alone.
"""

import asyncio
import logging

from bot.clock import Clock, SystemClock
from bot.dispatcher import Dispatcher
from bot.gateway import LineGateway
from bot.settings import Settings
from bot.worker import EventProcessor
from db.engine import create_engine, session_factory
from handlers import all_routers
from scheduler.runner import Scheduler

log = logging.getLogger(__name__)
# APScheduler logs every run at INFO; its warnings (missed runs) are what matter.
logging.getLogger("apscheduler").setLevel(logging.WARNING)

# How often the background process looks for events the web server stored.
POLL_SECONDS = 0.05


async def run_background(settings: Settings, *, handle_events: bool = True, run_scheduler: bool = True,
                         clock: Clock | None = None, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (or forever)."""
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    gateway = LineGateway(settings=settings, sessions=sessions, clock=clock)
    await gateway.start()
    processor = EventProcessor(sessions=sessions, dispatcher=Dispatcher(all_routers()), settings=settings,
                               clock=clock, gateway=gateway, workers=settings.event_workers,
                               poll_seconds=POLL_SECONDS)
    scheduler = Scheduler(sessions=sessions, gateway=gateway, clock=clock)
    try:
        if handle_events:
            await processor.start()
        if run_scheduler:
            scheduler.start()
        log.info("background process running (events: %s, scheduler: %s)", handle_events, run_scheduler)
        await (stop or asyncio.Event()).wait()
    finally:
        scheduler.shutdown()
        await processor.stop()
        await gateway.close()
        await engine.dispose()
