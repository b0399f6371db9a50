"""SQLite statements run in the event loop's thread; only what may wait goes to the driver's thread.

aiosqlite hands every call to a thread of its own and back: making a cursor, executing,
fetching and closing it are four round trips per statement, each a wake-up of the thread and
then of the loop, with the GIL passed across. For the statements this service runs (a few
rows by key, well under a millisecond each) the round trips cost far more than the work.

Here a statement runs where it is asked for. What can wait goes to the thread as before, so
that the loop never sleeps on it:
- `BEGIN IMMEDIATE`, which waits for the write lock while another process holds it (the
  busy handler sleeps and retries, up to the connection's timeout);
- `COMMIT`, which waits for the disk (the WAL's fsync: milliseconds).

Within a process the one connection is handed out by the pool (see engine.create_engine), so
once a transaction has begun nothing else takes the lock from under its statements. A long
statement (starting a check for 10,000 members, a report over them) holds the whole loop for
its time (tens of milliseconds), where before it held the one connection while the loop went
on with work that needed none.

While a call is queued or running in the driver's thread (a BEGIN waiting for the lock, say,
whose caller was cancelled meanwhile), every call goes there too, behind it: the connection is
never used from both threads at once, and calls keep their order.
"""

import asyncio
import sqlite3
from functools import partial

import aiosqlite


class LoopConnection(aiosqlite.Connection):
    _in_thread = 0  # calls handed to the driver's thread and not yet done there (cancelled or not)

    async def _execute(self, fn, *args, **kwargs):
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if not self._in_thread and not _may_wait(self._connection, fn, args):
            return fn(*args, **kwargs)
        loop = asyncio.get_running_loop()

        def call():
            try:
                return fn(*args, **kwargs)
            finally:
                loop.call_soon_threadsafe(self._done_in_thread)

        self._in_thread += 1
        return await super()._execute(call)

    def _done_in_thread(self) -> None:
        self._in_thread -= 1


def _may_wait(connection: sqlite3.Connection, fn, args: tuple) -> bool:
    if fn == connection.commit:
        return True
    return bool(args) and isinstance(args[0], str) and args[0][:5].upper() == "BEGIN"


def connect(database, **kwargs) -> LoopConnection:
    """The driver connection (called by SQLAlchemy's aiosqlite dialect with the URL's arguments)."""
    # Used from the loop's thread and from the driver's, never from both at once.
    kwargs["check_same_thread"] = False
    connection = LoopConnection(partial(sqlite3.connect, str(database), **kwargs), iter_chunk_size=64)
    connection._thread.daemon = True  # as the dialect does for its own: a thread left over does not hold exit
    return connection
