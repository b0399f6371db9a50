"""The one gateway to LINE: the only module that talks to the Messaging API.

Messages reach LINE only through the outbox: a row is claimed with a lease (so two
processes never send it at once), sent with its retry key, and its outcome recorded.
"""

import asyncio
import json
import logging
import random
import ssl
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
from bot.line import sdk
from sqlalchemy import and_, bindparam, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.line.events import clean_text
from bot.line.outbox import PUSH_EVEN_IF_TWICE, quiet_hours_end
from bot.settings import Settings
from db.line_limits import limit_holds, record_limit_lifted, record_limit_reached
from db import richmenus
from db.models import OutboxKind, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

# A claim on a row lasts this long unless renewed: the process sending it renews its claims every
# HEARTBEAT_SECONDS while the request runs, so a process that dies (kill -9, a lost machine) lets
# go of its rows within seconds, well inside a reply token's life, and they go as replies still.
LEASE = timedelta(seconds=6)
HEARTBEAT_SECONDS = 2.0
# Recording an outcome while the database is away is retried this long, the claim held meanwhile.
RECORD_RETRY_SECONDS = 120.0
QUOTA_MAX_AGE = timedelta(minutes=10)
# LINE's 429 for the channel's monthly message limit, as against its rate limit's 429: retrying
# soon cannot help. Non-urgent rows are then held (kept pending, not claimed) until LINE's quota
# allows them again (read every Settings.line_quota_probe_seconds) or the month ends; urgent
# ones (see bot.line.outbox: replies, contact checks) are still tried, this often if refused.
MONTHLY_LIMIT_TEXT = "monthly limit"
MONTHLY_LIMIT_RETRY = timedelta(minutes=5)
# Requests to LINE in flight at once per process: at LINE's ~50 ms a reply, 128 carry a burst of
# 2,000 answers a second (the SDK's own connection pool, 5 per core, would hold it at 200).
CONCURRENCY = 128
# LINE's per-endpoint rate limits (requests per second), kept per process.
RATE_LIMITS = {OutboxKind.push: 2000, OutboxKind.multicast: 200, OutboxKind.reply: 2000}
# Linking rich menus to many users: 500 a request. LINE lists these endpoints under "other API
# endpoints" (2,000 requests a second); we stay far below, since a disaster's 5,000 members take
# only 10 requests, and a 429 is retried after its Retry-After like a message.
BULK_LINK_MAX_USERS = 500
BULK_LINK_PER_SECOND = 20
LINK_LEASE = timedelta(seconds=30)
LINK_MAX_ATTEMPTS = 10
LINK_BATCH = 5000  # claimed at a time; more are taken in further rounds
REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
MULTICAST_PATH = "/v2/bot/message/multicast"
MULTICAST_MAX_USERS = 500


# Where LINE's Messaging API is (the SDK's AsyncMessagingApi.line_base_path; tests/bot/line/test_sdk.py
# checks that they agree), for the requests posted here without the SDK.
LINE_API = "https://api.line.me"


def _import_sdk() -> None:
    """What _sdk uses of the SDK, imported (and kept by bot.line.sdk)."""
    for name in ("Configuration", "AsyncApiClient", "AsyncMessagingApi", "AsyncMessagingApiBlob", "ApiException"):
        getattr(sdk, name)


class RateLimit:
    """Spaces requests evenly so that no more than `per_second` start in any second."""

    def __init__(self, per_second: float) -> None:
        self._spacing = 1.0 / per_second
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + self._spacing
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass(frozen=True)
class Quota:
    """This month's message quota as LINE reports it; limit None means no limit."""

    limit: int | None
    used: int

    def left_after(self, count: int) -> int | None:
        return None if self.limit is None else self.limit - self.used - count


@dataclass(frozen=True)
class SendResult:
    status: int | None
    error: str | None = None
    retry_after: float | None = None
    refused: bool = False  # the connection was never made: LINE certainly does not have it

    @property
    def delivered(self) -> bool:
        # 409: LINE already accepted a request with this retry key.
        return self.status is not None and (200 <= self.status < 300 or self.status == 409)

    @property
    def undelivered(self) -> bool:
        """Not taken: LINE answered with an error (5xx included), or was never reached; a timeout may have been."""
        return not self.delivered and (self.refused or self.status is not None)

    @property
    def monthly_limit(self) -> bool:
        return self.status == 429 and MONTHLY_LIMIT_TEXT in (self.error or "").lower()

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status >= 500 or self.status == 429


def _error_text(body) -> str | None:
    if not body:
        return None
    try:
        return str(json.loads(body).get("message", ""))[:300] or None
    except (ValueError, AttributeError, TypeError):
        return None


def _unsent(exc: Exception) -> SendResult:
    """A message request that got no answer from LINE: refused (nothing was sent), or timed out (it may have been)."""
    if isinstance(exc, aiohttp.ClientConnectorError):  # refused, or no address
        return SendResult(None, type(exc).__name__, refused=True)
    return SendResult(None, type(exc).__name__)


def _retry_after(headers) -> float | None:
    value = (headers or {}).get("Retry-After") or (headers or {}).get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class LineGateway:
    def __init__(self, *, settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Clock,
                 max_attempts: int = 10, request_timeout: float = 10.0, concurrency: int = CONCURRENCY,
                 sweep_seconds: float = 1.0) -> None:
        self._settings = settings
        self._sessions = sessions
        self._clock = clock
        self.max_attempts = max_attempts
        self.request_timeout = request_timeout
        self._limit = asyncio.Semaphore(concurrency)
        self._concurrency = concurrency
        # Outcomes waiting to be written, several senders' in one transaction (group commit).
        self._outcomes: list[tuple[list[tuple[int, dict]], dict[int, int], asyncio.Future]] = []
        self._recorder: asyncio.Task | None = None
        # The recorder and the heartbeat update the same rows: taking turns (and each in id
        # order) keeps their transactions from deadlocking on each other.
        self._writing = asyncio.Lock()
        self._sweep_seconds = sweep_seconds
        self._http: aiohttp.ClientSession | None = None
        self._sdk_apis: tuple | None = None  # the SDK's clients, made when first needed (see _sdk)
        self._background: list[asyncio.Future] = []  # the SDK's import, its unused session's close: awaited on close
        self._sweeper: asyncio.Task | None = None
        self._rates = {kind: RateLimit(rate) for kind, rate in RATE_LIMITS.items()}
        self._bulk_rate = RateLimit(BULK_LINK_PER_SECOND)
        self._quota: tuple[datetime, Quota] | None = None
        # The rows this process has claimed and not yet recorded: id -> the attempt count of the
        # claim (which names the claim: a takeover elsewhere counts one more), and those whose
        # request has started (the others can be handed back as never attempted).
        self._held: dict[int, int] = {}
        self._started: set[int] = set()
        self._heartbeat: asyncio.Task | None = None
        # The month ("2026-12") in which LINE's monthly limit holds, as this process last knew it.
        self._limited_month: str | None = None
        self._limit_met = False

    async def start(self, *, sweep: bool = True) -> None:
        # The connections, for the requests posted here and the SDK's alike. aiohttp's trust_env
        # (which the SDK sets) reads the proxy variables and ~/.netrc anew for every request, in a
        # thread: a fifth of the CPU of a burst's replies. It is set only where a proxy is (what
        # it would find); the Authorization header is always ours, so .netrc is never needed.
        self._http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._concurrency, ssl=ssl.create_default_context()),
            trust_env=bool(urllib.request.getproxies()))
        # Where the SDK would send them (its host, else LINE's), with its token.
        self._host = self._settings.line_api_base_url or LINE_API
        self._authorization = f"Bearer {self._settings.line_channel_access_token}"
        # The SDK is imported beside start-up, in a thread: a check's first menu switch does not wait for it.
        self._background.append(asyncio.get_running_loop().run_in_executor(None, _import_sdk))
        if self._sessions is not None:
            self._heartbeat = asyncio.create_task(self._renew_forever(), name="outbox-heartbeat")
        if sweep and self._sweep_seconds > 0:
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="outbox-sweeper")

    def _sdk(self) -> tuple:
        """The SDK's Messaging API clients (messages, blobs), made when first needed: for rich menus,
        the quota and profiles. Importing the SDK takes half a second, which start-up and messages
        do without. They send on this gateway's connections."""
        if self._sdk_apis is None:
            config = sdk.Configuration(access_token=self._settings.line_channel_access_token, host=self._host)
            config.connection_pool_maxsize = self._concurrency
            client = sdk.AsyncApiClient(config)
            own, client.rest_client.pool_manager = client.rest_client.pool_manager, self._http
            self._background.append(asyncio.ensure_future(own.close()))  # never used
            self._sdk_apis = (sdk.AsyncMessagingApi(client), sdk.AsyncMessagingApiBlob(client))
        return self._sdk_apis

    @property
    def _api(self):
        return self._sdk()[0]

    @property
    def _blob(self):
        return self._sdk()[1]

    async def close(self) -> None:
        """Stop sweeping and hand back what this process still holds, so another takes it at once."""
        for task in (self._sweeper, self._heartbeat):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        if self._recorder is not None and not self._recorder.done():
            # Outcomes of requests LINE answered are written before the claims are handed back.
            await asyncio.wait([self._recorder], timeout=self.request_timeout)
            self._recorder.cancel()
            await asyncio.gather(self._recorder, return_exceptions=True)
        try:
            await self.release_held()
        except Exception:
            log.warning("could not hand back %d claimed outbox rows; their leases run out instead", len(self._held))
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._http is not None:
            await self._http.close()

    async def release_held(self) -> None:
        """End this process's claims: rows whose request never started go back as not attempted."""
        if not self._held:
            return
        held, started = dict(self._held), set(self._started)
        async with self._sessions() as session, session.begin():
            for row_id, attempts in held.items():
                values = {"lease_until": None}
                if row_id not in started:
                    values["attempts"] = attempts - 1
                await session.execute(update(OutboxMessage).where(
                    OutboxMessage.id == row_id, OutboxMessage.attempts == attempts,
                    OutboxMessage.status == OutboxStatus.pending).values(**values))
        for row_id in held:
            self._held.pop(row_id, None)

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                await self.renew_leases()
            except Exception:
                log.warning("renewing outbox leases failed", exc_info=True)

    async def renew_leases(self) -> None:
        """Push back the leases of every row this process is still sending."""
        if not self._held:
            return
        by_claim: dict[int, list[int]] = {}
        for row_id, attempts in list(self._held.items()):
            by_claim.setdefault(attempts, []).append(row_id)
        until = self._clock.now() + LEASE
        async with self._writing, self._sessions() as session, session.begin():
            for attempts, ids in sorted(by_claim.items()):
                await session.execute(update(OutboxMessage).where(
                    OutboxMessage.id.in_(ids), OutboxMessage.attempts == attempts,
                    OutboxMessage.status == OutboxStatus.pending).values(lease_until=until))

    async def _sweep_forever(self) -> None:
        loop = asyncio.get_running_loop()
        probed = None
        while True:
            await asyncio.sleep(self._sweep_seconds)
            try:
                if probed is None or loop.time() - probed >= self._settings.line_quota_probe_seconds:
                    probed = loop.time()
                    await self.refresh_quota()
                await self.load_limit()
                await self.deliver_due()
                await self.sync_menu_links()
            except Exception:
                log.exception("outbox sweep failed")

    # LINE's monthly limit

    def month(self, moment: datetime | None = None) -> str:
        """The month LINE counts messages in, as "2026-12"."""
        return (moment or self._clock.now()).astimezone(self._settings.tz).strftime("%Y-%m")

    def limited_month(self) -> str | None:
        """This month, if LINE's monthly limit holds now (as this process last knew), else None."""
        month = self.month()
        return month if self._limited_month == month else None

    async def load_limit(self) -> None:
        """Learn from the database whether the limit holds (another process may have met it)."""
        month = self.month()
        async with self._sessions() as session:
            self._limited_month = month if await limit_holds(session, month=month) else None

    async def _limit_reached(self) -> None:
        now = self._clock.now()
        month = self.month(now)
        async with self._sessions() as session, session.begin():
            await record_limit_reached(session, month=month, now=now)
        if self._limited_month != month:
            log.warning("LINE's monthly message limit is reached: pushes that are not urgent are held")
        self._limited_month = month

    async def _lift_limit(self) -> None:
        """LINE's quota allows pushes again: release what was held, now."""
        now = self._clock.now()
        self._limited_month = None
        async with self._sessions() as session, session.begin():
            if await record_limit_lifted(session, month=self.month(now), now=now):
                log.info("LINE's monthly message limit no longer holds: held pushes go now")
            await session.execute(update(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.pending, OutboxMessage.last_status == 429,
                OutboxMessage.next_attempt_at > now, OutboxMessage.last_error.like(f"%{MONTHLY_LIMIT_TEXT}%"))
                .values(next_attempt_at=now))

    def _sendable(self):
        """While the monthly limit holds, only urgent rows are claimed; the others wait, kept."""
        if self.limited_month() is None:
            return true()
        return or_(OutboxMessage.urgent.is_(True), OutboxMessage.kind == OutboxKind.reply)

    # Reading from LINE

    async def _read(self, what: str, call, *args):
        """One GET from LINE; None when it does not answer (404 is an answer: not allowed, not there)."""
        try:
            return await call(*args, _request_timeout=self.request_timeout)
        except sdk.ApiException as exc:
            if exc.status != 404:
                log.warning("%s lookup failed with HTTP %s", what, exc.status)
        except (TimeoutError, aiohttp.ClientError) as exc:
            log.warning("%s lookup failed: %s", what, type(exc).__name__)
        return None

    async def display_name(self, user_id: str) -> str | None:
        """The user's LINE display name, or None when LINE does not give it."""
        profile = await self._read("profile", self._api.get_profile, user_id)
        return clean_text(profile.display_name) if profile else None

    async def group_name(self, group_id: str) -> str | None:
        summary = await self._read("group summary", self._api.get_group_summary, group_id)
        return clean_text(summary.group_name) if summary else None

    async def refresh_quota(self) -> Quota | None:
        """Read the quota from LINE into the cache that handlers read without waiting; when the
        monthly limit was met and the quota now has room (raised, or a new month), lift it."""
        quota = await self.quota()
        if quota is not None:
            self._quota = (self._clock.now(), quota)
            if self._sessions is not None and (quota.limit is None or quota.used < quota.limit):
                async with self._sessions() as session:
                    held = await limit_holds(session, month=self.month())
                if held:
                    await self._lift_limit()
        return quota

    def cached_quota(self) -> Quota | None:
        """The quota as last read, if recent: handlers must not call LINE inside their transaction."""
        if self._quota is None or self._clock.now() - self._quota[0] > QUOTA_MAX_AGE:
            return None
        return self._quota[1]

    async def quota(self) -> Quota | None:
        """This month's quota and consumption, or None when LINE does not answer."""
        quota = await self._read("quota", self._api.get_message_quota)
        usage = await self._read("quota consumption", self._api.get_message_quota_consumption) if quota else None
        if usage is None:
            return None
        limit = quota.value if quota.type == "limited" else None
        return Quota(limit=limit, used=usage.total_usage)

    # Sending through the outbox

    @staticmethod
    def _claimable(now: datetime):
        """Pending, due, and not leased by anyone."""
        return and_(OutboxMessage.status == OutboxStatus.pending, OutboxMessage.next_attempt_at <= now,
                    or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until <= now))

    async def deliver_due(self, limit: int = 500) -> int:
        """Send every outbox row that is due; returns how many were attempted."""
        now = self._clock.now()
        async with self._sessions() as session:
            ids = list(await session.scalars(
                select(OutboxMessage.id).where(self._claimable(now), self._sendable())
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            ))
        await self.deliver(ids)
        return len(ids)

    async def deliver(self, ids: list[int]) -> None:
        """Send these outbox rows now, those due and not claimed elsewhere."""
        if not ids:
            return
        now = self._clock.now()
        await self.deliver_claimed(await self.claim(ids, now), now)

    @staticmethod
    def lease(rows: list[OutboxMessage], now: datetime) -> None:
        """Claim rows in the transaction that queues them, for the caller to deliver after its commit."""
        for row in rows:
            row.lease_until, row.attempts = now + LEASE, row.attempts + 1

    async def deliver_claimed(self, rows: list[OutboxMessage], claimed_at: datetime) -> None:
        """Send rows leased at `claimed_at` and record the outcomes.

        One commit for the whole batch; if the process dies before it, the leases (renewed
        meanwhile by the heartbeat) run out within seconds and the rows go again, pushes with
        their retry keys, which LINE answers with 409. An outcome lands only on its own claim
        (the attempt count it was claimed with): a row taken over elsewhere is that claim's.
        """
        if not rows:
            return
        claims = {row.id: row.attempts for row in rows}
        self._held.update(claims)
        try:
            outcomes = await asyncio.gather(*(self._deliver_one(row, claimed_at) for row in rows))
            await self._record(outcomes, claims)
            if self._limit_met:
                self._limit_met = False
                await self._limit_reached()
        except asyncio.CancelledError:
            raise  # the process is stopping: close() hands the rows back
        except BaseException:
            self._let_go(claims)
            raise
        self._let_go(claims)

    def _let_go(self, claims: dict[int, int]) -> None:
        for row_id, attempts in claims.items():
            if self._held.get(row_id) == attempts:
                del self._held[row_id]
            self._started.discard(row_id)

    async def _record(self, outcomes: list[tuple[int, dict]], claims: dict[int, int]) -> None:
        """Write the outcomes, with those of every other sender waiting meanwhile (one transaction)."""
        future = asyncio.get_running_loop().create_future()
        self._outcomes.append((outcomes, claims, future))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._record_pending(), name="outbox-recorder")
        await asyncio.shield(future)

    async def _record_pending(self) -> None:
        while self._outcomes:
            batch, self._outcomes = self._outcomes, []
            try:
                await self._write_outcomes([(row_id, values, claims[row_id])
                                            for outcomes, claims, _ in batch for row_id, values in outcomes])
            except Exception as exc:
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for _, _, future in batch:
                if not future.done():
                    future.set_result(None)

    async def _write_outcomes(self, outcomes: list[tuple[int, dict, int]]) -> None:
        """One transaction; while the database is away, keep trying (the claims stay held).

        An outcome lands only on its own claim (the attempt count it was claimed with). Rows
        that change the same columns go in one statement with many parameter sets.
        """
        groups: dict[tuple, list[dict]] = {}
        for row_id, values, attempts in sorted(outcomes, key=lambda outcome: outcome[0]):
            params = {f"v_{name}": value for name, value in values.items()}
            params.update(w_id=row_id, w_attempts=attempts)
            groups.setdefault(tuple(sorted(values)), []).append(params)
        table = OutboxMessage.__table__
        delay, deadline = 0.5, asyncio.get_running_loop().time() + RECORD_RETRY_SECONDS
        while True:
            try:
                async with self._writing, self._sessions() as session, session.begin():
                    for names, params in groups.items():
                        await session.execute(
                            table.update()
                            .where(table.c.id == bindparam("w_id"), table.c.attempts == bindparam("w_attempts"),
                                   table.c.status == OutboxStatus.pending)
                            .values({name: bindparam(f"v_{name}", type_=table.c[name].type) for name in names}),
                            params)
                return
            except Exception:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                log.warning("recording %d outbox outcomes failed; trying again", len(outcomes), exc_info=True)
                await asyncio.sleep(delay)
                # Soon after the database is back: past the lease, another process may take the row over.
                delay = min(delay * 2, 1.0)

    async def claim(self, ids: list[int], now: datetime) -> list[OutboxMessage]:
        """Lease the rows (one statement, one commit) so no other process sends them meanwhile.

        The claim counts the attempt: if the process dies after sending and before recording,
        the next claim sees that an attempt of unknown outcome was made.
        """
        async with self._sessions() as session, session.begin():
            claimed = list(await session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([i for i in ids if i not in self._held]), self._claimable(now),
                       self._sendable())
                .values(lease_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
                .returning(OutboxMessage.id)))
            if not claimed:
                return []
            rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                                         .order_by(OutboxMessage.id))
            return list(rows)

    async def _deliver_one(self, row: OutboxMessage, now: datetime) -> tuple[int, dict]:
        """Send one claimed row; returns the changes to record for it."""
        async with self._limit:
            if row.kind != OutboxKind.reply and not row.urgent:
                held_until = quiet_hours_end(now, self._settings)
                if held_until is not None:
                    return row.id, {"next_attempt_at": held_until, "lease_until": None, "attempts": row.attempts - 1}
            self._started.add(row.id)
            if row.kind == OutboxKind.reply:
                return row.id, await self._reply(row, now)
            return row.id, self._outcome(row, await self._send(row), {})

    async def _reply(self, row: OutboxMessage, now: datetime) -> dict:
        """Reply with the token; when LINE will not take it, push instead, unless the reply may have gone.

        A reply has no retry key: after an attempt whose outcome is unknown (a timeout, a
        process that died before recording), a rejected token most likely means the reply was
        delivered, and pushing it again would send it twice. An answer from LINE, a 5xx
        included, says it did not take the request: its error statuses are not sent after
        accepting one.
        """
        maybe_delivered = row.attempts - 1 > row.undelivered_attempts  # this claim counts one attempt
        if row.reply_token_expires_at > now:
            result = await self._send(row)
            if result.status != 400:
                return self._outcome(row, result, {})
        if maybe_delivered and row.purpose not in PUSH_EVEN_IF_TWICE:
            return {"status": OutboxStatus.unknown, "lease_until": None,
                    "last_error": "an earlier attempt may have reached LINE; not pushed, to not send it twice"}
        # Stale, or refused before anything could have reached the user, or worth a duplicate: push it.
        changes = self._as_push(row)
        return self._outcome(row, await self._send(row), changes)

    @staticmethod
    def _as_push(row: OutboxMessage) -> dict:
        row.kind, row.reply_token = OutboxKind.push, None
        return {"kind": OutboxKind.push, "reply_token": None}

    async def _send(self, row: OutboxMessage) -> SendResult:
        await self._rates[row.kind].wait()
        if row.kind == OutboxKind.reply:
            return await self._post(REPLY_PATH, {"replyToken": row.reply_token, "messages": row.messages})
        if row.kind == OutboxKind.push:
            return await self._post(PUSH_PATH, {"to": row.recipients[0], "messages": row.messages}, row.retry_key)
        to = row.recipients
        if not 1 <= len(to) <= MULTICAST_MAX_USERS or not all(isinstance(user, str) for user in to):
            # Sending it again cannot help: LINE takes 1 to 500 user ids.
            return SendResult(0, f"invalid request: a multicast to {len(to)} recipients")
        return await self._post(MULTICAST_PATH, {"to": to, "messages": row.messages}, row.retry_key)

    async def _post(self, path: str, body: dict, retry_key: str | None = None) -> SendResult:
        """A reply, a push or a multicast, its JSON written here and posted on the gateway's own connections.

        These are the requests of a burst (a check's questions, an answer's confirmation each): the
        SDK would build its models of the messages, write them back out and read LINE's answer into
        models again, milliseconds of CPU a request (a multicast's 500 ids and its messages: more
        than the 5 ms between two multicasts at LINE's 200 a second). The body is the outbox's JSON,
        made by bot.line.messages and checked against LINE's schema by the fake platform.
        """
        headers = {"Authorization": self._authorization, "Content-Type": "application/json"}
        if retry_key:
            headers["X-Line-Retry-Key"] = retry_key
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            async with self._http.post(
                    self._host + path, data=data, headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.request_timeout)) as response:
                answer = await response.read()
                if 200 <= response.status < 300:
                    return SendResult(response.status)
                return SendResult(response.status, _error_text(answer), _retry_after(response.headers))
        except (TimeoutError, aiohttp.ClientError) as exc:
            return _unsent(exc)

    def _backoff(self, attempts: int, result: SendResult) -> timedelta:
        if result.status == 429:
            seconds = result.retry_after or min(60 * 2 ** (attempts - 1), 3600)
        else:
            seconds = min(2 ** attempts, 300)
        return timedelta(seconds=seconds * random.uniform(1.0, 1.25))

    def _outcome(self, row: OutboxMessage, result: SendResult, changes: dict) -> dict:
        now = self._clock.now()
        attempts = row.attempts
        values = {**changes, "last_status": result.status, "last_error": result.error, "lease_until": None}
        if result.monthly_limit:
            # Kept, not failed, and not counted as an attempt: it waits for the quota.
            self._limit_met = True
            values.update(next_attempt_at=now + MONTHLY_LIMIT_RETRY, attempts=attempts - 1)
            return values
        if result.undelivered:
            values["undelivered_attempts"] = row.undelivered_attempts + 1
        if result.delivered:
            values.update(status=OutboxStatus.sent, sent_at=now)
        elif result.retryable and attempts < self.max_attempts:
            values.update(next_attempt_at=now + self._backoff(attempts, result))
        else:
            values.update(status=OutboxStatus.failed)
            log.warning("outbox %s (%s, %s) failed for good: HTTP %s", row.id, row.kind, row.purpose, result.status)
        return values

    # Rich menus

    async def _call(self, what: str, call, *args, expected: tuple[int, ...] = (), **kwargs) -> tuple[SendResult, object]:
        """One rich-menu request to LINE: its outcome, and what LINE answered when it took it (an
        `expected` status is an answer, not a failure to log)."""
        try:
            answer = await call(*args, _request_timeout=self.request_timeout, **kwargs)
        except sdk.ApiException as exc:
            if exc.status not in expected:
                log.warning("%s failed with HTTP %s", what, exc.status)
            return SendResult(exc.status, _error_text(exc.body), _retry_after(exc.headers)), None
        except aiohttp.ClientConnectorError as exc:
            return SendResult(None, type(exc).__name__, refused=True), None
        except (TimeoutError, aiohttp.ClientError) as exc:
            log.warning("%s failed: %s", what, type(exc).__name__)
            return SendResult(None, type(exc).__name__), None
        return SendResult(200), answer

    async def rich_menus(self) -> dict[str, str] | None:
        """The channel's rich menus, name -> id; None when LINE does not answer."""
        result, answer = await self._call("rich menu list", self._api.get_rich_menu_list)
        return {menu.name: menu.rich_menu_id for menu in answer.richmenus} if result.delivered else None

    async def create_rich_menu(self, body: dict) -> str | None:
        result, answer = await self._call("rich menu creation", self._api.create_rich_menu,
                                          sdk.RichMenuRequest.from_dict(body))
        return answer.rich_menu_id if result.delivered else None

    async def upload_rich_menu_image(self, rich_menu_id: str, image: bytes, content_type: str) -> bool:
        result, _ = await self._call("rich menu image upload", self._blob.set_rich_menu_image, rich_menu_id,
                                     image, _headers={"Content-Type": content_type})
        return result.delivered

    async def rich_menu_aliases(self) -> dict[str, str] | None:
        """Alias -> rich menu id; None when LINE does not answer."""
        result, answer = await self._call("rich menu alias list", self._api.get_rich_menu_alias_list)
        return {a.rich_menu_alias_id: a.rich_menu_id for a in answer.aliases} if result.delivered else None

    async def point_rich_menu_alias(self, alias: str, rich_menu_id: str, *, exists: bool) -> bool:
        if exists:
            result, _ = await self._call("rich menu alias update", self._api.update_rich_menu_alias, alias,
                                         sdk.UpdateRichMenuAliasRequest(rich_menu_id=rich_menu_id))
        else:
            result, _ = await self._call("rich menu alias creation", self._api.create_rich_menu_alias,
                                         sdk.CreateRichMenuAliasRequest(rich_menu_alias_id=alias, rich_menu_id=rich_menu_id))
        return result.delivered

    async def default_rich_menu(self) -> str | None:
        # 404: the channel has no default menu yet.
        result, answer = await self._call("default rich menu", self._api.get_default_rich_menu_id, expected=(404,))
        return answer.rich_menu_id if result.delivered else None

    async def set_default_rich_menu(self, rich_menu_id: str) -> bool:
        result, _ = await self._call("setting the default rich menu", self._api.set_default_rich_menu, rich_menu_id)
        return result.delivered

    async def sync_menu_links(self, line_user_ids: list[str] | None = None) -> int:
        """Send LINE the menus users should now see and do not have (all due ones, or these users'):
        one bulk request per 500 users of a menu. Returns how many users LINE took."""
        if not self._settings.line_rich_menus:
            return 0
        taken, held_back = 0, False
        while True:
            now = self._clock.now()
            async with self._sessions() as session, session.begin():
                ids = await richmenus.menu_ids(session)
                claimed = await richmenus.claim_links(session, now, lease=LINK_LEASE, line_user_ids=line_user_ids,
                                                      limit=LINK_BATCH)
            for menu, users in claimed.items():
                if menu != richmenus.GUEST and menu is not None and menu not in ids:
                    async with self._sessions() as session, session.begin():
                        await richmenus.release_links(session, users)  # its menu is not on LINE yet
                    held_back = True
                    continue
                for part in (users[i:i + BULK_LINK_MAX_USERS] for i in range(0, len(users), BULK_LINK_MAX_USERS)):
                    taken += await self._link(part, menu, ids.get(menu))
            if held_back or sum(map(len, claimed.values())) < LINK_BATCH:
                return taken

    async def _link(self, users: list[str], menu: str | None, rich_menu_id: str | None) -> int:
        if menu is None:  # they left: nothing to link, LINE shows them nothing of ours
            result = SendResult(200)
        else:
            await self._bulk_rate.wait()
            if rich_menu_id is None:  # guests see the channel's default menu
                result, _ = await self._call("rich menu bulk unlink", self._api.unlink_rich_menu_id_from_users,
                                             sdk.RichMenuBulkUnlinkRequest(user_ids=users))
            else:
                result, _ = await self._call("rich menu bulk link", self._api.link_rich_menu_id_to_users,
                                             sdk.RichMenuBulkLinkRequest(rich_menu_id=rich_menu_id, user_ids=users))
        async with self._sessions() as session, session.begin():
            if result.delivered:
                await richmenus.record_linked(session, users, menu)
                return len(users)
            attempts = max(await richmenus.link_attempts(session, users), 1)
            retry_at = (self._clock.now() + self._backoff(attempts, result)
                        if result.retryable and attempts < LINK_MAX_ATTEMPTS else None)
            await richmenus.record_link_failed(session, users, retry_at=retry_at,
                                               error=f"HTTP {result.status}: {result.error or ''}"[:300])
        return 0

    async def rich_menu_has_image(self, rich_menu_id: str) -> bool:
        result, _ = await self._call("rich menu image download", self._blob.get_rich_menu_image, rich_menu_id)
        return result.delivered
