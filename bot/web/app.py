"""The web app: webhook, and the background work that handles what it stored."""

import asyncio
from typing import TYPE_CHECKING
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.web import api, calendar, charts, console, webhook
from bot.pipeline.background import BackgroundProcess
from bot.clock import Clock, SystemClock
from bot.runtime import running, settle_garbage_collector
from bot.web.limits import WrongTokens
from bot.settings import Settings

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.web.simulator.state import Simulator


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, handle_events: bool = True,
               sweep_seconds: float = 2.0, run_scheduler: bool = False,
               companions: tuple[BackgroundProcess, ...] = (), simulator: "Simulator | None" = None,
               service: bool = False) -> FastAPI:
    """Build the app; `handle_events=False` only stores events (used to test restarts).

    `sweep_seconds=0` turns off the timers that look for unhandled events and unsent
    messages (tests drive them by hand); `run_scheduler` starts the scheduler's timer;
    `companions` are background processes started and stopped with the app; a `simulator`
    (local mode) adds the simulator page, which exists in no other mode; `service`: the process
    runs for long (`renkei serve`), its garbage collector settled once it has started.
    """
    settings = settings or Settings()
    clock = clock or SystemClock()
    missing = settings.missing_line_credentials()
    if missing:
        raise ValueError(f"{missing[0]} is not set")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with running(settings, clock, handle_events=handle_events, send=handle_events,
                           run_scheduler=run_scheduler, sweep_seconds=sweep_seconds) as runtime:
            app.state.runtime = runtime
            if simulator is not None:
                await simulator.start()
                log.info("Renkei はローカルモードで動いています（LINEには接続しません）: %s", simulator.page_url)
            for companion in companions:
                companion.start()
            if service:
                settle_garbage_collector()
            try:
                yield
            finally:
                await asyncio.gather(*(asyncio.to_thread(companion.stop) for companion in companions))
                if simulator is not None:
                    await simulator.close()

    app = FastAPI(title="Renkei", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.wrong_tokens = WrongTokens(clock)
    app.include_router(webhook.router)
    app.include_router(api.router)
    app.include_router(calendar.router)
    app.include_router(charts.router)
    console.install(app)
    if simulator is not None:
        from bot.web.simulator import routes  # local mode only: its pages and templates

        routes.install(simulator, settings.tz)
        app.state.simulator = simulator
        app.include_router(routes.router)
    app.add_middleware(webhook.WebhookEndpoint)
    return app
