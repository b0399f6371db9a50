"""The background process: handles stored events, sends the outbox, runs the scheduler.

`renkei serve` starts them beside the web server (WORKER_PROCESSES of them, each handling a
share of the users), at a lower CPU priority, so that a burst of webhooks is acknowledged
first and handled right after; `renkei worker` runs one alone.
"""

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time

from bot.clock import Clock, SystemClock
from bot.runtime import running, settle_garbage_collector
from bot.settings import Settings

log = logging.getLogger(__name__)

# How often the background process looks for events the web server stored.
POLL_SECONDS = 0.05


async def run_background(settings: Settings, *, handle_events: bool = True, run_scheduler: bool = True,
                         clock: Clock | None = None, stop: asyncio.Event | None = None,
                         shard: tuple[int, int] = (0, 1)) -> None:
    """Run until `stop` is set (or forever)."""
    async with running(settings, clock or SystemClock(), handle_events=handle_events, send=True,
                       run_scheduler=run_scheduler, poll_seconds=POLL_SECONDS, shard=shard):
        settle_garbage_collector()
        log.info("background process running (events: %s, users: share %d of %d, scheduler: %s)", handle_events,
                 shard[0] + 1, shard[1], run_scheduler)
        await (stop or asyncio.Event()).wait()


class BackgroundProcess:
    """`renkei worker` as a child of `renkei serve`, at a lower CPU priority, restarted if it dies.

    The child has a session of its own, so Ctrl+C in a terminal reaches the web server only,
    which stops the child when its app shuts down; and it asks the kernel to be sent SIGTERM
    should the web server die without that.
    """

    NICENESS = 10
    STEADY_SECONDS = 60.0  # a child that ran this long resets the restart delay

    def __init__(self, args: list[str]) -> None:
        self._args = args
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", "worker", *self._args],
                                preexec_fn=self._in_child, start_new_session=True)

    def _in_child(self) -> None:
        os.nice(self.NICENESS)
        with contextlib.suppress(OSError, AttributeError):  # Linux only: PR_SET_PDEATHSIG
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)

    def start(self) -> None:
        self._stopping.clear()
        self._process = self._spawn()
        threading.Thread(target=self._watch, name="background-watch", daemon=True).start()

    def _watch(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            started = time.monotonic()
            code = self._process.wait() if self._process else None
            if self._stopping.is_set():
                return
            delay = 1.0 if time.monotonic() - started > self.STEADY_SECONDS else delay
            log.error("background process exited with %s; restarting in %.0fs", code, delay)
            if self._stopping.wait(delay):
                return
            try:
                self._process = self._spawn()
            except OSError:
                log.exception("could not start the background process")
                self._process = None
            delay = min(delay * 2, 60.0)

    def stop(self) -> None:
        self._stopping.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
