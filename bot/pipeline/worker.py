"""Handling stored webhook events: one user's events one at a time, in order, across workers.

A worker takes the next event of several users at once and handles them in one transaction
(one lock statement, one read of their events, members and dialog rows, and of what the
features prefetch for their taps; the events' writes flushed together; one commit): a user's
events still go one at a time and in order (one event per user per batch, the next after its
replies have gone). If an event fails, the batch is rolled back: that event is tried again by
itself, in a savepoint where its failure is counted, and its neighbours go again.
"""

import asyncio
import json
import logging
import zlib
from collections import deque
from contextlib import nullcontext
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import catalog as T
from bot.clock import Clock
from bot.dialogs import Context, Dispatcher
from bot.line.events import Event
from bot.line.gateway import LineGateway
from bot.settings import Settings
from db.engine import among
from db.models import Conversation, EventStatus, InboundEvent, Member, OutboxMessage, OutboxStatus
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
# Events whose replies are being sent while the workers go on to other users; past this many, a
# worker waits before taking more (a batch may go past it by its size: once handled, an event's
# replies are handed to their task without waiting).
MAX_SENDING = 256
# Users whose next event one transaction handles: enough to share a commit (and, on SQLite, its
# fsync) among many, few enough that the users it holds are not kept long.
BATCH_USERS = 64
# How long one batch may go on handling before it commits (and lets go of the connection). On
# PostgreSQL long enough that a batch's own reads and its commit are shared by many events (at
# 0.05 s, with the process busy, a batch held one or two and handled half as many a second); an
# event's reply waits for its batch's commit, at most this long.
BATCH_SECONDS = 0.2
ALONE = "alone"
# A user handled this recently is in a conversation: their next event goes in the first lane.
RECENT_SECONDS = 120.0
MAX_RECENT = 20_000  # past this many remembered, those not recent are forgotten  # failed beside others: tried again by itself, where a failure counts
# On stopping, how long a worker may take to finish the event in its hands.
STOP_SECONDS = 5.0


class _BatchUndone(Exception):
    """An event failed beside others: the batch's transaction is rolled back as a whole.

    `everyone`: the failure may be another event's, a write of theirs that the session sent on
    while this one ran (the writes of a batch go out together, at the first statement that needs
    them or at the commit): every event handled so far goes alone, as after a failed commit.
    """

    def __init__(self, key: str, outcomes: dict, *, everyone: bool = False) -> None:
        super().__init__(key)
        self.key, self.outcomes, self.everyone = key, outcomes, everyone


def in_shard(key: str, shard: tuple[int, int]) -> bool:
    """Whether this user's events belong to shard (index, count): a stable split across processes."""
    index, count = shard
    return count == 1 or zlib.crc32(key.encode()) % count == index


async def lock_actor(session: AsyncSession, key: str) -> None:
    """Hold the per-user lock until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, so workers in any process wait their
    turn. SQLite: every transaction begins IMMEDIATE, which already serializes writers.
    """
    await lock_actors(session, [key])


async def lock_actors(session: AsyncSession, keys: list[str]) -> None:
    """The per-user locks of several users, in one statement, always taken in the same (sorted)
    order so that two transactions locking overlapping users cannot deadlock."""
    if session.bind.dialect.name != "postgresql":
        return
    if len(keys) == 1:
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": keys[0]})
        return
    await session.execute(text(
        "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) "
        "FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS t(k, n) ORDER BY n"), {"keys": sorted(keys)})


class EventProcessor:
    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], dispatcher: Dispatcher, settings: Settings,
                 clock: Clock, gateway: LineGateway,
                 workers: int = 4, sweep_seconds: float = 2.0, poll_seconds: float = 0.0,
                 shard: tuple[int, int] = (0, 1), batch: int = BATCH_USERS,
                 batch_seconds: float = BATCH_SECONDS) -> None:
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
        # One token per queued user (None: a worker is to stop); the users themselves wait in two
        # lanes, taken turn about: whoever is in a conversation (sent a message, or was handled a
        # moment ago), and taps from members not heard from lately (a flood of check answers,
        # each member's one tap). A chat then waits behind one batch of taps, not behind the whole flood.
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._lanes: tuple[deque[str], deque[str]] = (deque(), deque())
        self._recent: dict[str, float] = {}  # users handled lately: when (the loop's clock)
        self._tap_turn = False
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
        self._room = asyncio.Event()  # set while fewer than MAX_SENDING events' replies are on their way
        self._room.set()
        self._batch, self._batch_seconds = batch, batch_seconds
        # What one event has lately taken to handle (seconds, a moving average): a batch takes only
        # as many users as fit in its time. Each user taken costs the batch's reads their rows even
        # when the time runs out before their event, so taking more than fit only adds work.
        self._event_seconds = 0.0

    def notify(self, actor_keys: set[str], *, taps: frozenset[str] | set[str] = frozenset()) -> None:
        """Wake the workers for these users (called after their events were stored); `taps`: those of
        them whose new events are all button taps (postbacks), who wait behind the conversations."""
        now = asyncio.get_running_loop().time()
        for key in actor_keys:
            if key not in self._queued:
                self._queued.add(key)
                later = key in taps and now - self._recent.get(key, -RECENT_SECONDS) >= RECENT_SECONDS
                self._lanes[1 if later else 0].append(key)
                self._queue.put_nowait(key)

    def _next_lane(self) -> deque[str]:
        """The lane the next batch takes its users from: turn about, conversations and taps.

        Turn about, not conversations first: a busy chat must not starve the taps either (their
        reply tokens run out too); a conversation waits about one batch's time. A batch
        holds one kind: a reply waits for its batch's commit, and a batch of a flood's taps is long
        (64 answers), one of the conversations going on short.
        """
        talking, tapping = self._lanes
        self._tap_turn = not self._tap_turn
        return tapping if tapping and (self._tap_turn or not talking) else talking

    def _handled(self, key: str) -> None:
        now = asyncio.get_running_loop().time()
        self._recent[key] = now
        if len(self._recent) > MAX_RECENT:
            self._recent = {k: t for k, t in self._recent.items() if now - t < RECENT_SECONDS}

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
                select(InboundEvent.id, InboundEvent.actor_key, InboundEvent.event_type)
                .where(InboundEvent.id > self._seen_id, InboundEvent.status == EventStatus.pending)
                .order_by(InboundEvent.id).limit(5000))).all()
        if rows:
            self._seen_id = rows[-1][0]
            keys = {key for _, key, _ in rows if in_shard(key, self._shard)}
            self.notify(keys, taps=keys - {key for _, key, kind in rows if kind != "postback"})

    async def _every(self, seconds: float, job) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await job()
            except Exception:
                log.exception("%s failed", job.__name__)

    async def _work(self) -> None:
        while not self._stopping:
            token = await self._queue.get()
            if token is None or self._stopping:
                self._queue.task_done()
                return
            lane = self._next_lane()
            taken, keys = 1, [lane.popleft()]
            # Whoever else is queued in that lane comes along, as many as fit: one transaction for all.
            room = self._room_in_batch()
            while len(keys) < room and lane and not self._queue.empty():
                more = self._queue.get_nowait()
                if more is None:  # a stop meant for some worker: leave it for one
                    self._queue.put_nowait(None)
                    self._queue.task_done()
                    break
                taken += 1
                keys.append(lane.popleft())
            try:
                await self._work_on(keys)
            finally:
                for _ in range(taken):
                    self._queue.task_done()

    def _room_in_batch(self) -> int:
        """How many users the next batch takes: those whose events fit in its time, going by the
        recent cost of one, and at least a few (the cost is shared: a batch of one pays it all)."""
        if self._event_seconds <= 0:
            return self._batch
        return max(min(4, self._batch), min(self._batch, int(self._batch_seconds / self._event_seconds) + 1))

    def _cost(self, events: int, seconds: float) -> None:
        if events:
            per_event = seconds / events
            self._event_seconds = per_event if self._event_seconds <= 0 else 0.8 * self._event_seconds + 0.2 * per_event

    async def _work_on(self, keys: list[str]) -> None:
        mine = []
        for key in keys:
            self._queued.discard(key)
            if key in self._busy:
                self._again.add(key)
            elif key not in mine:
                mine.append(key)
        self._busy.update(mine)
        again: set[str] = set()
        try:
            again = await self._handle_users(mine)
        except Exception:
            log.exception("handling events failed")
        finally:
            for key in mine:
                self._busy.discard(key)
                if key in self._again:
                    self._again.discard(key)
                    again.add(key)
            # Behind those already waiting: a flood of answers does not starve someone's chat.
            self.notify(again)

    async def _handle_users(self, keys: list[str]) -> set[str]:
        """The next event of each of these users, in one transaction; returns those who may have more."""
        ready = []
        for key in keys:
            sending = self._sending_for.get(key)
            if sending is not None:
                # This process is still sending the user's previous replies: the next event waits
                # for them (however long LINE takes), and the worker goes on to other users.
                sending.add_done_callback(lambda _task, key=key: self.notify({key}))
            else:
                ready.append(key)
        if not ready:
            return set()
        try:
            outcomes = await self._handle_batch(ready)
        except Exception:
            if len(ready) == 1:
                raise
            # The transaction as a whole failed (nothing of it is kept): each user on their own.
            log.warning("handling %d users' events together failed; each is tried alone", len(ready), exc_info=True)
            outcomes = dict.fromkeys(ready, ALONE)
        again = set()
        for key, outcome in outcomes.items():
            if outcome is ALONE:
                try:
                    await self.handle_actor(key)
                except Exception:
                    log.exception("handling events failed")
            elif outcome is WAIT:
                self._waiting_since.setdefault(key, self._clock.now())
                self._defer(key)
            else:
                self._waiting_since.pop(key, None)
                if outcome is True:
                    again.add(key)
        return again

    async def handle_actor(self, key: str) -> None:
        """Handle this user's pending events, oldest first, until none is left (or the process stops)."""
        while not self._stopping:
            sending = self._sending_for.get(key)
            if sending is not None:
                sending.add_done_callback(lambda _task: self.notify({key}))
                return
            outcome = (await self._handle_batch([key]))[key]
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

    def _waits_for_replies(self, key: str) -> bool:
        since = self._waiting_since.get(key)
        return since is None or self._clock.now() - since < REPLY_WAIT_LIMIT

    async def _replies_in_flight(self, session: AsyncSession, keys: list[str]) -> set[str]:
        """Those of these users with an answer to their previous event queued or being sent (not
        merely retrying). A row whose sender died counts until its lease runs out (seconds: see
        gateway.LEASE)."""
        if not keys:
            return set()
        return set(await session.scalars(
            select(OutboxMessage.actor_key).where(
                among(session, OutboxMessage.actor_key, keys), OutboxMessage.status == OutboxStatus.pending,
                or_(OutboxMessage.attempts == 0, OutboxMessage.lease_until > self._clock.now())).distinct()))

    @staticmethod
    async def _next_events(session: AsyncSession, keys: list[str]) -> tuple[dict[str, InboundEvent], set[str]]:
        """Each user's oldest pending event, and the users who have another after it."""
        if len(keys) == 1:
            rows = list(await session.scalars(
                select(InboundEvent)
                .where(InboundEvent.actor_key == keys[0], InboundEvent.status == EventStatus.pending)
                .order_by(InboundEvent.event_time_ms, InboundEvent.id)
                .limit(2)))
            return ({keys[0]: rows[0]} if rows else {}), ({keys[0]} if len(rows) > 1 else set())
        place = func.row_number().over(partition_by=InboundEvent.actor_key,
                                       order_by=(InboundEvent.event_time_ms, InboundEvent.id)).label("place")
        ranked = (select(InboundEvent.id, place)
                  .where(among(session, InboundEvent.actor_key, keys), InboundEvent.status == EventStatus.pending).subquery())
        heads, more = {}, set()
        for row, n in await session.execute(
                select(InboundEvent, ranked.c.place).join(ranked, ranked.c.id == InboundEvent.id)
                .where(ranked.c.place <= 2)):
            if n == 1:
                heads[row.actor_key] = row
            else:
                more.add(row.actor_key)
        return heads, more

    @staticmethod
    async def _senders(session: AsyncSession, user_ids: set[str]) -> tuple[dict[str, Member], dict[str, Conversation]]:
        """The members and dialog rows of these senders, in two statements for the whole batch."""
        if not user_ids:
            return {}, {}
        members = {m.line_user_id: m for m in await session.scalars(
            select(Member).where(among(session, Member.line_user_id, user_ids)))}
        dialogs = {c.actor_key: c for c in await session.scalars(
            select(Conversation).where(among(session, Conversation.actor_key, user_ids)))}
        return members, dialogs

    async def _handle_batch(self, keys: list[str]) -> dict[str, object]:
        """Handle the oldest pending event of each user, in one transaction (alone, in a savepoint).

        Per user: True if there may be more, LAST if that was the last one seen, False if there
        was none, WAIT to try again soon, ALONE if it failed beside others (to be tried by itself:
        a failure there may be a neighbour's doing, a lock the two took in opposite order, and is
        not counted against the event). Knowing the last one saves a transaction that finds
        nothing; an event stored meanwhile wakes the worker again.
        """
        # Room for the replies is made before anything is committed: once the events are handled,
        # their replies must be handed to tasks without waiting (a cancelled wait would strand them).
        while len(self._sending) >= MAX_SENDING:
            self._room.clear()
            await self._room.wait()
        alone = len(keys) == 1
        outcomes: dict[str, object] = {}
        handled: list[tuple[str, Context]] = []
        try:
            claimed_at = await self._handle_in_one(keys, alone, outcomes, handled)
        except _BatchUndone as undone:
            # Nothing of the batch was kept: the failed event goes alone, those handled before it
            # (and those not reached) go again in another batch, or, when the failure may be any
            # of theirs, each of those handled goes alone too.
            outcomes = dict.fromkeys(keys, True)
            outcomes.update((key, WAIT) for key, outcome in undone.outcomes.items() if outcome is WAIT)
            if undone.everyone:
                outcomes.update((key, ALONE) for key, _ in handled)
            outcomes[undone.key] = ALONE
            return outcomes
        for key, ctx in handled:
            if ctx.queued or ctx.after_commit:
                self._start_sending(key, ctx.queued, claimed_at, ctx.after_commit)
        return outcomes

    async def _handle_in_one(self, keys: list[str], alone: bool, outcomes: dict[str, object],
                             handled: list[tuple[str, Context]]) -> datetime:
        """The batch's transaction: fills `outcomes` and `handled`; returns when its replies were claimed."""
        async with self._sessions() as session:
            async with session.begin():
                await lock_actors(session, keys)
                waiting = await self._replies_in_flight(session, [k for k in keys if self._waits_for_replies(k)])
                outcomes.update((key, WAIT) for key in waiting)
                heads, more = await self._next_events(session, [k for k in keys if k not in waiting])
                events = {key: Event(json.loads(row.payload)) for key, row in heads.items()}
                members, dialogs = (({}, {}) if alone else
                                    await self._senders(session, {e.user_id for e in events.values() if e.user_id}))
                if not alone:
                    await self._dispatcher.prefetch(session, [(members.get(e.user_id), e.postback_data or "")
                                                              for e in events.values() if e.type == "postback"])
                claimed_at = self._clock.now()
                loop = asyncio.get_running_loop()
                began = loop.time()
                until = began + self._batch_seconds
                for key in keys:
                    row = heads.get(key)
                    if key in waiting:
                        continue
                    if row is None:
                        outcomes[key] = False
                        continue
                    if handled and loop.time() > until:
                        # Long enough in one transaction (on SQLite the webhook waits for its one
                        # connection): the rest go in the next one.
                        outcomes[key] = True
                        continue
                    ctx = self._context(session, events[key], row.received_at)
                    if not alone and ctx.user_id:
                        ctx.preload(member=members.get(ctx.user_id), conversation=dialogs.get(ctx.user_id))
                    try:
                        # Alone, the event has a savepoint of its own, so that a failure is counted on
                        # its row while what it staged is undone; beside others, a failure undoes the
                        # whole batch (two statements fewer per event), and the event goes again alone.
                        async with session.begin_nested() if alone else nullcontext():
                            await self._dispatcher.handle(
                                ctx, dialog_ttl=timedelta(minutes=self._settings.dialog_ttl_minutes),
                                purpose=row.event_type)
                            # What this event queued is claimed in this transaction and sent right after
                            # its commit: no second transaction, and no other process takes it meanwhile.
                            self._gateway.lease(ctx.queued, claimed_at)
                            if alone:  # beside others, its writes go out with theirs (a failure there undoes all)
                                await session.flush()
                    except Exception as exc:
                        session.info.pop(LINKS_DUE, None)
                        if not alone:  # (the rows are no longer readable: the transaction is gone)
                            log.warning("event %s (%s) failed beside others; it is tried again alone",
                                        ctx.event.webhook_event_id, ctx.event.type, exc_info=True)
                            raise _BatchUndone(key, outcomes, everyone=isinstance(exc, SQLAlchemyError)) from exc
                        row.attempts += 1
                        row.error = type(exc).__name__[:200]
                        log.exception("event %s (%s) failed, attempt %d", row.webhook_event_id, row.event_type,
                                      row.attempts)
                        # Nothing the handler staged is kept: its savepoint was rolled back.
                        ctx = self._context(session, ctx.event, ctx.received_at)
                        if row.attempts >= MAX_ATTEMPTS:
                            row.status = EventStatus.failed
                            ctx.reply(self._dispatcher.help_message(T.INTERNAL_ERROR))
                            ctx.flush_replies(purpose="error")
                            self._gateway.lease(ctx.queued, claimed_at)
                            await session.flush()
                    else:
                        row.status = EventStatus.done
                        self._link_menus_after(ctx, session.info.pop(LINKS_DUE, None))
                    row.handled_at = claimed_at
                    outcomes[key] = True if key in more or row.status == EventStatus.pending else LAST
                    handled.append((key, ctx))
                    self._handled(key)
                self._cost(len(handled), loop.time() - began)
        return claimed_at

    def _start_sending(self, key: str, rows: list[OutboxMessage], claimed_at, after_commit) -> None:
        task = asyncio.create_task(self._send(rows, claimed_at, after_commit))
        self._sending.add(task)
        self._sending_for[key] = task

        def finished(done: asyncio.Task) -> None:
            self._sending.discard(done)
            if self._sending_for.get(key) is done:
                del self._sending_for[key]
            if len(self._sending) < MAX_SENDING:
                self._room.set()

        task.add_done_callback(finished)

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
        for callback in after_commit:
            try:
                await callback()
            except Exception:
                log.warning("after-commit work %s failed", getattr(callback, "__name__", callback), exc_info=True)

    def _context(self, session: AsyncSession, event: Event, received_at) -> Context:
        return Context(session=session, event=event, settings=self._settings, clock=self._clock,
                       received_at=received_at, gateway=self._gateway, sessions=self._sessions,
                       help_message=self._dispatcher.help_message)
