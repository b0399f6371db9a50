"""Time as the app sees it: the system clock in production, a hand-moved one in tests."""

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""

    async def sleep_until(self, moment: datetime) -> None:
        """Return once the clock reads `moment` or later."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, moment: datetime) -> None:
        await asyncio.sleep(max(0.0, (moment - self.now()).total_seconds()))


class ManualClock:
    """A clock that only moves when told to.

    What waits on it (`sleep_until`) wakes when a test moves it, on whichever thread's event
    loop it waits: the fake LINE platform holds requests on its own thread until then.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()
        self._wakers: set[Callable[[], None]] = set()

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        self._moved()
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)
        self._moved()

    def _moved(self) -> None:
        with self._lock:
            wakers = list(self._wakers)
        for wake in wakers:
            wake()

    async def sleep_until(self, moment: datetime) -> None:
        loop = asyncio.get_running_loop()
        moved = asyncio.Event()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(moved.set)
            except RuntimeError:
                pass  # that loop has closed: nobody is waiting any more

        # Registered before the first look at the time, so that a move in between is not missed.
        with self._lock:
            self._wakers.add(wake)
        try:
            while self._now < moment:
                await moved.wait()
                moved.clear()
        finally:
            with self._lock:
                self._wakers.discard(wake)
