"""Idle memory and start-up time of `renkei serve`, on SQLite (one process) and PostgreSQL (the
server and its WORKER_PROCESSES workers).

    .venv/bin/python bench/idle.py [--db sqlite|postgres|both]

Start-up: from starting the process until GET /healthz answers. Memory: the resident set
(VmRSS) of each process once it has settled (at least 3 s after that, then until no process's
has changed for a second: on a busy machine the workers may still be importing at 3 s), the
LINE platform an address that refuses connections.

The floor, in the same run: a bare Python process that imports the libraries the service
cannot do without (the web framework, the server, the database layer and driver, the CLI, the
HTTP client) and nothing of Renkei: its memory and its import time. Beside it, the same with
line-bot-sdk's Messaging API imported the ordinary way (`from linebot.v3.messaging import ...`).

The project's own modules are compiled first (as an installed Renkei's are, or a Renkei that
ran once), so that start-up does not depend on PYTHONDONTWRITEBYTECODE in the environment.
"""

import argparse
import compileall
import json
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.webhook import PY, RENKEI, ROOT, Database, Procs, free_port  # noqa: E402

SETTLE_SECONDS = 3.0
STEADY_SECONDS = 1.0
SETTLE_LIMIT = 30.0
FLOOR = {"sqlite": "import fastapi, uvicorn.main, uvloop, httptools, sqlalchemy.ext.asyncio, aiosqlite, typer, "
                   "aiohttp, pydantic_settings",
         "postgres": "import fastapi, uvicorn.main, uvloop, httptools, sqlalchemy.ext.asyncio, psycopg, typer, "
                     "aiohttp, pydantic_settings"}
SDK = "; from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, ReplyMessageRequest"
_MEASURE = ("import json, time; t = time.perf_counter(); {imports}; t = time.perf_counter() - t; "
            "rss = [int(l.split()[1]) / 1024 for l in open('/proc/self/status') if l.startswith('VmRSS:')][0]; "
            "print(json.dumps([rss, t]))")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def measure(kind: str, tmp: Path, procs: Procs) -> dict:
    db = Database(kind, tmp)
    db.create()
    try:
        db.upgrade(tmp)
        port = free_port()
        env = {"DATABASE_URL": db.url, "LINE_CHANNEL_SECRET": secrets.token_hex(16),
               "LINE_CHANNEL_ACCESS_TOKEN": "idle", "LINE_API_BASE_URL": "http://127.0.0.1:9"}
        started = time.perf_counter()
        server = procs.start(f"idle-{kind}", [RENKEI, "serve", "--port", str(port)], env=env)
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 60:
                    raise RuntimeError(f"renkei did not start: {server.log_path.read_text()[-2000:]}")
                time.sleep(0.02)
        up = time.perf_counter() - started
        memory = settled_memory(server.pid)
        procs.stop(server)
        return {"db": kind, "startup": up, "memory": memory, "floor": floor(FLOOR[kind]),
                "floor_sdk": floor(FLOOR[kind] + SDK)}
    finally:
        db.drop()


def settled_memory(pid: int) -> list[float]:
    """The server's and its children's RSS, once none has changed for STEADY_SECONDS."""
    time.sleep(SETTLE_SECONDS)
    deadline = time.monotonic() + SETTLE_LIMIT
    last, steady_since = None, time.monotonic()
    while True:
        memory = [rss_mb(pid)] + [rss_mb(child) for child in children(pid)]
        if memory != last:
            last, steady_since = memory, time.monotonic()
        elif time.monotonic() - steady_since >= STEADY_SECONDS or time.monotonic() > deadline:
            return memory
        time.sleep(0.25)


def floor(imports: str) -> tuple[float, float]:
    """(RSS in MB, import seconds) of a bare process that imports `imports`, the best of three."""
    runs = [json.loads(subprocess.run([PY, "-c", _MEASURE.format(imports=imports)], capture_output=True, text=True,
                                      check=True).stdout) for _ in range(3)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="renkei-idle-"))
    for package in ("bot", "db", "handlers", "scheduler"):
        compileall.compile_dir(ROOT / package, quiet=1)
    procs = Procs(tmp)
    try:
        rows = [measure(kind, tmp, procs) for kind in (["sqlite", "postgres"] if opts.db == "both" else [opts.db])]
    finally:
        procs.stop_all()
    print(f"{'database':<10}{'start-up s':>11}  {'idle memory per process (MB)':<30}"
          f"{'floor MB / import s':>20}{'with the SDK':>16}")
    for r in rows:
        print(f"{r['db']:<10}{r['startup']:>11.2f}  {' '.join(f'{m:.0f}' for m in r['memory']):<30}"
              f"{r['floor'][0]:>12.0f} / {r['floor'][1]:.2f}{r['floor_sdk'][0]:>9.0f} / {r['floor_sdk'][1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
