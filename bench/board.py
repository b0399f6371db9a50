"""The live contact-check board while 2,000 members answer within a minute.

    .venv/bin/python bench/board.py [--members 2000] [--seconds 60] [--clients 3] [--db sqlite|postgres|both]

Per database, `renkei serve` runs as its own process (on PostgreSQL its workers, which handle
the answers, are further processes) against a fake LINE platform in this process, as
bench/contact_check.py runs it (its seed, and bench/webhook.py's processes and databases):

1. A check to every member is started over the HTTP API, and the questions handed to LINE.
2. `--clients` staff pages sign in with a one-time link (`renkei console link`) and follow the
   board's server-sent events (GET /console/checks/{id}/events), as the browser does.
3. Every member answers once, each answer its own signed webhook request, spread evenly over
   `--seconds`, from this process.

Printed, at the median and p99 over every answer and page: the time from posting the answer
until a page received a board that shows it (each organization's row carries its count of
answers), against the baseline measured in the same run: the time from posting the answer
until a reader of the database (this process, polling every 0.1 s) sees it stored, which is
as soon as any board could know. Exits 1 if an answer acknowledged is not stored, or a page
never shows one.
"""

import argparse
import asyncio
import math
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.contact_check import MULTICAST, post_json, seed  # noqa: E402
from bench.webhook import RENKEI, Database, Procs, free_port, log_errors, tail, wait_http  # noqa: E402
from bot.fakeline import events as ev  # noqa: E402
from bot.fakeline.server import FakeLine  # noqa: E402

TOKEN = "bench-board-token"
ANSWERS = ("safe", "damaged", "help")
HANDLE_LIMIT = 600.0  # seconds after the last answer for every answer to be stored
SHOW_LIMIT = 30.0  # seconds after that for every page to show every answer
DB_POLL = 0.1  # how often the baseline reads which answers are stored
ORG_ROW = re.compile(r'data-org="(\d+)" data-answered="(\d+)"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))] if ordered else float("nan")


class Page:
    """One staff page following the board: when each organization's count of answers reached each value."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.reached: dict[int, dict[int, float]] = defaultdict(dict)  # org -> count -> first time seen
        self.events = 0
        self.bytes = 0
        self.connected = asyncio.Event()

    def saw(self, html: str, at: float) -> None:
        self.events += 1
        self.bytes += len(html)
        for org, count in ORG_ROW.findall(html):
            counts = self.reached[int(org)]
            for n in range(1, int(count) + 1):
                counts.setdefault(n, at)

    async def follow(self, session: aiohttp.ClientSession, url: str, stop: asyncio.Event) -> None:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=None, sock_read=None)) as response:
            if response.status != 200:
                raise RuntimeError(f"page {self.index}: the board's events answered {response.status}")
            self.connected.set()
            buffer = b""
            async for chunk in response.content.iter_any():  # an event can be longer than a line reader takes
                buffer += chunk
                *events, buffer = buffer.split(b"\n\n")
                at = time.time()
                for event in events:
                    data = [line[5:].removeprefix(b" ") for line in event.split(b"\n") if line.startswith(b"data:")]
                    if data:
                        self.saw(b"\n".join(data).decode("utf-8"), at)
                if stop.is_set():
                    break


def sign_in(port: int, db_url: str, member_id: int, tmp: Path) -> str:
    """A one-time sign-in link for a staff member, as the command line prints it."""
    made = subprocess.run([RENKEI, "console", "link", "--member", str(member_id)], cwd=tmp, capture_output=True,
                          text=True, env={**os.environ, "DATABASE_URL": db_url,
                                          "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"})
    if made.returncode != 0:
        raise RuntimeError(f"renkei console link failed:\n{made.stdout}{made.stderr}")
    return next(word for word in made.stdout.split() if word.startswith("http"))


def make_staff(db: Database, member_id: int) -> None:
    """The member who signs in to the console (the seed makes none)."""
    if db.kind == "postgres":
        import psycopg
        with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={db.name}") as conn:
            conn.execute("UPDATE members SET is_staff = true WHERE id = %s", (member_id,))
        return
    import sqlite3
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute("UPDATE members SET is_staff = 1 WHERE id = ?", (member_id,))
    conn.close()


def epoch(at) -> float:
    """A stored time (a datetime from PostgreSQL, UTC text from SQLite) as seconds since the epoch."""
    moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


class Run:
    def __init__(self, kind: str, opts, tmp: Path, procs: Procs) -> None:
        self.kind, self.opts, self.tmp, self.procs = kind, opts, tmp, procs
        self.secret = secrets.token_hex(16)
        self.api_token = secrets.token_hex(16)
        self.asked: Counter = Counter()
        self.all_asked = threading.Event()
        self.results: dict = {"db": kind}

    def _record(self, record) -> None:
        if record.path == MULTICAST and 200 <= record.status < 300:
            self.asked.update(record.json["to"])
            if len(self.asked) >= self.opts.members:
                self.all_asked.set()

    def go(self) -> dict:
        db = Database(self.kind, self.tmp)
        try:
            db.create()
            db.upgrade(self.tmp)
            users = seed(db.url, self.opts.members)
            make_staff(db, 1)
            with FakeLine(TOKEN, check_schema=False, on_record=self._record) as line:
                line.latency = self.opts.latency
                port = free_port()
                env = {"DATABASE_URL": db.url, "LINE_CHANNEL_SECRET": self.secret, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                       "LINE_API_BASE_URL": line.url, "RENKEI_API_TOKEN": self.api_token,
                       "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
                server = self.procs.start(f"renkei-board-{self.kind}", [RENKEI, "serve", "--port", str(port)], env=env)
                try:
                    wait_http(f"http://127.0.0.1:{port}/healthz", server)
                    check_id = self.start_check(port)
                    link = sign_in(port, db.url, 1, self.tmp)
                    asyncio.run(self.answer_and_watch(port, db, link, users, check_id, server))
                    self.measure()
                finally:
                    self.procs.stop(server)
                self.results["log_errors"] = log_errors(server.log_path, self.kind)
        finally:
            db.drop()
        return self.results

    def start_check(self, port: int) -> int:
        import json

        status, body = post_json(f"http://127.0.0.1:{port}/api/contact-checks", b'{"segment": "all", "drill": true}',
                                 self.api_token)
        if status != 201:
            raise RuntimeError(f"starting the check answered {status}: {body[:200]!r}")
        if not self.all_asked.wait(120):
            raise RuntimeError(f"only {len(self.asked)} members were asked within 120 s")
        return int(json.loads(body)["id"])

    async def answer_and_watch(self, port: int, db: Database, link: str, users: list[str], check_id: int,
                               server) -> None:
        base = f"http://127.0.0.1:{port}"
        jar = aiohttp.CookieJar(unsafe=True)
        stop = asyncio.Event()
        self.pages = [Page(i) for i in range(self.opts.clients)]
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            # The link's page posts itself at once (a link preview that only fetches it signs nobody in).
            async with session.post(link, allow_redirects=True) as signed:
                if signed.status != 200 or not any(c.key for c in jar):
                    raise RuntimeError(f"signing in answered {signed.status}")
            followers = [asyncio.create_task(page.follow(session, f"{base}/console/checks/{check_id}/events", stop))
                         for page in self.pages]
            await asyncio.wait_for(asyncio.gather(*(page.connected.wait() for page in self.pages)), 20)
            self.posted: dict[str, float] = {}
            self.visible: dict[str, float] = {}
            self.org_of: dict[str, int] = {}
            self.acked = 0
            watching = asyncio.create_task(self.watch_database(db, check_id))
            gap = self.opts.seconds / len(users)
            start = time.monotonic()
            now_ms = time.time_ns() // 1_000_000
            async with aiohttp.ClientSession() as poster:
                async def post(i: int, user: str) -> None:
                    await asyncio.sleep(max(0.0, start + i * gap - time.monotonic()))
                    event = ev.postback(user, f"chk:ans:{check_id}:{ANSWERS[i % 3]}", timestamp_ms=now_ms + i)
                    body = ev.body([event])
                    self.posted[user] = time.time()
                    async with poster.post(f"{base}/callback", data=body, headers={
                            "Content-Type": "application/json", "X-Line-Signature": ev.sign(body, self.secret)}) as r:
                        if r.status == 200:
                            self.acked += 1
                await asyncio.gather(*(post(i, user) for i, user in enumerate(users)))
            self.answering = time.monotonic() - start
            deadline = time.monotonic() + HANDLE_LIMIT
            while len(self.visible) < self.acked and time.monotonic() < deadline:
                if server.poll() is not None:
                    raise RuntimeError(f"renkei exited:\n{tail(server.log_path)}")
                await asyncio.sleep(0.2)
            deadline = time.monotonic() + SHOW_LIMIT
            while time.monotonic() < deadline:
                if all(sum(len(c) for c in page.reached.values()) >= len(self.visible) for page in self.pages):
                    break
                await asyncio.sleep(0.2)
            stop.set()
            for follower in followers:
                follower.cancel()
            await asyncio.gather(*followers, return_exceptions=True)
            watching.cancel()

    async def watch_database(self, db: Database, check_id: int) -> None:
        """When each answer became visible to a reader of the database (committed): the baseline."""
        sql = ("SELECT m.line_user_id, m.organization_id FROM contact_check_answers a "
               f"JOIN members m ON m.id = a.member_id WHERE a.check_id = {check_id}")
        while True:
            rows = await asyncio.to_thread(db.query, sql)
            at = time.time()
            for user, org in rows:
                if user not in self.visible:
                    self.visible[user] = at
                    self.org_of[user] = org
            await asyncio.sleep(DB_POLL)

    def measure(self) -> None:
        stored = [u for u in self.visible if u in self.posted]
        handling = [self.visible[u] - self.posted[u] for u in stored]
        by_org: dict[int, list[str]] = defaultdict(list)
        for user in sorted(stored, key=self.visible.get):
            by_org[self.org_of[user]].append(user)
        shown, lag, missing = [], [], 0
        for page in self.pages:
            for org, members in by_org.items():
                for n, user in enumerate(members, 1):  # the n-th answer of an organization to become visible
                    seen = page.reached.get(org, {}).get(n)
                    if seen is None:
                        missing += 1
                    else:
                        shown.append(seen - self.posted[user])
                        lag.append(seen - self.visible[user])
        self.results.update(acked=self.acked, stored=len(stored), answering=self.answering, missing=missing,
                            handling_p50=statistics.median(handling) if handling else float("nan"),
                            handling_p99=percentile(handling, 0.99),
                            board_p50=statistics.median(shown) if shown else float("nan"),
                            board_p99=percentile(shown, 0.99), board_max=max(shown, default=float("nan")),
                            lag_p50=statistics.median(lag) if lag else float("nan"), lag_p99=percentile(lag, 0.99),
                            events=[p.events for p in self.pages],
                            kb=sum(p.bytes for p in self.pages) / 1024 / max(1, len(self.pages)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60.0, help="the answers are spread over this long")
    parser.add_argument("--clients", type=int, default=3, help="staff pages following the board")
    parser.add_argument("--latency", type=float, default=0.05, help="the fake LINE's answer delay, seconds")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    opts = parser.parse_args()
    load = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="renkei-board-bench-"))
    procs = Procs(tmp)
    rows = []
    try:
        for kind in (["sqlite", "postgres"] if opts.db == "both" else [opts.db]):
            rows.append(Run(kind, opts, tmp, procs).go())
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)

    ok = True
    print(f"live board: {opts.members:,} members answering within {opts.seconds:.0f} s, {opts.clients} page(s) "
          f"following the board; fake LINE latency {opts.latency * 1000:.0f} ms; {os.cpu_count()} cores; "
          f"load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"{'database':<10}{'acked':>7}{'stored':>8}{'answer→stored p50/p99 s':>26}{'answer→board p50/p99 s':>25}"
          f"{'max s':>7}{'board events':>14}{'KB/page':>9}")
    for r in rows:
        print(f"{r['db']:<10}{r['acked']:>7}{r['stored']:>8}"
              f"{r['handling_p50']:>15.3f} /{r['handling_p99']:>7.3f}"
              f"{r['board_p50']:>15.3f} /{r['board_p99']:>7.3f}{r['board_max']:>7.2f}"
              f"{'/'.join(map(str, r['events'])):>14}{r['kb']:>9.0f}")
        print(f"  {r['db']}: from stored to shown on a board: p50 {r['lag_p50']:.3f} s, p99 {r['lag_p99']:.3f} s "
              f"(the board reads the check's version every 0.5 s); answers took {r['answering']:.1f} s to post; "
              f"server log errors {r['log_errors']}")
        if r["stored"] != r["acked"] or r["acked"] != opts.members:
            ok = False
            print(f"  {r['db']}: FAIL: {r['acked']} acknowledged, {r['stored']} stored of {opts.members}")
        if r["missing"]:
            ok = False
            print(f"  {r['db']}: FAIL: {r['missing']} answer(s) never shown on a page")
    print("every answer shown on every page" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
