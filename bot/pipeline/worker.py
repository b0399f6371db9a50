"""Handling stored webhook events: one user's events one at a time, in order, across workers."""

import asyncio
import json
import logging
import zlib
from datetime import datetime, timedelta

from sqlalchemy import or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import catalog as T
from bot.clock import Clock
from bot.dialogs import Context, Dispatcher
from bot.line.events import Event
from bot.line.gateway import LineGateway
from bot.settings import Settings
from db.models import EventStatus, InboundEvent, OutboxMessage, OutboxStatus
from db.richmenus import LINKS_DUE

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
MAX_MENU_LINKS_NAMED = 1000
WAIT = "wait"
LAST = "last"
REPLY_WAIT_SECONDS = 0.02  # how often a user waiting for a reply sent elsewhere is looked at again
# Past this, on the app's clock (so that tests move it), a reply still in flight no longer holds the
# user's next event (a live sender renews its lease, so a slow LINE could otherwise hold it longer).
REPLY_WAIT_LIMIT = timedelta(seconds=5)
# Replies being sent while the workers go on to other users; past this many, a worker waits.
MAX_SENDING = 32
# On stopping, how long a worker may take to finish the event in its hands.
STOP_SECONDS = 5.0


def in_shard(key: str, shard: tuple[int, int]) -> bool:
    """Whether this user's events belong to shard (index, count): a stable split across processes."""
    index, count = shard
    return count == 1 or zlib.crc32(key.encode()) % count == index


async def lock_actor(session: AsyncSession, key: str) -> None:
    """Hold the per-user lock until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, so workers in any process wait their
    turn. SQLite: every transaction begins IMMEDIATE, which already serializes writers.
    """
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


class EventProcessor:
    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], dispatcher: Dispatcher, settings: Settings,
                 clock: Clock, gateway: LineGateway,
                 workers: int = 4, sweep_seconds: float = 2.0, poll_seconds: float = 0.0,
                 shard: tuple[int, int] = (0, 1)) -> None:
        self._sessions = sessions
        self._dispatcher = dispatcher
        self._settings = settings
        self._clock = clock
        self._gateway = gateway
        self._workers = workers
        self._sweep_seconds = sweep_seconds
        self._poll_seconds = poll_seconds
        # Several background processes split the users between them (each user in one process):
        # two processes taking turns on the same user would only wait on each other's lock.
        self._shard = shard
        self._seen_id = 0
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()
        # Users being handled by a worker of this process, and those notified meanwhile: one
        # worker keeps a user's events (and their replies) in sequence instead of two racing.
        self._busy: set[str] = set()
        self._again: set[str] = set()
        # Users whose next event waits for their previous reply, sent by another process: since
        # when each has waited, and the wake-ups scheduled for them.
        self._waiting_since: dict[str, datetime] = {}
        self._deferred: set[asyncio.TimerHandle] = set()
        self._tasks: list[asyncio.Task] = []
        self._stopping = False
        # What an event queued is sent after its commit by a task of its own, so that a worker
        # does not sit out LINE's answer time; the user's next event waits for it (see WAIT).
        self._sending: set[asyncio.Task] = set()
        self._sending_for: dict[str, asyncio.Task] = {}  # the user whose event's replies a task sends
        self._send_slots = asyncio.Semaphore(MAX_SENDING)

    def notify(self, actor_keys: set[str]) -> None:
        """Wake the workers for these users (called after their events were stored)."""
        for key in actor_keys:
            if key not in self._queued:
                self._queued.add(key)
                self._queue.put_nowait(key)

    async def start(self) -> None:
        await self.sweep()
        self._tasks = [asyncio.create_task(self._work(), name=f"event-worker-{i}") for i in range(self._workers)]
        if self._sweep_seconds > 0:
            self._tasks.append(asyncio.create_task(self._every(self._sweep_seconds, self.sweep), name="event-sweeper"))
        if self._poll_seconds > 0:
            self._tasks.append(asyncio.create_task(self._every(self._poll_seconds, self.poll), name="event-poller"))

    async def stop(self) -> None:
        """Finish the events being handled, send their replies, and leave the rest for a restart.

        A worker is not cancelled in the middle of an event: cancelled while its commit is on
        the way, it could leave an event handled and its replies claimed with nobody to send
        them (until their leases run out). Each is let finish its event, then stops.
        """
        self._stopping = True
        for handle in self._deferred:
            handle.cancel()
        self._deferred.clear()
        workers = [task for task in self._tasks if task.get_name().startswith("event-worker-")]
        for task in self._tasks:
            if task not in workers:
                task.cancel()
        for _ in workers:
            self._queue.put_nowait(None)  # wakes a worker waiting for a user: it stops
        _, running = await asyncio.wait(workers, timeout=STOP_SECONDS) if workers else (set(), set())
        for task in running:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        # Replies already handed over get the time of one request to LINE to go (and be recorded).
        # What is still running after that is cancelled: its lease expires and the outbox sweep
        # takes the row again.
        if self._sending:
            _, running = await asyncio.wait(list(self._sending), timeout=self._gateway.request_timeout + 2)
            for task in running:
                task.cancel()
            if running:
                await asyncio.wait(running)

    def sending(self) -> int:
        """How many handled events' replies are on their way to LINE right now."""
        return len(self._sending)

    async def drain(self) -> None:
        """Wait until every notified event has been handled and its replies sent (tests, shutdown)."""
        while True:
            await self._queue.join()
            if self._sending:
                await asyncio.wait(list(self._sending))
                await asyncio.sleep(0)  # the wake-ups of users whose replies have gone
            elif self._deferred:
                await asyncio.sleep(REPLY_WAIT_SECONDS)
            else:
                return

    async def sweep(self) -> None:
        """Queue every user with unhandled events: those of a process that died, or of another worker."""
        async with self._sessions() as session:
            keys = await session.scalars(
                select(InboundEvent.actor_key).where(InboundEvent.status == EventStatus.pending).distinct()
            )
            self.notify({key for key in keys if in_shard(key, self._shard)})

    async def poll(self) -> None:
        """Queue the users of events stored since the last look (by another process, the web server).

        Cheap enough to run many times a second: it reads forward from the last id seen. An id
        committed out of order is skipped here and found by the next sweep.
        """
        async with self._sessions() as session:
            rows = (await session.execute(
                select(InboundEvent.id, InboundEvent.actor_key)
                .where(InboundEvent.id > self._seen_id, InboundEvent.status == EventStatus.pending)
                .order_by(InboundEvent.id).limit(5000))).all()
        if rows:
            self._seen_id = rows[-1][0]
            self.notify({key for _, key in rows if in_shard(key, self._shard)})

    async def _every(self, seconds: float, job) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await job()
            except Exception:
                log.exception("%s failed", job.__name__)

    async def _work(self) -> None:
        while not self._stopping:
            key = await self._queue.get()
            if key is None or self._stopping:
                self._queue.task_done()
                return
            self._queued.discard(key)
            if key in self._busy:
                self._again.add(key)
                self._queue.task_done()
                continue
            self._busy.add(key)
            try:
                while True:
                    await self.handle_actor(key)
                    if key not in self._again:
                        break
                    self._again.discard(key)
            except Exception:
                log.exception("handling events failed")
            finally:
                self._busy.discard(key)
                self._again.discard(key)
                self._queue.task_done()

    async def handle_actor(self, key: str) -> None:
        """Handle this user's pending events, oldest first, until none is left (or the process stops)."""
        while not self._stopping:
            sending = self._sending_for.get(key)
            if sending is not None:
                # This process is still sending the user's previous replies: the next event waits
                # for them (however long LINE takes), and the worker goes on to other users.
                sending.add_done_callback(lambda _task: self.notify({key}))
                return
            since = self._waiting_since.get(key)
            outcome = await self._handle_next(
                key, wait_for_replies=since is None or self._clock.now() - since < REPLY_WAIT_LIMIT)
            if outcome is WAIT:
                # Another process is still sending this user's previous reply: come back to this
                # user shortly, and meanwhile leave the worker to everyone else.
                self._waiting_since.setdefault(key, self._clock.now())
                self._defer(key)
                return
            self._waiting_since.pop(key, None)
            if outcome in (False, LAST):
                return

    def _defer(self, key: str) -> None:
        def wake() -> None:
            self._deferred.discard(handle)
            self.notify({key})

        handle = asyncio.get_running_loop().call_later(REPLY_WAIT_SECONDS, wake)
        self._deferred.add(handle)

    async def _replies_in_flight(self, session: AsyncSession, key: str) -> bool:
        """Whether an answer to this user's previous event is queued or being sent (not merely retrying).

        A row whose sender died counts until its lease runs out (seconds: see gateway.LEASE)."""
        return await session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.actor_key == key, OutboxMessage.status == OutboxStatus.pending,
                or_(OutboxMessage.attempts == 0, OutboxMessage.lease_until > self._clock.now())).limit(1)) is not None

    async def _handle_next(self, key: str, *, wait_for_replies: bool = True):
        """Handle the user's oldest pending event.

        Returns True if there may be more, LAST if that was the last one seen, False if there was
        none, WAIT to try again soon. (Knowing the last one saves a transaction that finds nothing;
        an event stored meanwhile wakes the worker again.)
        """
        # A slot for sending is taken before anything is committed: once the event is handled,
        # its replies must be handed to a task without waiting (a cancelled wait would strand them).
        await self._send_slots.acquire()
        try:
            return await self._handle_locked(key, wait_for_replies)
        except BaseException:
            self._send_slots.release()
            raise

    async def _handle_locked(self, key: str, wait_for_replies: bool):
        async with self._sessions() as session:
            async with session.begin():
                await lock_actor(session, key)
                if wait_for_replies and await self._replies_in_flight(session, key):
                    self._send_slots.release()
                    return WAIT
                rows = list(await session.scalars(
                    select(InboundEvent)
                    .where(InboundEvent.actor_key == key, InboundEvent.status == EventStatus.pending)
                    .order_by(InboundEvent.event_time_ms, InboundEvent.id)
                    .limit(2)
                ))
                if not rows:
                    self._send_slots.release()
                    return False
                row, more = rows[0], len(rows) > 1
                claimed_at = self._clock.now()
                ctx = self._context(session, Event(json.loads(row.payload)), row.received_at)
                try:
                    async with session.begin_nested():
                        await self._dispatcher.handle(ctx, dialog_ttl=timedelta(minutes=self._settings.dialog_ttl_minutes),
                                                      purpose=row.event_type)
                        # What this event queued is claimed in this transaction and sent right after
                        # its commit: no second transaction, and no other process takes it meanwhile.
                        self._gateway.lease(ctx.queued, claimed_at)
                        await session.flush()
                    row.status = EventStatus.done
                    self._link_menus_after(ctx, session.info.pop(LINKS_DUE, None))
                except Exception as exc:
                    session.info.pop(LINKS_DUE, None)
                    row.attempts += 1
                    row.error = type(exc).__name__[:200]
                    log.exception("event %s (%s) failed, attempt %d", row.webhook_event_id, row.event_type, row.attempts)
                    # Nothing the handler staged is kept: its savepoint was rolled back.
                    ctx = self._context(session, ctx.event, ctx.received_at)
                    if row.attempts >= MAX_ATTEMPTS:
                        row.status = EventStatus.failed
                        ctx.reply(self._dispatcher.help_message(T.INTERNAL_ERROR))
                        ctx.flush_replies(purpose="error")
                        self._gateway.lease(ctx.queued, claimed_at)
                        await session.flush()
                row.handled_at = claimed_at
        result = True if more or row.status == EventStatus.pending else LAST
        if not ctx.queued and not ctx.after_commit:
            self._send_slots.release()
            return result
        task = asyncio.create_task(self._send(ctx.queued, claimed_at, ctx.after_commit))
        self._sending.add(task)
        self._sending_for[key] = task

        def finished(done: asyncio.Task) -> None:
            self._sending.discard(done)
            if self._sending_for.get(key) is done:
                del self._sending_for[key]

        task.add_done_callback(finished)
        return result

    def _link_menus_after(self, ctx: Context, users: set[str] | None) -> None:
        """Menus this event changed are sent to LINE after its commit (many: all that are due)."""
        if users:
            ids = sorted(users) if len(users) <= MAX_MENU_LINKS_NAMED else None
            ctx.after_commit.append(lambda: self._gateway.sync_menu_links(ids))

    async def _send(self, rows: list[OutboxMessage], claimed_at, after_commit) -> None:
        """Send an event's replies, then run its after-commit work (a slow profile lookup must
        not delay the replies); the user's next event waits for both."""
        try:
            await self._gateway.deliver_claimed(rows, claimed_at)
        except Exception:
            log.exception("sending an event's messages failed; their lease expires and the outbox sweep "
                          "takes them again")
        finally:
            self._send_slots.release()
        for callback in after_commit:
            try:
                await callback()
            except Exception:
                log.warning("after-commit work %s failed", getattr(callback, "__name__", callback), exc_info=True)

    def _context(self, session: AsyncSession, event: Event, received_at) -> Context:
        return Context(session=session, event=event, settings=self._settings, clock=self._clock,
                       received_at=received_at, gateway=self._gateway, sessions=self._sessions,
                       help_message=self._dispatcher.help_message)
