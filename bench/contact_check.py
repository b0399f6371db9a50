"""A contact check (安否確認) to 10,000 members: the questions out, then the answers in.

    .venv/bin/python bench/contact_check.py [--members 10000] [--latency 0.05] [--db sqlite|postgres|both]
                                            [--questions-only]

Needs `wrk` (apt-get install wrk; not for `--questions-only`) and, for postgres, PostgreSQL at 127.0.0.1:5432 as
bench/webhook.py does. Per database, with `renkei serve` running as its own process
against a fake LINE platform (in this process, answering each call after `--latency`):

1. Questions: once the service has started up (its rich menus made and every member's linked),
   POST /api/contact-checks (everyone), timed until LINE has accepted the
   question for every member. Printed against the floor (ceil(N/500) multicast calls at
   LINE's 200 calls/s, plus one latency) and against a baseline in the same run: the same
   multicast bodies posted straight to the fake with aiohttp (no database, no outbox).
2. Answers: every member answers once, each answer its own signed webhook request, posted by
   wrk (another process) over 32 connections as fast as the service acknowledges them.
   Printed: answers/s and p99 of the acknowledgement, then the time until every answer was
   handled, and the count of answers stored, which must equal the count acknowledged.
   The fake LINE keeps answering the replies after `--latency`, as the real one takes its time.
   The baseline: the same bodies against line-bot-sdk's FastAPI example shape
   (bench/baseline_app.py: verify and parse, store nothing), served the same way.
   Meanwhile `--chat` members (200; registered after the check started, so not asked) chat:
   each sends a text, waits for the reply, reads it and types the next (`--think` seconds, 3-8 by
   default; 0.5-1.5 was the first version's, a member typing faster than anyone does), again; printed: the median and
   p90 of their reply times. And the CPU time the service (server and workers) used, per
   1,000 answers. `--profile DIR` samples the service with py-spy (bench/profile_top.py).
`--questions-only` measures the questions alone (no answers, no chat, no SDK example): seconds a database.
Exits 1 if an answer acknowledged with 200 is not stored, or a member was not asked once.
"""

import argparse
import asyncio
import json
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import TOKEN as FANOUT_TOKEN  # noqa: E402
from bench.fanout import baseline as multicast_baseline  # noqa: E402
from bench.webhook import PY, RENKEI, Database, Procs, cpu_seconds, free_port, log_errors, run_wrk, tail, wait_http  # noqa: E402
from bot.fakeline import events as ev  # noqa: E402
from bot.fakeline.server import FakeLine  # noqa: E402

MULTICAST = "/v2/bot/message/multicast"
CONNECTIONS = 32
HANDLE_LIMIT = 900.0  # seconds to wait for the answers to be handled
ANSWERS = ("safe", "damaged", "help")


def seed(url: str, members: int, first_org: int = 0) -> list[str]:
    """Members of 2,000-odd organizations, every one a primary contact (so every one is asked)."""
    from sqlalchemy import insert

    from db.engine import create_engine
    from db.models import Member, Organization

    users = [ev.new_user_id() for _ in range(members)]
    orgs = max(1, members // 5)

    async def work() -> None:
        engine = create_engine(url)
        now = datetime.now(UTC)
        async with engine.begin() as conn:
            await conn.execute(insert(Organization), [
                {"name": f"団体{first_org + i}", "org_type": "npo", "created_at": now} for i in range(orgs)])
            await conn.execute(insert(Member), [
                {"line_user_id": user, "organization_id": first_org + 1 + i % orgs, "name": f"会員{i}", "fields": ["防災"],
                 "role": "primary", "is_staff": False, "needs": [], "offers": [],
                 "status": "active", "registered_at": now, "updated_at": now} for i, user in enumerate(users)])
        await engine.dispose()

    asyncio.run(work())
    return users


class Chat:
    """Members chatting while the answers flood in: each sends a text, waits for the reply, pauses, again.

    Their latency is from posting the webhook to the reply reaching the fake LINE.
    """

    TEXTS = ("ヘルプ", "こんにちは")

    def __init__(self, url: str, users: list[str], secret: str, think: tuple[float, float]) -> None:
        self.url, self.users, self.secret, self.think = url, users, secret, think
        self.latencies: list[float] = []
        self.lost = 0
        self._waiting: dict[str, tuple[float, asyncio.Future]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), name="chat", daemon=True)

    def record(self, record) -> None:
        """Called by the fake LINE (its thread) for every request it answered."""
        if record.path != "/v2/bot/message/reply" or self._loop is None:
            return
        waiting = self._waiting.pop((record.json or {}).get("replyToken"), None)
        if waiting is not None:
            self.latencies.append(time.perf_counter() - waiting[0])
            if not self._loop.is_closed():
                self._loop.call_soon_threadsafe(lambda: waiting[1].done() or waiting[1].set_result(None))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    async def _run(self) -> None:
        import aiohttp

        self._loop = asyncio.get_running_loop()
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(self._member(http, user, i) for i, user in enumerate(self.users)))

    async def _member(self, http, user: str, i: int) -> None:
        import random

        import aiohttp

        await asyncio.sleep(random.uniform(0, 1.0))
        while not self._stop.is_set():
            event = ev.text_message(user, self.TEXTS[i % 2])
            i += 1
            body = ev.body([event])
            done = self._loop.create_future()
            self._waiting[event["replyToken"]] = (time.perf_counter(), done)
            try:
                async with http.post(self.url, data=body, headers={
                        "X-Line-Signature": ev.sign(body, self.secret), "Content-Type": "application/json"}) as response:
                    await response.read()
                    if response.status != 200:
                        raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
                await asyncio.wait_for(done, 60)
            except (TimeoutError, aiohttp.ClientError):
                self.lost += 1  # not acknowledged, or no reply within a minute: counted apart
                self._waiting.pop(event["replyToken"], None)
            await asyncio.sleep(random.uniform(*self.think))

    def summary(self) -> dict:
        import statistics

        if not self.latencies:
            return {"chat_n": 0, "chat_p50": float("nan"), "chat_p90": float("nan"), "chat_lost": self.lost}
        ordered = sorted(self.latencies)
        return {"chat_n": len(ordered), "chat_p50": statistics.median(ordered),
                "chat_p90": ordered[int(0.9 * (len(ordered) - 1))], "chat_lost": self.lost}


def write_answers(directory: Path, users: list[str], check_id: int, secret: str) -> None:
    """bodies_<t>.txt per wrk connection: `signature<TAB>body`, one answer per request."""
    directory.mkdir(parents=True, exist_ok=True)
    now_ms = time.time_ns() // 1_000_000
    lines: list[list[str]] = [[] for _ in range(CONNECTIONS)]
    for i, user in enumerate(users):
        event = ev.postback(user, f"chk:ans:{check_id}:{ANSWERS[i % 3]}", timestamp_ms=now_ms + i)
        body = ev.body([event])
        lines[i % CONNECTIONS].append(ev.sign(body, secret) + "\t" + body.decode("utf-8"))
    for t, chunk in enumerate(lines):
        (directory / f"bodies_{t}.txt").write_text("\n".join(chunk) + "\n", encoding="utf-8")


def post_json(url: str, body: bytes, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read()


class Run:
    def __init__(self, kind: str, opts, tmp: Path, procs: Procs) -> None:
        self.kind, self.opts, self.tmp, self.procs = kind, opts, tmp, procs
        self.secret = secrets.token_hex(16)
        self.token = FANOUT_TOKEN  # the token the multicast baseline sends
        self.api_token = secrets.token_hex(16)
        self.results: dict = {"db": kind}
        self._multicast_done = threading.Event()
        self._asked: Counter = Counter()
        self._last_multicast = 0.0
        self.chat: Chat | None = None

    def _record(self, record) -> None:
        if self.chat is not None:
            self.chat.record(record)
        if record.path == MULTICAST and 200 <= record.status < 300:
            self._asked.update(record.json["to"])
            self._last_multicast = time.perf_counter()
            if len(self._asked) >= self.opts.members:
                self._multicast_done.set()

    def go(self) -> dict:
        db = Database(self.kind, self.tmp)
        try:
            db.create()
            db.upgrade(self.tmp)
            env = {"DATABASE_URL": db.url}
            users = seed(db.url, self.opts.members)
            with FakeLine(self.token, check_schema=False, on_record=self._record) as line:
                line.latency = self.opts.latency
                port = free_port()
                env.update(LINE_CHANNEL_SECRET=self.secret, LINE_CHANNEL_ACCESS_TOKEN=self.token,
                           LINE_API_BASE_URL=line.url, RENKEI_API_TOKEN=self.api_token)
                server = self.procs.start(f"renkei-{self.kind}", [RENKEI, "serve", "--port", str(port)], env=env)
                try:
                    wait_http(f"http://127.0.0.1:{port}/healthz", server)
                    self.results["settled"] = settled(db, self.opts.members, server)
                    check_id = self.questions(port, line)
                    if not self.opts.questions_only:
                        # Members who join after the check started (so it does not ask them) chat meanwhile.
                        chatting = seed(db.url, self.opts.chat, first_org=max(1, self.opts.members // 5)) \
                            if self.opts.chat else []
                        self.chat = Chat(f"http://127.0.0.1:{port}/callback", chatting, self.secret, self.opts.think)
                        self.answers(port, db, users, check_id, server)
                finally:
                    self.procs.stop(server)
                if self.opts.keep_logs:
                    Path(self.opts.keep_logs).mkdir(parents=True, exist_ok=True)
                    shutil.copy(server.log_path, Path(self.opts.keep_logs) / server.log_path.name)
                self.results["log_errors"] = log_errors(server.log_path, self.kind)
        finally:
            db.drop()
        return self.results

    def questions(self, port: int, line: FakeLine) -> int:
        started = time.perf_counter()
        status, body = post_json(f"http://127.0.0.1:{port}/api/contact-checks", b'{"segment": "all"}',
                                 self.api_token)
        answered = time.perf_counter()
        if status != 201:
            raise RuntimeError(f"starting the check answered {status}: {body[:200]!r}")
        if not self._multicast_done.wait(120):
            raise RuntimeError(f"only {len(self._asked)} members were asked within 120 s")
        calls = line.sent(MULTICAST)
        bodies = [call.json for call in calls]
        self.results.update(handoff=self._last_multicast - started, api=answered - started, calls=len(calls),
                            asked_once=set(self._asked.values()) == {1} and len(self._asked) == self.opts.members,
                            floor=math.ceil(self.opts.members / 500) / 200 + self.opts.latency)
        line.reset()
        line.latency = self.opts.latency
        self.results["baseline"] = asyncio.run(multicast_baseline(line, bodies))
        return int(json.loads(body)["id"])

    def answers(self, port: int, db: Database, users: list[str], check_id: int, server) -> None:
        directory = self.tmp / f"answers-{self.kind}"
        write_answers(directory, users, check_id, self.secret)
        profiler = start_profile(self.opts.profile, self.kind, server.pid)
        self.chat.start()
        cpu_before = tree_cpu(server.pid)
        load = run_wrk(f"http://127.0.0.1:{port}", directory, 600, CONNECTIONS, cycle=False)
        loaded = time.monotonic()
        self.results.update(rps=load.rps, p50=load.p50, p99=load.p99, accepted=load.ok, non200=dict(load.non200),
                            socket_errors=load.socket_errors)
        # The answers are the postbacks (the chat's events are texts), their replies those of purpose check-answer.
        stored_events = db.query("SELECT count(*) FROM inbound_events WHERE event_type = 'postback'")[0][0]
        while time.monotonic() - loaded < HANDLE_LIMIT:
            pending = db.query("SELECT count(*) FROM inbound_events WHERE event_type = 'postback' "
                               "AND status = 'pending'")[0][0]
            if pending == 0 and db.query("SELECT count(*) FROM outbox WHERE status = 'pending' "
                                         "AND purpose = 'check-answer'")[0][0] == 0:
                break
            if server.poll() is not None:
                raise RuntimeError(f"renkei exited:\n{tail(server.log_path)}")
            time.sleep(0.5)
        handled_at = time.monotonic()
        cpu = tree_cpu(server.pid) - cpu_before
        self.chat.stop()
        self.results.update(self.chat.summary())
        stop_profile(profiler)
        answers = db.query(f"SELECT count(*) FROM contact_check_answers WHERE check_id = {check_id}")[0][0]
        answered = db.query(f"SELECT count(*) FROM contact_check_targets WHERE check_id = {check_id} "
                            "AND status IS NOT NULL")[0][0]
        kinds = dict(db.query("SELECT kind, count(*) FROM outbox WHERE purpose = 'check-answer' GROUP BY kind"))
        self.results.update(stored_events=stored_events, answers=answers, answered=answered,
                            drain=handled_at - loaded, handled_rate=answers / (handled_at - loaded + load.window),
                            replies=kinds.get("reply", 0), pushes=kinds.get("push", 0),
                            cpu_per_1000=1000 * cpu / max(answers, 1),
                            events=dict(db.query("SELECT status, count(*) FROM inbound_events "
                                                 "WHERE event_type = 'postback' GROUP BY status")))
        shutil.rmtree(directory, ignore_errors=True)


def settled(db: Database, members: int, server, timeout: float = 120.0) -> float:
    """Wait until the service has done what it does once started (its rich menus made on LINE, every
    member's linked): a check starts on a service that runs, not one starting. Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        links, due = db.query("SELECT count(*), count(next_attempt_at) FROM rich_menu_links")[0]
        if links >= members and due == 0:
            return time.monotonic() - started
        if server.poll() is not None:
            raise RuntimeError(f"renkei exited:\n{tail(server.log_path)}")
        time.sleep(0.2)
    raise RuntimeError(f"the members' rich menus were not linked within {timeout:.0f} s")


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its children (the web server and its workers)."""
    total = cpu_seconds(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(tree_cpu(int(child)) for child in children)


def start_profile(directory: str | None, kind: str, pid: int):
    """py-spy (pip install py-spy) sampling the service and its workers while the answers come in and are handled."""
    if not directory:
        return None
    Path(directory).mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy") or str(Path(PY).with_name("py-spy"))
    proc = subprocess.Popen([spy, "record", "--pid", str(pid), "--subprocesses", "--rate", "100", "--format", "raw",
                             "--nonblocking", "-o", str(Path(directory) / f"{kind}.txt")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached before the first answer
    return proc


def stop_profile(proc) -> None:
    if proc is not None:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)


def baseline_answers(tmp: Path, procs: Procs, members: int) -> dict:
    """The same kind of answer bodies against the SDK example's shape (verify, parse, nothing stored)."""
    secret = secrets.token_hex(16)
    port = free_port()
    server = procs.start("baseline", [PY, str(BENCH / "baseline_app.py"), "--app", "fastapi", "--port", str(port)],
                         env={"LINE_CHANNEL_SECRET": secret})
    try:
        wait_http(f"http://127.0.0.1:{port}/", server)
        directory = tmp / "answers-baseline"
        write_answers(directory, [ev.new_user_id() for _ in range(members)], 1, secret)
        load = run_wrk(f"http://127.0.0.1:{port}", directory, 600, CONNECTIONS, cycle=False)
        shutil.rmtree(directory, ignore_errors=True)
        return {"rps": load.rps, "p50": load.p50, "p99": load.p99, "accepted": load.ok}
    finally:
        procs.stop(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05, help="the fake LINE's answer delay, seconds")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--chat", type=int, default=200, help="members chatting during the answers (0: none)")
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 8.0), metavar=("MIN", "MAX"),
                        help="seconds a chatting member takes between a reply and their next message")
    parser.add_argument("--profile", metavar="DIR", help="sample the service with py-spy into DIR/<db>.txt "
                        "(collapsed stacks; bench/profile_top.py summarizes them)")
    parser.add_argument("--questions-only", action="store_true",
                        help="only the questions: no answers, no chat, no baseline of the SDK example")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the service's log into DIR")
    opts = parser.parse_args()
    if shutil.which("wrk") is None and not opts.questions_only:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="renkei-check-bench-"))
    procs = Procs(tmp)
    rows = []
    try:
        base = None if opts.questions_only else baseline_answers(tmp, procs, opts.members)
        for kind in (["sqlite", "postgres"] if opts.db == "both" else [opts.db]):
            rows.append(Run(kind, opts, tmp, procs).go())
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)

    ok = True
    print(f"contact check to {opts.members:,} members; fake LINE latency {opts.latency * 1000:.0f} ms; "
          f"{os.cpu_count()} cores")
    print("\n1. questions handed to LINE (POST /api/contact-checks until the last multicast is accepted)")
    print(f"{'database':<10}{'seconds':>9}{'API answer s':>14}{'calls':>7}{'floor s':>9}{'x floor':>9}"
          f"{'baseline s':>12}{'x baseline':>12}")
    for r in rows:
        print(f"{r['db']:<10}{r['handoff']:>9.3f}{r['api']:>14.3f}{r['calls']:>7}{r['floor']:>9.3f}"
              f"{r['handoff'] / r['floor']:>9.2f}{r['baseline']:>12.3f}{r['handoff'] / r['baseline']:>12.2f}")
        if not r["asked_once"]:
            ok = False
            print(f"  {r['db']}: FAIL: not every member was asked exactly once")
        if opts.questions_only:
            print(f"  {r['db']}: server log errors {r['log_errors']}; started up (menus linked) in {r['settled']:.1f} s")
    if opts.questions_only:
        print("every member asked once" if ok else "FAILED")
        return 0 if ok else 1
    print(f"\n2. answers posted by wrk ({CONNECTIONS} connections), one per member, one per request")
    print(f"{'target':<12}{'answers/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'accepted':>9}{'stored':>8}"
          f"{'handled by s':>13}{'handled/s':>10}{'replies':>8}{'pushes':>7}")
    print(f"{'baseline':<12}{base['rps']:>10.0f}{base['p50']:>8.2f}{base['p99']:>8.2f}{base['accepted']:>9}"
          f"{'-':>8}{'-':>13}{'-':>10}{'-':>8}{'-':>7}")
    for r in rows:
        print(f"{r['db']:<12}{r['rps']:>10.0f}{r['p50']:>8.2f}{r['p99']:>8.2f}{r['accepted']:>9}{r['answers']:>8}"
              f"{r['drain']:>13.1f}{r['handled_rate']:>10.0f}{r['replies']:>8}{r['pushes']:>7}")
    for r in rows:
        print(f"  {r['db']}: answers/s against the baseline: {r['rps'] / base['rps']:.2f}x; events {r['events']}; "
              f"members answered {r['answered']}; server log errors {r['log_errors']}; CPU of the service "
              f"{r['cpu_per_1000']:.2f} s per 1,000 answers (acknowledged and handled)")
        print(f"  {r['db']}: chat of {opts.chat} members during the answers: {r['chat_n']} replies, median "
              f"{r['chat_p50'] * 1000:.0f} ms, p90 {r['chat_p90'] * 1000:.0f} ms; {r['chat_lost']} not acknowledged "
              "or not answered within 60 s")
        if r["non200"] or r["socket_errors"]:
            print(f"  {r['db']}: non-200 {r['non200']} socket errors {r['socket_errors'] or 'none'}")
        if r["answers"] != r["accepted"] or r["stored_events"] != r["accepted"]:
            ok = False
            print(f"  {r['db']}: FAIL: {r['accepted']} acknowledged, {r['stored_events']} events stored, "
                  f"{r['answers']} answers stored")
    print("every acknowledged answer stored" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
