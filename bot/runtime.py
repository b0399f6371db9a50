"""What a running Renkei process holds, built and torn down in one place for the web app and
the background process."""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.dialogs import Dispatcher
from bot.line.gateway import LineGateway
from bot.line.signature import SignatureValidator
from bot.pipeline.ingest import EventIngest
from bot.settings import Settings
from bot.pipeline.worker import BATCH_SECONDS, EventProcessor
from db.engine import create_engine, session_factory
from db.rules.business_days import close_year_end
from handlers import build_dispatcher
from handlers.richmenus.setup import keep_rich_menus
from scheduler.runner import Scheduler

RICH_MENUS_STOP_SECONDS = 5  # how long a stopping process lets a rich-menu set-up round finish
# The collector's first threshold in a service (Python's is 700 new objects): handling an event
# makes and drops thousands of rows and statements, most freed at once by their counts.
GC_YOUNG_THRESHOLD = 10_000
# A full collection takes about 80 ms: a while after start-up, not in it.
GC_SETTLE_SECONDS = 5.0


def settle_garbage_collector() -> None:
    """For a service that has started (called in its event loop): a few seconds later, what it has
    loaded by then (the modules, the app, the dialogs: over a hundred thousand objects that stay)
    is left out of the collector's passes, and the young objects are looked at less often.
    bench/statements.py: a check's answer took 1.84-1.88 ms of CPU on SQLite with Python's
    settings, 1.29-1.46 with these. What is in hand at that moment (a burst's rows) is kept for
    good too: once, and a few megabytes at most."""
    asyncio.get_running_loop().call_later(GC_SETTLE_SECONDS, _settle_garbage_collector)


def _settle_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    signature: SignatureValidator
    gateway: LineGateway
    dispatcher: Dispatcher | None  # None where events are not handled
    processor: EventProcessor
    ingest: EventIngest
    scheduler: Scheduler
    # Making the rich menus exist on LINE (started with the process, retried until done).
    rich_menu_setup: asyncio.Task | None = None

    async def ping_database(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def drain(self) -> None:
        """Wait until everything stored so far has been handled and its replies sent."""
        await self.ingest.close()
        await self.processor.drain()


def batch_seconds(engine: AsyncEngine) -> float:
    """How long one transaction of the worker may handle events; on SQLite short, as the webhook
    waits for the process's one connection meanwhile."""
    return 0.05 if engine.dialect.name == "sqlite" else BATCH_SECONDS


def event_workers(settings: Settings, engine: AsyncEngine) -> int:
    """On SQLite one worker: with one connection, more would only queue ahead of the webhook's writes."""
    return 1 if engine.dialect.name == "sqlite" else settings.event_workers


@asynccontextmanager
async def running(settings: Settings, clock: Clock, *, handle_events: bool, send: bool, run_scheduler: bool,
                  sweep_seconds: float = 2.0, poll_seconds: float = 0.0,
                  shard: tuple[int, int] = (0, 1)) -> AsyncIterator[Runtime]:
    """Start what this process runs and stop it on leaving.

    `handle_events`: handle stored events (found by a sweep every `sweep_seconds`, and by a poll
    every `poll_seconds` when another process stores them); `send`: sweep the outbox for due
    messages; `run_scheduler`: start the scheduler's timer. A 0 turns a timer off. `shard`
    (index, count): handle only this share of the users, when several processes handle events.
    """
    close_year_end(settings.year_end)
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    gateway = LineGateway(settings=settings, sessions=sessions, clock=clock, sweep_seconds=sweep_seconds / 2)
    await gateway.start(sweep=send)
    # The features' dialogs are loaded only where events are handled: not by the web server on PostgreSQL.
    dispatcher = build_dispatcher() if handle_events else None
    processor = EventProcessor(sessions=sessions, dispatcher=dispatcher, settings=settings, clock=clock,
                               gateway=gateway, workers=event_workers(settings, engine),
                               sweep_seconds=sweep_seconds, poll_seconds=poll_seconds, shard=shard,
                               batch_seconds=batch_seconds(engine))
    ingest = EventIngest(engine, clock, processor.notify if handle_events else lambda keys, taps: None)
    scheduler = Scheduler(sessions=sessions, gateway=gateway, clock=clock, settings=settings)
    runtime = Runtime(settings=settings, clock=clock, engine=engine, sessions=sessions,
                      signature=SignatureValidator(settings.line_channel_secret), gateway=gateway,
                      dispatcher=dispatcher, processor=processor, ingest=ingest, scheduler=scheduler)
    if handle_events:
        await processor.start()
    if run_scheduler:
        scheduler.start()
    rich_menus_stop = asyncio.Event()
    if send and settings.line_rich_menus:
        runtime.rich_menu_setup = asyncio.create_task(
            keep_rich_menus(gateway=gateway, sessions=sessions, clock=clock, stop=rich_menus_stop), name="rich-menus")
    try:
        yield runtime
    finally:
        if runtime.rich_menu_setup is not None:
            # Cancelled inside a SQLite transaction, aiosqlite's thread can be left behind and keep the
            # process from exiting: a round under way finishes first (a second or so), then it stops.
            rich_menus_stop.set()
            await asyncio.wait({runtime.rich_menu_setup}, timeout=RICH_MENUS_STOP_SECONDS)
            runtime.rich_menu_setup.cancel()
            await asyncio.gather(runtime.rich_menu_setup, return_exceptions=True)
        scheduler.shutdown()
        await ingest.close()
        await processor.stop()
        await gateway.close()
        await engine.dispose()
