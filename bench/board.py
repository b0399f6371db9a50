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
until the service had stored it (its answered_at). Exits 1 if an answer acknowledged is not
stored, or a page never shows one.
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
from bench.webhook import RENKEI, Database, Procs, free_port, tail, wait_http  # noqa: E402
from bot.fakeline import events as ev  # noqa: E402
from bot.fakeline.server import FakeLine  # noqa: E402

TOKEN = "bench-board-token"
ANSWERS = ("safe", "damaged", "help")
SHOW_LIMIT = 30.0  # seconds after the last answer for every page to show every answer
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
            data: list[str] = []
            reading = asyncio.ensure_future(stop.wait())
            while not stop.is_set():
                line_task = asyncio.ensure_future(response.content.readline())
                done, _ = await asyncio.wait({line_task, reading}, return_when=asyncio.FIRST_COMPLETED)
                if line_task not in done:
                    line_task.cancel()
                    break
                line = line_task.result().decode("utf-8")
                if not line:
                    break
                line = line.rstrip("\n")
                if line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif not line and data:
                    self.saw("\n".join(data), time.time())
                    data = []
            reading.cancel()


def sign_in(port: int, db_url: str, member_id: int, tmp: Path) -> str:
    """A one-time sign-in link for a staff member, as the command line prints it."""
    made = subprocess.run([RENKEI, "console", "link", "--member", str(member_id)], cwd=tmp, capture_output=True,
                          text=True, env={**os.environ, "DATABASE_URL": db_url,
                                          "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"})
    if made.returncode != 0:
        raise RuntimeError(f"renkei console link failed:\n{made.stdout}{made.stderr}")
    link = next(word for word in made.stdout.split() if word.startswith("http"))
    return link


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
                    asyncio.run(self.answer_and_watch(port, link, users, check_id, server))
                    self.measure(db, users, check_id)
                finally:
                    self.procs.stop(server)
                problems = [ln for ln in server.log_path.read_text(errors="replace").splitlines()
                            if " ERROR " in ln or ln.startswith(("ERROR", "Traceback"))]
                self.results["log_errors"] = len(problems)
                if problems:
                    print(f"  {self.kind}: first error in the server log: {problems[0][:200]}", file=sys.stderr)
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

    async def answer_and_watch(self, port: int, link: str, users: list[str], check_id: int, server) -> None:
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
            self.acked = 0
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
            deadline = time.monotonic() + SHOW_LIMIT
            while time.monotonic() < deadline:
                if all(sum(len(c) for c in page.reached.values()) >= len(users) for page in self.pages):
                    break
                if server.poll() is not None:
                    raise RuntimeError(f"renkei exited:\n{tail(server.log_path)}")
                await asyncio.sleep(0.2)
            stop.set()
            await asyncio.gather(*followers, return_exceptions=True)

    def measure(self, db: Database, users: list[str], check_id: int) -> None:
        rows = db.query("SELECT m.line_user_id, m.organization_id, a.answered_at FROM contact_check_answers a "
                        f"JOIN members m ON m.id = a.member_id WHERE a.check_id = {check_id}")
        stored = {user: (org, epoch(at)) for user, org, at in rows}
        handling = [stored[u][1] - self.posted[u] for u in users if u in stored and u in self.posted]
        by_org: dict[int, list[str]] = defaultdict(list)
        for user in users:
            if user in stored:
                by_org[stored[user][0]].append(user)
        shown, missing = [], 0
        for page in self.pages:
            for org, members in by_org.items():
                members.sort(key=lambda u: stored[u][1])
                for n, user in enumerate(members, 1):
                    seen = page.reached.get(org, {}).get(n)
                    if seen is None:
                        missing += 1
                    else:
                        shown.append(seen - self.posted[user])
        self.results.update(acked=self.acked, stored=len(stored), answering=self.answering, missing=missing,
                            handling_p50=statistics.median(handling) if handling else float("nan"),
                            handling_p99=percentile(handling, 0.99),
                            board_p50=statistics.median(shown) if shown else float("nan"),
                            board_p99=percentile(shown, 0.99), board_max=max(shown, default=float("nan")),
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
          f"following the board; fake LINE latency {opts.latency * 1000:.0f} ms; {os.cpu_count()} cores")
    print(f"{'database':<10}{'acked':>7}{'stored':>8}{'answer→stored p50/p99 s':>26}{'answer→board p50/p99 s':>25}"
          f"{'max s':>7}{'board events':>14}{'KB/page':>9}")
    for r in rows:
        print(f"{r['db']:<10}{r['acked']:>7}{r['stored']:>8}"
              f"{r['handling_p50']:>15.3f} /{r['handling_p99']:>7.3f}"
              f"{r['board_p50']:>15.3f} /{r['board_p99']:>7.3f}{r['board_max']:>7.2f}"
              f"{'/'.join(map(str, r['events'])):>14}{r['kb']:>9.0f}")
        print(f"  {r['db']}: the board adds {r['board_p50'] - r['handling_p50']:.3f} s at the median over the stored "
              f"answer (polled every 0.5 s); answers took {r['answering']:.1f} s to post; "
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
