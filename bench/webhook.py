"""Webhook acknowledgement throughput of Renkei, against line-bot-sdk's FastAPI example shape.

    .venv/bin/python bench/webhook.py [--db sqlite|postgres|both] [--duration 10] [--connections 32]

Needs `wrk` (apt-get install wrk) and, for --db postgres/both, PostgreSQL at 127.0.0.1:5432
(user postgres, trust auth; a throwaway database `renkei_bench_<hex>` is created and dropped).

What it measures, each target as its own uvicorn process (single process, the same uvicorn
options as `renkei serve`) loaded by wrk from another process, all on 127.0.0.1:
  * bare      - a raw ASGI app answering 200: the ceiling of uvicorn on this machine;
  * baseline  - line-bot-sdk v3's FastAPI example shape: verify + parse, return "OK";
  * renkei    - `renkei serve` on SQLite and/or PostgreSQL, replies going to a fake LINE
                platform (bot.fakeline, another process). A 200 there means the event is committed.
Traffic is the registration dialog (follow, invite code, name, field postbacks, role, area, ...)
of many users, one event per signed body, no body sent twice to Renkei (bare and baseline, which
store nothing, may see a body again); each user's events go through one connection in order,
so most dialogs run to the end against real invite codes.
wrk runs one connection per thread; its Lua script times each request itself so that only 200s
count in req/s and percentiles, and each connection stops after the response that crosses the
deadline, so no request is left in flight: stored rows must then equal the 200s exactly.
After each Renkei run it checks that, then waits (bounded) for the stored backlog to be handled
and its replies sent, and prints how long that took. Exits 1 if stored != accepted.
"""

import argparse
import asyncio
import math
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.fakeline import events as ev  # noqa: E402

PY = sys.executable
RENKEI = str(Path(PY).with_name("renkei"))
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
WARMUP_SECONDS = 2.0
DRAIN_LIMIT = 60.0
MAX_CYCLED = 3000  # bodies per connection for targets that store nothing (they may repeat)
INVITES = 30  # x 1000 uses: far more users than a run can register
CLK_TCK = os.sysconf("SC_CLK_TCK")

LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_ts;
int clock_gettime(int clk_id, bench_ts *tp);
]]
local ts = ffi.new("bench_ts")
local function now()  -- CLOCK_MONOTONIC, the clock of Python's time.monotonic()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local next_tid = 0
local threads = {}
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local dir, deadline, cycle = "@DIR@", @DEADLINE@, @CYCLE@  -- filled in by bench/webhook.py
local reqs, n, i, t_req = {}, 0, 0, 0
local lat, bad = {}, {}
sent, recv, ok, first, last, exhausted, finished = 0, 0, 0, 0, 0, 0, 0

function init(args)
  for line in io.lines(dir .. "/bodies_" .. tid .. ".txt") do
    local tab = line:find("\t", 1, true)
    reqs[#reqs + 1] = wrk.format("POST", "/callback",
      {["Content-Type"] = "application/json", ["X-Line-Signature"] = line:sub(1, tab - 1)}, line:sub(tab + 1))
  end
  n = #reqs
end

local function finish()
  if finished == 1 then return end
  finished = 1
  local f = io.open(dir .. "/result_" .. tid .. ".txt", "w")
  f:write(string.format("%d %d %d %.6f %.6f %d\n", sent, recv, ok, first, last, exhausted))
  for code, count in pairs(bad) do f:write(string.format("s %d %d\n", code, count)) end
  for _, v in ipairs(lat) do f:write(string.format("%.1f\n", v * 1e6)) end
  f:close()
  wrk.thread:stop()
end

local verified = false
function request()
  -- wrk 4.1 calls request() once on thread 0 before it runs, to check the request: not sent.
  if tid == 0 and not verified then
    verified = true
    return reqs[1]
  end
  if i >= n and cycle then i = 0 end  -- targets that store nothing may see a body again
  if i >= n then  -- out of bodies: stop rather than send one twice
    exhausted = 1
    finish()
    return wrk.format("GET", "/bench-out-of-bodies")
  end
  i = i + 1
  sent = sent + 1
  t_req = now()
  if first == 0 then first = t_req end
  return reqs[i]
end

function response(status, headers, body)
  local t = now()
  recv, last = recv + 1, t
  if status == 200 then
    ok = ok + 1
    lat[ok] = t - t_req
  else
    bad[status] = (bad[status] or 0) + 1
  end
  if t >= deadline then finish() end
end

function done(summary, latency, requests)
  local e = summary.errors
  local f = io.open(dir .. "/summary.txt", "w")
  f:write(string.format("errors %d %d %d %d\n", e.connect, e.read, e.write, e.timeout))
  for _, t in ipairs(threads) do
    f:write(string.format("thread %d %d %d %d\n", t:get("tid"), t:get("sent"), t:get("recv"), t:get("finished")))
  end
  f:close()
end
"""

FAKELINE = r"""
import signal, sys, time
from bot.fakeline.server import FakeLine
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
with FakeLine(access_token=sys.argv[1], port=int(sys.argv[2]), check_schema=False):
    print("ready", flush=True)
    while True:
        time.sleep(3600)
"""


# Processes

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Procs:
    """Every subprocess started, so that all of them are stopped whatever happens."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})}, cwd=self.tmp)
        proc.log_path = self.tmp / f"{name}.log"
        log.close()
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, grace: float = 15.0) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in list(self.running):
            self.stop(proc, grace=5.0)


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited:\n{tail(proc.log_path)}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s:\n{tail(proc.log_path)}")


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def log_errors(path: Path, kind: str) -> int:
    """How many errors a server's log holds; the first is printed, so that a run with errors says why."""
    problems = [line for line in path.read_text(errors="replace").splitlines()
                if " ERROR " in line or line.startswith(("ERROR", "Traceback"))]
    if problems:
        print(f"  {kind}: first error in the server log: {problems[0][:200]}", file=sys.stderr)
    return len(problems)


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return 0.0


def machine_busy_seconds() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / CLK_TCK  # all but idle and iowait


# Traffic

def dialog(user_id: str, code: str, n: int, t0_ms: int) -> list[dict]:
    """The registration dialog of one user, as LINE would deliver it (timestamps in order)."""
    steps = [
        lambda ts: ev.follow(user_id, timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, code, timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, f"ベンチ 太郎{n}", timestamp_ms=ts),
        lambda ts: ev.postback(user_id, "reg:field:0", timestamp_ms=ts),
        lambda ts: ev.postback(user_id, "reg:field:done", timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, "正担当", timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, f"地区{n % 10}", timestamp_ms=ts),
        lambda ts: ev.postback(user_id, "reg:area:done", timestamp_ms=ts),
        lambda ts: ev.postback(user_id, "reg:need:done", timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, "スキップ", timestamp_ms=ts),
        lambda ts: ev.postback(user_id, "reg:offer:done", timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, "スキップ", timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, "スキップ", timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, "スキップ", timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, "スキップ", timestamp_ms=ts),
        lambda ts: ev.text_message(user_id, "登録する", timestamp_ms=ts),
    ]
    return [step(t0_ms + k) for k, step in enumerate(steps)]


def write_bodies(directory: Path, threads: int, per_thread: int, codes: list[str], secret: str) -> int:
    """bodies_<t>.txt per wrk thread: `signature<TAB>body` lines, each user's events in order."""
    directory.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    users = 0
    t0_ms = time.time_ns() // 1_000_000
    for t in range(threads):
        lines: list[str] = []
        while len(lines) < per_thread:
            block = [dialog(ev.new_user_id(), codes[(users + k) % len(codes)], users + k, t0_ms) for k in range(4)]
            users += 4
            for step in range(len(block[0])):  # interleave four users' dialogs on the connection
                for events in block:
                    event = events[step]
                    if event["webhookEventId"] in seen:
                        raise RuntimeError("duplicate webhookEventId generated")
                    seen.add(event["webhookEventId"])
                    body = ev.body([event])
                    lines.append(ev.sign(body, secret) + "\t" + body.decode("utf-8"))
        (directory / f"bodies_{t}.txt").write_text("\n".join(lines[:per_thread]) + "\n", encoding="utf-8")
    return threads * per_thread


@dataclass
class Load:
    ok: int = 0
    sent: int = 0
    recv: int = 0
    rps: float = 0.0
    p50: float = math.nan
    p99: float = math.nan
    non200: dict[int, int] = field(default_factory=dict)
    socket_errors: str = ""
    unanswered: int = 0
    exhausted: int = 0
    window: float = 0.0


def run_wrk(url: str, directory: Path, seconds: float, threads: int, cycle: bool) -> Load:
    for old in directory.glob("result_*.txt"):
        old.unlink()
    (directory / "summary.txt").unlink(missing_ok=True)
    script = directory / "bench.lua"
    deadline = time.monotonic() + seconds
    script.write_text(LUA.replace("@DIR@", str(directory)).replace("@DEADLINE@", f"{deadline:.6f}")
                      .replace("@CYCLE@", "true" if cycle else "false"))
    argv = ["wrk", f"-t{threads}", f"-c{threads}", f"-d{int(seconds) + 20}s", "--timeout", "30s",
            "-s", str(script), url]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        # wrk sleeps for all of -d; once every connection has stopped itself, interrupt it (it then reports).
        limit = time.monotonic() + seconds + 25
        while proc.poll() is None and time.monotonic() < limit:
            if len(list(directory.glob("result_*.txt"))) == threads:
                time.sleep(0.05)
                proc.send_signal(signal.SIGINT)
                break
            time.sleep(0.05)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0 or not (directory / "summary.txt").exists():
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{out.decode(errors='replace')[-2000:]}")
    load, latencies, first, last = Load(), [], [], []
    for path in directory.glob("result_*.txt"):
        lines = path.read_text().splitlines()
        sent, recv, ok, t_first, t_last, exhausted = lines[0].split()
        load.sent += int(sent)
        load.recv += int(recv)
        load.ok += int(ok)
        load.exhausted += int(exhausted)
        if int(recv):
            first.append(float(t_first))
            last.append(float(t_last))
        for line in lines[1:]:
            if line.startswith("s "):
                _, code, count = line.split()
                load.non200[int(code)] = load.non200.get(int(code), 0) + int(count)
            else:
                latencies.append(float(line))
    summary = (directory / "summary.txt").read_text().splitlines()
    connect, read, write, timeout = (int(v) for v in summary[0].split()[1:])
    if connect or read or write or timeout:
        load.socket_errors = f"connect {connect} read {read} write {write} timeout {timeout}"
    for line in summary[1:]:  # threads that never stopped themselves (wrk's -d ran out)
        _, _, sent, recv, finished = line.split()
        if finished == "0":
            load.sent += int(sent)
            load.recv += int(recv)
    load.unanswered = load.sent - load.recv
    if first:
        load.window = max(last) - min(first)
        load.rps = load.ok / load.window if load.window > 0 else 0.0
    if latencies:
        latencies.sort()
        load.p50 = latencies[len(latencies) // 2] / 1000
        load.p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] / 1000
    return load


# Databases

class Database:
    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind = kind
        if kind == "sqlite":
            self.path = tmp / "renkei.db"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"renkei_bench_{secrets.token_hex(4)}"
            self.url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"
        self.created = False

    def create(self) -> None:
        if self.kind == "postgres":
            import psycopg
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True

    def upgrade(self, cwd: Path) -> None:
        """Migrate with the real `renkei db upgrade`, as an operator would."""
        up = subprocess.run([RENKEI, "db", "upgrade"], env={**os.environ, "DATABASE_URL": self.url}, cwd=cwd,
                            capture_output=True, text=True)
        if up.returncode != 0:
            raise RuntimeError(f"renkei db upgrade failed:\n{up.stdout}{up.stderr}")

    def drop(self) -> None:
        if not self.created:
            return
        if self.kind == "postgres":
            import psycopg
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.created = False

    def query(self, sql: str) -> list[tuple]:
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.path, timeout=30)
            try:
                return conn.execute(sql).fetchall()
            finally:
                conn.close()
        import psycopg
        with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={self.name}") as conn:
            return conn.execute(sql).fetchall()

    def event_counts(self) -> dict[str, int]:
        return dict(self.query("SELECT status, count(*) FROM inbound_events GROUP BY status"))

    def outbox_pending(self) -> int:
        return self.query("SELECT count(*) FROM outbox WHERE status = 'pending'")[0][0]


def create_invites(url: str, count: int) -> list[str]:
    from datetime import UTC, datetime, timedelta

    from db.access import create_invite, create_organization
    from db.areas import add_area
    from db.engine import create_engine, session_factory
    from db.models import OrgType

    async def work() -> list[str]:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session, session.begin():
                now = datetime.now(UTC)
                org = await create_organization(session, name="ベンチ市役所", org_type=OrgType.municipality, now=now)
                for i in range(10):  # the secretariat's list, one page of buttons
                    await add_area(session, f"地区{i}", now)
                return [(await create_invite(session, organization_id=org.id, now=now, max_uses=1000,
                                             valid_for=timedelta(days=1))).code for _ in range(count)]
        finally:
            await engine.dispose()

    return asyncio.run(work())


# Targets

@dataclass
class Row:
    target: str
    load: Load
    cpu: float = math.nan  # server CPU, % of one core
    box: float = math.nan  # whole machine, % of all cores
    stored: int | None = None
    accepted: int | None = None
    drain: str = ""
    notes: list[str] = field(default_factory=list)


class Bench:
    def __init__(self, opts, tmp: Path) -> None:
        self.opts = opts
        self.tmp = tmp
        self.procs = Procs(tmp)
        self.secret = secrets.token_hex(16)
        self.token = "bench-" + secrets.token_hex(8)
        self.threads = opts.connections
        self.expected_rps = 3000.0  # sizes the first body set; later ones follow the warm-up rate

    def bodies(self, name: str, rps: float, seconds: float, codes: list[str], cycle: bool) -> Path:
        directory = self.tmp / name
        if directory.exists():
            shutil.rmtree(directory)
        per_thread = max(200, math.ceil(rps * seconds * 2.5 / self.threads) + 50)
        if cycle:
            per_thread = min(per_thread, MAX_CYCLED)
        write_bodies(directory, self.threads, per_thread, codes, self.secret)
        return directory

    def measure(self, url: str, server: subprocess.Popen, codes: list[str], label: str,
                cycle: bool = False) -> tuple[Load, Load, float, float]:
        """Warm up, then measure; returns (warm-up, run, server CPU %, machine CPU %)."""
        warm_dir = self.bodies(f"{label}-warm", self.expected_rps, WARMUP_SECONDS, codes, cycle)
        warm = run_wrk(url, warm_dir, WARMUP_SECONDS, self.threads, cycle)
        rps = max(warm.rps, 200.0)
        run_dir = self.bodies(f"{label}-run", rps, self.opts.duration, codes, cycle)
        cpu0, box0, t0 = cpu_seconds(server.pid), machine_busy_seconds(), time.monotonic()
        load = run_wrk(url, run_dir, self.opts.duration, self.threads, cycle)
        elapsed = time.monotonic() - t0
        cpu = 100 * (cpu_seconds(server.pid) - cpu0) / elapsed
        box = 100 * (machine_busy_seconds() - box0) / elapsed / os.cpu_count()
        if load.exhausted:
            raise RuntimeError(f"{label}: {load.exhausted} connections ran out of bodies; rerun (sizing too low)")
        shutil.rmtree(warm_dir)
        shutil.rmtree(run_dir)
        return warm, load, cpu, box

    def simple(self, kind: str) -> Row:
        port = free_port()
        server = self.procs.start(kind, [PY, str(ROOT / "bench" / "baseline_app.py"), "--app", kind,
                                         "--port", str(port)], env={"LINE_CHANNEL_SECRET": self.secret})
        try:
            wait_http(f"http://127.0.0.1:{port}/", server)
            _, load, cpu, box = self.measure(f"http://127.0.0.1:{port}", server, ["BENCHCODE"], kind, cycle=True)
        finally:
            self.procs.stop(server)
        if kind == "fastapi":
            self.expected_rps = load.rps
        return Row("bare ASGI" if kind == "bare" else "baseline (sdk)", load, cpu, box)

    def renkei(self, kind: str) -> Row:
        db = Database(kind, self.tmp)
        try:
            db.create()
            db.upgrade(self.tmp)
            env = {"DATABASE_URL": db.url}
            codes = create_invites(db.url, INVITES)
            line_port, port = free_port(), free_port()
            line = self.procs.start(f"fakeline-{kind}", [PY, "-c", FAKELINE, self.token, str(line_port)],
                                    env={"PYTHONPATH": str(ROOT)})
            wait_http(f"http://127.0.0.1:{line_port}/", line)
            env.update(LINE_CHANNEL_SECRET=self.secret, LINE_CHANNEL_ACCESS_TOKEN=self.token,
                       LINE_API_BASE_URL=f"http://127.0.0.1:{line_port}")
            server = self.procs.start(f"renkei-{kind}", [RENKEI, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                      env=env)
            try:
                wait_http(f"http://127.0.0.1:{port}/healthz", server)
                profile = self.start_profile(server, kind)
                warm, load, cpu, box = self.measure(f"http://127.0.0.1:{port}", server, codes, f"renkei-{kind}")
                if profile is not None:
                    profile.wait(self.opts.duration + 30)
                loaded_at = time.monotonic()
                accepted = warm.ok + load.ok
                stored = sum(db.event_counts().values())
                row = Row(f"renkei {kind}", load, cpu, box, stored, accepted)
                row.drain = self.wait_drain(db, loaded_at, row)
                problems = [l for l in server.log_path.read_text(errors="replace").splitlines()
                            if " - ERROR - " in l or l.startswith(("ERROR", "WARNING", "Traceback"))]
                if problems:
                    row.notes.append(f"{len(problems)} ERROR/WARNING lines in the server log, first: {problems[0][:150]}")
            finally:
                self.procs.stop(server)
                self.procs.stop(line)
            return row
        finally:
            db.drop()

    def start_profile(self, server: subprocess.Popen, kind: str) -> subprocess.Popen | None:
        if not self.opts.py_spy:
            return None
        out = Path(self.opts.py_spy).resolve() / f"renkei-{kind}.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        # Starts with the warm-up; covers it and most of the measured run.
        return self.procs.start(f"py-spy-{kind}", [str(Path(PY).with_name("py-spy")), "record", "-p", str(server.pid),
                                                   "-d", str(int(WARMUP_SECONDS + self.opts.duration)), "-r", "200",
                                                   "-f", "raw", "-o", str(out)])

    def wait_drain(self, db: Database, since: float, row: Row) -> str:
        deadline = since + DRAIN_LIMIT
        handled_before = sum(v for k, v in db.event_counts().items() if k != "pending")
        while True:
            counts = db.event_counts()
            pending, outbox = counts.get("pending", 0), db.outbox_pending()
            if (pending == 0 and outbox == 0) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        waited = time.monotonic() - since
        handled = counts.get("done", 0) + counts.get("failed", 0)
        rate = (handled - handled_before) / waited if waited > 0 else 0.0
        members = db.query("SELECT count(*) FROM members")[0][0]
        kinds = dict(db.query("SELECT kind, count(*) FROM outbox WHERE status = 'sent' GROUP BY kind"))
        sent = sum(kinds.values())
        pushes = sum(v for k, v in kinds.items() if k != "reply")
        row.notes.append(f"handled: {counts.get('done', 0)} done, {counts.get('failed', 0)} failed, "
                         f"{pending} pending ({rate:.0f} events/s after the load); messages sent {sent} ({pushes} as push), "
                         f"pending {outbox}; members registered {members}")
        if pending or outbox:
            return f">{DRAIN_LIMIT:.0f}"
        return f"{waited:.1f}"


def fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def report(rows: list[Row], threads: int, duration: float) -> bool:
    print(f"\nwrk: {threads} connections, {duration:.0f} s per target after a {WARMUP_SECONDS:.0f} s warm-up; "
          f"latency of 200s only; {os.cpu_count()} cores")
    header = f"{'target':<16}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'non-200':>8}{'stored':>8}{'accepted':>9}" \
             f"{'drain s':>8}{'srv cpu':>8}{'box cpu':>8}"
    print(header)
    print("-" * len(header))
    ok = True
    for r in rows:
        non200 = sum(r.load.non200.values())
        print(f"{r.target:<16}{r.load.rps:>8.0f}{fmt(r.load.p50, 2):>8}{fmt(r.load.p99, 2):>8}{non200:>8}"
              f"{'-' if r.stored is None else r.stored:>8}{'-' if r.accepted is None else r.accepted:>9}"
              f"{r.drain or '-':>8}{fmt(r.cpu, 0) + '%':>8}{fmt(r.box, 0) + '%':>8}")
    baseline = next((r for r in rows if r.target.startswith("baseline")), None)
    for r in rows:
        if r.load.non200:
            print(f"  {r.target}: non-200 responses by status: {dict(sorted(r.load.non200.items()))}")
        if r.load.socket_errors:
            print(f"  {r.target}: socket errors: {r.load.socket_errors}")
        if r.load.unanswered:
            print(f"  {r.target}: {r.load.unanswered} requests unanswered when wrk stopped")
        if r.stored is None:
            continue
        if baseline and baseline.load.rps:
            print(f"  {r.target}: renkei/baseline req/s = {r.load.rps / baseline.load.rps:.2f}")
        for note in r.notes:
            print(f"  {r.target}: {note}")
        if r.stored != r.accepted:
            ok = False
            print(f"  {r.target}: FAIL: {r.stored} events stored but {r.accepted} acknowledged with 200 "
                  f"(warm-up included)")
    print("durability: every 200 stored" if ok else "durability: FAILED")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per target")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (one per wrk thread)")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the bare ASGI ceiling")
    parser.add_argument("--py-spy", metavar="DIR", help="py-spy record Renkei (raw folded stacks) into DIR")
    opts = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="renkei-bench-"))
    bench = Bench(opts, tmp)
    rows: list[Row] = []
    try:
        if not opts.no_ceiling:
            rows.append(bench.simple("bare"))
        rows.append(bench.simple("fastapi"))
        for kind in (["sqlite", "postgres"] if opts.db == "both" else [opts.db]):
            rows.append(bench.renkei(kind))
    except BaseException:
        for row in rows:
            print(f"(finished before the error: {row.target} {row.load.rps:.0f} req/s)", file=sys.stderr)
        raise
    finally:
        bench.procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if report(rows, opts.connections, opts.duration) else 1


if __name__ == "__main__":
    sys.exit(main())
