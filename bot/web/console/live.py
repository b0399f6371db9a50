"""The live board's updates: one watcher per check per process, shared by every page that shows it.

Answers are stored by the event workers, possibly other processes than this web server, so
the watcher reads the check's change counter (db.contact_checks.board_version: one small sum)
every POLL_SECONDS, and only when it moved draws the board once and hands the drawing to
every page watching. Each page keeps only the newest drawing it has not sent yet: a slow page
skips drawings, it never piles them up, and the work per page is one send per change.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.contact_checks import board_version

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
REFRESH_SECONDS = 30.0  # drawn again anyway: the elapsed time, the questions LINE has taken

Draw = Callable[[AsyncSession, int], Awaitable[str]]


class Watch:
    """One page's view of a check: the newest drawing it has not been sent yet."""

    def __init__(self) -> None:
        self.html: str | None = None
        self.version = -1
        self.ready = asyncio.Event()

    def offer(self, version: int, html: str) -> None:
        self.version, self.html = version, html
        self.ready.set()

    async def next(self, timeout: float) -> str | None:
        """The newest drawing, or None when nothing changed within `timeout` seconds."""
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            return None
        self.ready.clear()
        return self.html


class _Watcher:
    def __init__(self, hub: "BoardHub", check_id: int) -> None:
        self.hub, self.check_id = hub, check_id
        self.watches: set[Watch] = set()
        self.version, self.html, self.drawn_at = -1, None, 0.0
        self.task: asyncio.Task | None = None

    async def run(self) -> None:
        while self.watches:
            try:
                await self.look()
            except Exception:  # the database away for a moment: the pages keep the last drawing
                log.exception("board %d: could not read the check", self.check_id)
            await asyncio.sleep(self.hub.poll_seconds)

    async def look(self) -> None:
        async with self.hub.sessions() as session:
            version = await board_version(session, self.check_id)
            if version == self.version and time.monotonic() - self.drawn_at < self.hub.refresh_seconds:
                return
            html = await self.hub.draw(session, self.check_id)
        self.version, self.html, self.drawn_at = version, html, time.monotonic()
        self.hub.drawn += 1
        for watch in list(self.watches):
            watch.offer(version, html)


class BoardHub:
    """The watchers of this process, one per check that a page shows."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], draw: Draw, *, poll_seconds: float = POLL_SECONDS,
                 refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.sessions, self.draw = sessions, draw
        self.poll_seconds, self.refresh_seconds = poll_seconds, refresh_seconds
        self.watchers: dict[int, _Watcher] = {}
        self.drawn = 0  # drawings made, for tests and the benchmark's view of the work done

    @asynccontextmanager
    async def watch(self, check_id: int) -> AsyncIterator[Watch]:
        """A page's watch on a check, given the current drawing at once when there is one."""
        watcher = self.watchers.get(check_id)
        if watcher is None:
            watcher = self.watchers[check_id] = _Watcher(self, check_id)
        watch = Watch()
        watcher.watches.add(watch)
        if watcher.html is not None:
            watch.offer(watcher.version, watcher.html)
        if watcher.task is None or watcher.task.done():
            watcher.task = asyncio.create_task(watcher.run(), name=f"board-{check_id}")
        try:
            yield watch
        finally:
            watcher.watches.discard(watch)
            if not watcher.watches:
                self.watchers.pop(check_id, None)
                watcher.task.cancel()
