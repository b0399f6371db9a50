"""Idle memory and start-up time of `renkei serve`, on SQLite (one process) and PostgreSQL (the
server and its WORKER_PROCESSES workers).

    .venv/bin/python bench/idle.py [--db sqlite|postgres|both]

Start-up: from starting the process until GET /healthz answers. Memory: the resident set
(VmRSS) of each process 3 s after that, the LINE platform a fake that is never called.
"""

import argparse
import secrets
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.webhook import RENKEI, Database, Procs, free_port  # noqa: E402


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
        time.sleep(3.0)
        memory = [rss_mb(server.pid)] + [rss_mb(child) for child in children(server.pid)]
        procs.stop(server)
        return {"db": kind, "startup": up, "memory": memory}
    finally:
        db.drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="renkei-idle-"))
    procs = Procs(tmp)
    try:
        rows = [measure(kind, tmp, procs) for kind in (["sqlite", "postgres"] if opts.db == "both" else [opts.db])]
    finally:
        procs.stop_all()
    print(f"{'database':<10}{'start-up s':>11}  idle memory per process (MB)")
    for r in rows:
        print(f"{r['db']:<10}{r['startup']:>11.2f}  " + " ".join(f"{m:.0f}" for m in r["memory"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
