"""A fake LINE Messaging API over real HTTP, for the test suite and the local simulator."""

import asyncio
import json
from datetime import datetime, timedelta
import random
import re
import secrets
import socket
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.clock import Clock, SystemClock
from bot.fakeline.events import new_message_id
from bot.fakeline.richmenus import RichMenus, is_content_path
from bot.fakeline.schema import MessagingSchema, find_spec_dir

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"
MULTICAST = "/v2/bot/message/multicast"
NARROWCAST = "/v2/bot/message/narrowcast"
BROADCAST = "/v2/bot/message/broadcast"
SENDS = (PUSH, MULTICAST, NARROWCAST, BROADCAST)  # the paths that take an X-Line-Retry-Key
MESSAGE_PATHS = (REPLY, *SENDS)

# Message types LINE returns a quoteToken for, so they can be quoted later.
_QUOTABLE = {"text", "textV2", "sticker", "image", "video"}
_CHAT_ID = re.compile(r"^[UCR][0-9a-f]{32}$")
_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_PROFILE = re.compile(r"^/v2/bot/profile/([^/]+)$")
_GROUP_SUMMARY = re.compile(r"^/v2/bot/group/([^/]+)/summary$")

_REASONS = {
    400: "Bad request",
    401: "Authentication failed due to the following reason: invalid token. "
         "Confirm that the access token in the authorization header is valid.",
    403: "Access to this API is not available for your account",
    404: "Not found",
    409: "The retry key is already accepted",
    429: "Too many requests",
    500: "Internal server error",
}


@dataclass
class RecordedRequest:
    """One request the fake received, and what it answered."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    json: Any
    status: int
    schema_errors: list[str]
    at: float
    request_id: str
    response: Any = None
    recipients: tuple[str, ...] = ()  # who got the messages; empty when unknown (reply, broadcast)

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class _Fault:
    status: int
    body: dict | None
    headers: dict[str, str] = field(default_factory=dict)


class FakeLine:
    """A fake LINE platform: `with FakeLine(access_token="tok") as line: ... line.url ...`."""

    def __init__(self, access_token: str = "test-access-token", *, host: str = "127.0.0.1", port: int = 0,
                 check_schema: bool = True, check_ids: bool = True, strict_reply_tokens: bool = False,
                 on_record: Callable[[RecordedRequest], None] | None = None, clock: Clock | None = None) -> None:
        self.access_token = access_token
        self._own_clock = clock or SystemClock()
        self.host, self.port = host, port
        spec_dir = find_spec_dir() if check_schema else None
        self._schema = MessagingSchema(spec_dir) if spec_dir else None
        self.check_ids = check_ids
        self.strict_reply_tokens = strict_reply_tokens
        self.on_record = on_record
        self._lock = threading.RLock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None  # created on the server's own loop
        self._app = Starlette(routes=[Route("/{path:path}", self._handle,
                                            methods=["GET", "POST", "PUT", "DELETE"])])
        self.reset()

    @property
    def schema_checked(self) -> bool:
        return self._schema is not None

    @property
    def lock(self) -> threading.RLock:
        """Held while a request is processed: hold it to read or change the platform's state."""
        return self._lock

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # Lifecycle

    def start(self) -> "FakeLine":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self._app, log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="fakeline", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake LINE server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            if self._stopping is not None:
                self._loop.call_soon_threadsafe(self._stopping.set)
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = self._thread = self._loop = self._stopping = None

    def __enter__(self) -> "FakeLine":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # Programming the platform

    def reset(self) -> None:
        """Forget all requests, faults, profiles, tokens and retry keys, and any test's clock."""
        with self._lock:
            # What holds a request (hang_next) waits on: a test gives its own and moves it.
            self.clock: Clock = self._own_clock
            self._requests: list[RecordedRequest] = []
            self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
            self._hangs: dict[str, deque[datetime]] = defaultdict(deque)
            self._chaos: tuple[float, tuple[int, ...], random.Random] | None = None
            self._profiles: dict[str, dict] = {}
            self._groups: dict[str, dict] = {}
            self._reply_owners: dict[str, str] = {}
            self._used_tokens: set[str] = set()
            self._expired_tokens: set[str] = set()
            self._retry_keys: dict[str, tuple[str, Any]] = {}
            self.quota: int | None = None
            self.total_usage = 0
            self.rich_menus = RichMenus()
            # Real seconds before every answer, to keep requests in flight; the clock does not move these.
            self.latency = 0.0

    def set_profile(self, user_id: str, display_name: str, picture_url: str | None = None,
                    status_message: str | None = None, language: str | None = None) -> None:
        profile = {"userId": user_id, "displayName": display_name, "pictureUrl": picture_url,
                   "statusMessage": status_message, "language": language}
        with self._lock:
            self._profiles[user_id] = {k: v for k, v in profile.items() if v is not None}

    def set_group(self, group_id: str, name: str, picture_url: str | None = None) -> None:
        summary = {"groupId": group_id, "groupName": name, "pictureUrl": picture_url}
        with self._lock:
            self._groups[group_id] = {k: v for k, v in summary.items() if v is not None}

    def set_quota(self, value: int | None) -> None:
        """A monthly limit on pushed messages; None means no limit."""
        with self._lock:
            self.quota = value

    def register_reply_token(self, token: str, to: str) -> None:
        """Tell the fake whom a reply token answers, so replies count as messages to them."""
        with self._lock:
            self._reply_owners[token] = to

    def register_events(self, events: Iterable[dict]) -> None:
        """Register the reply tokens of webhook events built with bot.fakeline.events."""
        for event in events:
            if "replyToken" in event:
                source = event.get("source", {})
                owner = source.get("groupId") or source.get("roomId") or source.get("userId")
                if owner:
                    self.register_reply_token(event["replyToken"], owner)

    def expire_reply_token(self, token: str) -> None:
        with self._lock:
            self._expired_tokens.add(token)

    def fail_next(self, path: str, status: int, times: int = 1, body: dict | None = None,
                  headers: dict[str, str] | None = None) -> None:
        """Answer the next `times` requests to `path` with `status` instead of processing them."""
        with self._lock:
            for _ in range(times):
                self._faults[path].append(_Fault(status, body, dict(headers or {})))

    def fail_randomly(self, rate: float, statuses: tuple[int, ...] = (500, 429), seed: int = 0) -> None:
        """Fail this share of all requests (0 turns it off), reproducibly from `seed`."""
        with self._lock:
            self._chaos = (rate, tuple(statuses), random.Random(seed)) if rate > 0 else None

    def hang_next(self, path: str, seconds: float) -> None:
        """Hold the next request to `path` until `clock` reads `seconds` past now (then process it,
        as LINE may after a client timeout).

        Counted from this call, not from the request's arrival, so that a test that moves its
        clock knows the request is released whenever it got here.
        """
        with self._lock:
            self._hangs[path].append(self.clock.now() + timedelta(seconds=seconds))

    # Inspecting what happened

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def sent(self, path: str | None = None) -> list[RecordedRequest]:
        """Accepted (2xx) requests, optionally to one path."""
        return [r for r in self.requests if r.accepted and (path is None or r.path == path)]

    def replies(self) -> list[RecordedRequest]:
        return self.sent(REPLY)

    def deliveries(self) -> list[tuple[tuple[str, ...], dict]]:
        """(recipients, message) for every message accepted, in order."""
        return [(r.recipients, m) for r in self.sent() if r.path in MESSAGE_PATHS
                for m in r.json["messages"]]

    def messages_to(self, chat_id: str) -> list[dict]:
        return [m for to, m in self.deliveries() if chat_id in to]

    def texts(self) -> list[tuple[tuple[str, ...], str]]:
        """(recipients, text) for every text message accepted, in order."""
        return [(to, m["text"]) for to, m in self.deliveries() if m.get("type") in ("text", "textV2")]

    def schema_errors(self) -> list[str]:
        return [e for r in self.requests for e in r.schema_errors]

    def assert_no_schema_errors(self) -> None:
        bad = [f"{r.method} {r.path}: {e}" for r in self.requests for e in r.schema_errors]
        assert not bad, "requests the real LINE platform would reject:\n" + "\n".join(bad)

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01):
        """Poll until predicate() is truthy and return it (blocks: not for the app's own loop)."""
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            time.sleep(interval)
        return value

    async def wait_for_async(self, predicate: Callable[[], Any], timeout: float = 5.0,
                             interval: float = 0.01):
        """Like wait_for, but lets the event loop run meanwhile."""
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(interval)
        return value

    # Serving

    async def _handle(self, request: Request) -> JSONResponse:
        raw = await request.body()
        path, method = request.url.path, request.method
        headers = {k.lower(): v for k, v in request.headers.items()}
        request_id = str(uuid.uuid4())
        with self._lock:
            held_until = self._hangs[path].popleft() if self._hangs.get(path) else None
        if held_until is not None:
            await self._unless_stopped(self.clock.sleep_until(held_until))
        if self.latency:
            await self._unless_stopped(asyncio.sleep(self.latency))
        with self._lock:
            record = RecordedRequest(method, path, headers, raw, None, 0, [], time.time(), request_id)
            status, payload, extra = self._process(record)
            record.status, record.response = status, payload
            self._requests.append(record)
        if self.on_record is not None:
            self.on_record(record)
        headers = {"x-line-request-id": request_id, **extra}
        if isinstance(payload, tuple):  # a blob: (bytes, content type)
            return Response(payload[0], status, headers=headers, media_type=payload[1])
        return JSONResponse(payload, status, headers=headers)

    async def _unless_stopped(self, waiting) -> None:
        """Wait, but wake when the server stops, so a held request does not delay shutdown."""
        if self._stopping is None:
            self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        tasks = [asyncio.ensure_future(waiting), asyncio.ensure_future(self._stopping.wait())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()

    def _process(self, r: RecordedRequest) -> tuple[int, Any, dict]:
        """Decide the answer to one request; runs under the lock."""
        try:
            blob = is_content_path(r.path)
            r.json, bad_json = (json.loads(r.body) if r.body and not blob else None), False
        except ValueError:
            bad_json = True  # reported below, once the request is authenticated
        fault = self._faults[r.path].popleft() if self._faults.get(r.path) else None
        if fault is None and self._chaos and self._chaos[2].random() < self._chaos[0]:
            fault = _Fault(self._chaos[2].choice(self._chaos[1]), None)
        if fault is not None:
            body = fault.body if fault.body is not None else {"message": _REASONS.get(fault.status, "Error")}
            return fault.status, body, fault.headers
        if r.headers.get("authorization") != f"Bearer {self.access_token}":
            return 401, {"message": _REASONS[401]}, {}
        if bad_json:
            r.schema_errors.append("(body): not valid JSON")
            return 400, {"message": "The request body has 1 error(s)",
                         "details": [{"message": "not valid JSON", "property": "(body)"}]}, {}
        handler = self._route(r.method, r.path)
        if handler is None:
            if self._schema and self._schema.operation(r.method, r.path) is None:
                r.schema_errors.append(f"{r.method} {r.path}: no such operation in the Messaging API")
            return 404, {"message": _REASONS[404]}, {}
        if self._schema is not None:
            r.schema_errors += self._schema.validate_request(r.method, r.path, r.headers, r.json)
        else:
            r.schema_errors += self._shape_errors(r.path, r.json)
        r.schema_errors += self._id_errors(r.path, r.json)
        r.schema_errors += _picker_errors(r.json)
        if r.schema_errors:
            details = [dict(zip(("property", "message"), e.split(": ", 1))) for e in r.schema_errors]
            return 400, {"message": f"The request body has {len(details)} error(s)", "details": details}, {}
        return handler(r)

    def _route(self, method: str, path: str):
        if method == "POST" and path == REPLY:
            return self._reply
        if method == "POST" and path in SENDS:
            return self._send
        if method == "GET" and path == "/v2/bot/message/quota":
            return lambda r: (200, {"type": "none"} if self.quota is None
                              else {"type": "limited", "value": self.quota}, {})
        if method == "GET" and path == "/v2/bot/message/quota/consumption":
            return lambda r: (200, {"totalUsage": self.total_usage}, {})
        if method == "GET" and (m := _PROFILE.match(path)):
            return lambda r: self._found(self._profiles.get(m.group(1)))
        if method == "GET" and (m := _GROUP_SUMMARY.match(path)):
            return lambda r: self._found(self._groups.get(m.group(1)))
        return self.rich_menus.route(method, path)

    @staticmethod
    def _found(item: dict | None) -> tuple[int, Any, dict]:
        return (200, item, {}) if item is not None else (404, {"message": _REASONS[404]}, {})

    @staticmethod
    def _shape_errors(path: str, data) -> list[str]:
        """The least the handlers rely on, checked when the spec is not available."""
        if path not in MESSAGE_PATHS:
            return []
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            return ["messages: is required"]
        need = {REPLY: ("replyToken", str), PUSH: ("to", str), MULTICAST: ("to", list)}.get(path)
        if need and not isinstance(data.get(need[0]), need[1]):
            return [f"{need[0]}: is required"]
        return []

    def _id_errors(self, path: str, data) -> list[str]:
        """LINE also rejects ids that cannot exist; the spec only says 'string'."""
        if not self.check_ids or not isinstance(data, dict):
            return []
        if path == PUSH and isinstance(data.get("to"), str) and not _CHAT_ID.match(data["to"]):
            return ["to: is not a valid user, group or room id"]
        if path == MULTICAST and isinstance(data.get("to"), list):
            return [f"to[{i}]: is not a valid user id" for i, to in enumerate(data["to"])
                    if not isinstance(to, str) or not _USER_ID.match(to)]
        return []

    @staticmethod
    def _sent_messages(messages: list[dict]) -> list[dict]:
        return [{"id": new_message_id(),
                 **({"quoteToken": secrets.token_urlsafe(48)} if m.get("type") in _QUOTABLE else {})}
                for m in messages]

    def _reply(self, r: RecordedRequest) -> tuple[int, Any, dict]:
        token = r.json["replyToken"]
        if (token in self._used_tokens or token in self._expired_tokens
                or (self.strict_reply_tokens and token not in self._reply_owners)):
            return 400, {"message": "Invalid reply token"}, {}
        self._used_tokens.add(token)
        owner = self._reply_owners.get(token)
        r.recipients = (owner,) if owner else ()
        return 200, {"sentMessages": self._sent_messages(r.json["messages"])}, {}

    def _send(self, r: RecordedRequest) -> tuple[int, Any, dict]:
        key = r.headers.get("x-line-retry-key")
        if key is not None and key in self._retry_keys:
            accepted_id, response = self._retry_keys[key]
            body = {"message": _REASONS[409], **({"sentMessages": response["sentMessages"]}
                                                 if "sentMessages" in response else {})}
            return 409, body, {"x-line-accepted-request-id": accepted_id}
        if r.path == PUSH:
            r.recipients = (r.json["to"],)
        elif r.path == MULTICAST:
            r.recipients = tuple(r.json["to"])
        # Narrowcast and broadcast reach followers: count the profiles the fake knows.
        audience = len(r.recipients) if r.path in (PUSH, MULTICAST) else len(self._profiles)
        usage = audience * len(r.json["messages"])
        if self.quota is not None and self.total_usage + usage > self.quota:
            return 429, {"message": "You have reached your monthly limit."}, {}
        self.total_usage += usage
        status, response = 200, {}
        if r.path == PUSH:
            response = {"sentMessages": self._sent_messages(r.json["messages"])}
        elif r.path == NARROWCAST:
            status = 202
        if key is not None:
            self._retry_keys[key] = (r.request_id, response)
        return status, response, {}


_PICKER_FORMATS = {"date": "%Y-%m-%d", "time": "%H:%M", "datetime": "%Y-%m-%dT%H:%M"}


def _picker_errors(data, where: str = "") -> list[str]:
    """LINE rejects a date-time picker whose initial, min and max are malformed or out of order
    (max after min, initial between them); the schema only says 'string'."""
    errors = []
    if isinstance(data, list):
        for i, item in enumerate(data):
            errors += _picker_errors(item, f"{where}[{i}]")
    elif isinstance(data, dict):
        if data.get("type") == "datetimepicker":
            fmt = _PICKER_FORMATS.get(data.get("mode"), "")
            values = {}
            for key in ("initial", "min", "max"):
                if key in data:
                    try:
                        values[key] = datetime.strptime(data[key].replace("t", "T"), fmt)
                    except (ValueError, AttributeError):
                        errors.append(f"{where}.{key}: {data[key]!r} is not a {data.get('mode')} value")
            if "min" in values and "max" in values and not values["min"] < values["max"]:
                errors.append(f"{where}: max must be after min")
            if "initial" in values and not (values.get("min", values["initial"]) <= values["initial"]
                                            <= values.get("max", values["initial"])):
                errors.append(f"{where}.initial: must be between min and max")
        for key, value in data.items():
            errors += _picker_errors(value, f"{where}.{key}" if where else key)
    return errors
