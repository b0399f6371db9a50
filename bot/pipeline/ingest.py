"""Storing webhook events durably before the webhook is acknowledged.

Requests that arrive while a write is in progress are committed together in the next
write (group commit), so the cost of a durable commit is shared by all of them.
"""

import asyncio
import json
import logging
from collections.abc import Callable

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.line.events import actor_key, event_id, storable
from db.models import EventStatus, InboundEvent

log = logging.getLogger(__name__)

_TABLE = InboundEvent.__table__


def _insert_ignoring_duplicates(dialect: str):
    if dialect == "postgresql":
        return pg_insert(_TABLE).on_conflict_do_nothing(index_elements=["webhook_event_id"])
    if dialect == "sqlite":
        return sqlite_insert(_TABLE).on_conflict_do_nothing(index_elements=["webhook_event_id"])
    return insert(_TABLE)


class EventIngest:
    def __init__(self, engine: AsyncEngine, clock: Clock, on_stored: Callable[..., None]) -> None:
        """`on_stored(keys, taps=...)` is told whose events were stored, and which of them only tapped."""
        self._engine = engine
        self._clock = clock
        self._on_stored = on_stored
        self._statement = _insert_ignoring_duplicates(engine.dialect.name)
        self._pending: list[tuple[list[dict], asyncio.Future]] = []
        self._writer: asyncio.Task | None = None

    def rows(self, events: list[dict]) -> list[dict]:
        """The rows to store for one request's events; ValueError if any cannot be a LINE event.

        Refusing such a request here, before the shared insert of concurrent requests, is what
        keeps one bad event from failing its neighbours' writes.
        """
        now = self._clock.now()
        rows = []
        for event in map(storable, events):
            rows.append({
                "webhook_event_id": event_id(event),
                "actor_key": actor_key(event),
                "event_type": str(event.get("type", ""))[:40],
                "event_time_ms": int(event.get("timestamp") or 0),
                "received_at": now,
                "payload": json.dumps(event, ensure_ascii=False, separators=(",", ":")),
                "status": EventStatus.pending,
                "attempts": 0,
            })
        return rows

    async def store(self, rows: list[dict]) -> None:
        """Return once these rows (from `rows()`) are committed; duplicates of stored events are dropped."""
        if not rows:
            return
        future = asyncio.get_running_loop().create_future()
        self._pending.append((rows, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending())
        await future

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            rows = [row for rows, _ in batch for row in rows]
            try:
                async with self._engine.begin() as conn:
                    await conn.execute(self._statement, rows)
            except Exception as exc:
                log.exception("storing %d webhook events failed", len(rows))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for _, future in batch:
                if not future.done():
                    future.set_result(None)
            keys = {row["actor_key"] for row in rows}
            talking = {row["actor_key"] for row in rows if row["event_type"] != "postback"}
            self._on_stored(keys, taps=keys - talking)

    async def close(self) -> None:
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)
