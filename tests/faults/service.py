"""`renkei serve` as real processes, a burst of signed webhooks sent the way LINE sends them,
and the counts that say whether anything was lost or sent twice.

The service runs as the operator runs it (`python -m bot.cli serve`, its background processes
on PostgreSQL), against the fake LINE platform over HTTP in the test's own process. LINE
redelivers a webhook that was not answered 200, so the burst does too, until every event is
acknowledged.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.fakeline import events as ev
from bot.fakeline.server import FakeLine
from tests.harness import ACCESS_TOKEN, CHANNEL_SECRET

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """`renkei serve` in a process of its own (and, on PostgreSQL, its background processes)."""

    def __init__(self, *, database_url: str, line: FakeLine, workdir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.env = {**os.environ, "DATABASE_URL": database_url, "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
                    "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_BASE_URL": line.url,
                    "RENKEI_ENVIRONMENT": "development", "WORKER_PROCESSES": "2",
                    # These tests count the messages' requests; rich menus have tests of their own.
                    "LINE_RICH_MENUS": "false", **env}
        self.process: subprocess.Popen | None = None
        self.runs = 0

    def start(self) -> float:
        """Start it and return once it answers (the time it did)."""
        self.runs += 1
        log = open(self.workdir / f"serve-{self.runs}.log", "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)],
                                        cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"renkei serve exited:\n{self.log_tail()}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).close()
                return time.time()
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.05)
        raise RuntimeError(f"renkei serve did not answer:\n{self.log_tail()}")

    def workers(self) -> list[int]:
        """The background processes `renkei serve` started (PostgreSQL)."""
        if self.process is None:
            return []
        children = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                children += [int(pid) for pid in (task / "children").read_text().split()]
            except OSError:
                pass
        return children

    def kill(self) -> None:
        """kill -9: the web server and its background processes, all at once, nothing cleaned up."""
        pids = [self.process.pid, *self.workers()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(10)
        for pid in pids[1:]:
            _wait_gone(pid)

    def stop(self) -> None:
        """A graceful stop (SIGTERM), as a service manager does it."""
        if self.process is not None and self.process.poll() is None:
            workers = self.workers()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
            for pid in workers:
                _wait_gone(pid)

    def log_tail(self, lines: int = 30) -> str:
        path = self.workdir / f"serve-{self.runs}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _wait_gone(pid: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


@dataclass
class Burst:
    """Signed webhooks to a service, each redelivered (as LINE does) until it is answered 200."""

    service: Service
    line: FakeLine
    events: list[dict] = field(default_factory=list)
    acknowledged: dict[str, float] = field(default_factory=dict)  # webhookEventId -> when (time.time())
    slowest_answer: float = 0.0  # seconds, of any one request
    answers: Counter = field(default_factory=Counter)  # status codes seen, "refused" for no connection
    posts: int = 0

    @classmethod
    def of_users(cls, service: Service, line: FakeLine, *, users: int, per_user: int, text_of=None) -> "Burst":
        burst = cls(service, line)
        t0 = int(time.time() * 1000)
        for n in range(per_user):
            for k in range(users):
                user = _user(k)
                burst.events.append(ev.text_message(user, text_of(k, n) if text_of else "ヘルプ",
                                                    timestamp_ms=t0 + n * 10 + k % 10))
        for event in burst.events:
            line.register_reply_token(event["replyToken"], event["source"]["userId"])
        return burst

    def send(self, events: list[dict] | None = None, *, concurrency: int = 16, deadline: float = 180.0) -> None:
        """Post every event (one per request) until each is acknowledged."""
        lock = threading.Lock()
        queue = list(events if events is not None else self.events)
        stop_at = time.monotonic() + deadline

        def post(event: dict) -> None:
            body = ev.body([event])
            signature = ev.sign(body, CHANNEL_SECRET)
            delay = 0.1
            while time.monotonic() < stop_at:
                started = time.monotonic()
                request = urllib.request.Request(self.service.url + "/callback", data=body, method="POST", headers={
                    "Content-Type": "application/json", "X-Line-Signature": signature})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status = response.status
                except urllib.error.HTTPError as exc:
                    status = exc.code
                except OSError:
                    status = "refused"
                with lock:
                    self.slowest_answer = max(self.slowest_answer, time.monotonic() - started)
                    self.posts += 1
                    self.answers[status] += 1
                    if status == 200:
                        self.acknowledged.setdefault(event["webhookEventId"], time.time())
                        return
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(post, queue))

    def start(self, **kwargs) -> threading.Thread:
        thread = threading.Thread(target=self.send, kwargs=kwargs, daemon=True)
        thread.start()
        return thread


def _user(k: int) -> str:
    return "U" + f"{k + 1:032x}"


@dataclass
class Tally:
    """What reached LINE for the burst's events: one answer each, by reply or by its push."""

    sent: int
    acknowledged: int
    handled: int
    delivered: int
    lost: list[str]
    duplicated: list[str]
    pushed: int
    rows_sent_undelivered: int
    unknown: int

    def line(self) -> str:
        return (f"sent {self.sent} acknowledged {self.acknowledged} handled {self.handled} delivered "
                f"{self.delivered} lost {len(self.lost)} duplicated {len(self.duplicated)} "
                f"(as push {self.pushed}, rows sent without delivery {self.rows_sent_undelivered}, "
                f"unknown {self.unknown})")


def delivered_by_event(burst: Burst) -> dict[str, int]:
    """How many answers LINE accepted for each acknowledged event (a reply with its token, or a
    push standing in for it, matched to the event by the user's order of events)."""
    by_token = Counter(r.json["replyToken"] for r in burst.line.requests
                       if r.path == REPLY and r.accepted)
    pushes = Counter(r.json["to"] for r in burst.line.requests if r.path == PUSH and r.accepted)
    counts = {}
    for event in burst.events:
        counts[event["webhookEventId"]] = by_token.get(event["replyToken"], 0)
    # A push stands in for a reply of that user's whose token had no accepted reply.
    for event in burst.events:
        user = event["source"]["userId"]
        if counts[event["webhookEventId"]] == 0 and pushes[user] > 0:
            pushes[user] -= 1
            counts[event["webhookEventId"]] = 1
    extra = sum(pushes.values())
    if extra:
        counts["(pushes beyond the events)"] = extra + 1
    return counts


def tally(burst: Burst, database_url: str) -> Tally:
    counts = delivered_by_event(burst)
    acked = set(burst.acknowledged)
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            done = {row[0] for row in conn.execute(text(
                "SELECT webhook_event_id FROM inbound_events WHERE status = 'done'"))}
            outbox = conn.execute(text("SELECT kind, status, last_status FROM outbox")).all()
    finally:
        engine.dispose()
    sent_undelivered = sum(1 for kind, status, last in outbox
                           if status == "sent" and not (last is not None and (200 <= last < 300 or last == 409)))
    return Tally(
        sent=len(burst.events), acknowledged=len(acked), handled=len(acked & done),
        delivered=sum(1 for key in acked if counts.get(key, 0) >= 1),
        lost=sorted(key for key in acked if counts.get(key, 0) == 0),
        duplicated=sorted(key for key, n in counts.items() if n > 1),
        pushed=sum(1 for r in burst.line.requests if r.path == PUSH and r.accepted),
        rows_sent_undelivered=sent_undelivered, unknown=sum(1 for _, status, _ in outbox if status == "unknown"))


def wait_until(predicate, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


class OwnPostgres:
    """A PostgreSQL server of the test's own in a temporary directory (stopped and started at
    will, unlike the shared one), run as `nobody` since PostgreSQL refuses to run as root."""

    def __init__(self) -> None:
        self.bindir = Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                          check=True).stdout.strip())
        self.dir = Path(tempfile.mkdtemp(prefix="renkei-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/renkei"

    def _as_nobody(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *argv], capture_output=True, text=True, check=check, cwd=self.dir)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody")
        self._as_nobody(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                        "--no-sync", "-E", "UTF8", "--locale=C")
        self.start()
        self._as_nobody(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "renkei")

    def start(self) -> None:
        self._as_nobody(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                        "-w", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                        "start")

    def stop(self) -> None:
        self._as_nobody(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def reply_delays(burst: Burst, since: float) -> list[float]:
    """Per answered event: seconds from its acknowledgement (or `since`, if later) to its answer."""
    answered = {}
    for r in burst.line.requests:
        if r.path == REPLY and r.accepted:
            answered.setdefault(r.json["replyToken"], r.at)
    delays = []
    for event in burst.events:
        at = answered.get(event["replyToken"])
        acked = burst.acknowledged.get(event["webhookEventId"])
        if at is not None and acked is not None:
            delays.append(at - max(acked, since))
    return delays
