"""The web app: webhook, and the background work that handles what it stored."""

import asyncio
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from linebot.v3.webhook import SignatureValidator
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import webhook
from bot.background import BackgroundProcess
from bot.clock import Clock, SystemClock
from bot.dispatcher import Dispatcher
from bot.gateway import LineGateway
from bot.ingest import EventIngest
from bot.settings import Settings
from bot.worker import EventProcessor
from db.engine import create_engine, session_factory
from handlers import all_routers
from scheduler.runner import Scheduler

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything the running service holds, built in the app's lifespan."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    signature: SignatureValidator
    gateway: LineGateway
    dispatcher: Dispatcher
    processor: EventProcessor
    ingest: EventIngest
    scheduler: Scheduler

    async def ping_database(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def drain(self) -> None:
        """Wait until everything stored so far has been handled and its replies sent."""
        await self.ingest.close()
        await self.processor.drain()


def event_workers(settings: Settings, engine: AsyncEngine) -> int:
    """On SQLite one worker: with one connection, more would only queue ahead of the webhook's writes."""
    return 1 if engine.dialect.name == "sqlite" else settings.event_workers


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, handle_events: bool = True,
               sweep_seconds: float = 2.0, run_scheduler: bool = False,
               companion: BackgroundProcess | None = None) -> FastAPI:
    """Build the app; `handle_events=False` only stores events (used to test restarts).

    `sweep_seconds=0` turns off the timers that look for unhandled events and unsent
    messages (tests drive them by hand); `run_scheduler` starts the scheduler's timer;
    `companion` is a background process started and stopped with the app.
    """
    settings = settings or Settings()
    clock = clock or SystemClock()
    missing = settings.missing_line_credentials()
    if missing:
        raise ValueError(f"{missing[0]} is not set")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine = create_engine(settings.database_url)
        sessions = session_factory(engine)
        gateway = LineGateway(settings=settings, sessions=sessions, clock=clock, sweep_seconds=sweep_seconds / 2)
        await gateway.start(sweep=handle_events)
        dispatcher = Dispatcher(all_routers())
        processor = EventProcessor(sessions=sessions, dispatcher=dispatcher, settings=settings, clock=clock,
                                   gateway=gateway, workers=event_workers(settings, engine),
                                   sweep_seconds=sweep_seconds)
        ingest = EventIngest(engine, clock, processor.notify if handle_events else lambda keys: None)
        scheduler = Scheduler(sessions=sessions, gateway=gateway, clock=clock)
        runtime = Runtime(settings=settings, clock=clock, engine=engine, sessions=sessions,
                          signature=SignatureValidator(settings.line_channel_secret), gateway=gateway,
                          dispatcher=dispatcher, processor=processor, ingest=ingest, scheduler=scheduler)
        app.state.runtime = runtime
        if handle_events:
            await processor.start()
        if run_scheduler:
            scheduler.start()
        if companion is not None:
            companion.start()
        try:
            yield
        finally:
            if companion is not None:
                await asyncio.to_thread(companion.stop)
            scheduler.shutdown()
            await ingest.close()
            await processor.stop()
            await gateway.close()
            await engine.dispose()

    app = FastAPI(title="Renkei", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(webhook.router)
    app.add_middleware(webhook.WebhookEndpoint)
    return app
