"""What handling one event costs, in this process: SQL statements, transactions and CPU per event.

    .venv/bin/python bench/statements.py [--members 2000] [--chat 200] [--db sqlite|postgres|both] [--profile N]

Per database: `--members` members are asked by a contact check; their answers (one postback
each) and `--chat` texts (ヘルプ / こんにちは from members the check does not ask) are stored
through the real webhook first, then handled by the real app with nothing else running, its
LINE calls going to the fake platform answering at once. Printed per kind of event: events,
SQL statements and commits per event, and CPU milliseconds per event; the floor beside them is
the cost of storing the same events (the webhook's share, measured in the same run). With
`--profile N`, the N functions of the project (and the libraries under them) with the most
CPU time while handling the answers (cProfile, cumulative).
"""

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from sqlalchemy import event as sa_event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from bench.contact_check import seed  # noqa: E402
from bench.webhook import Database  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.fakeline import events as ev  # noqa: E402
from bot.fakeline.server import FakeLine  # noqa: E402

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "statements-bench"


class Counting:
    """Every statement and commit any engine of this process runs while on."""

    def __init__(self) -> None:
        self.on = False
        self.statements: Counter = Counter()
        self.commits = 0
        self.seconds: Counter = Counter()
        self._started: dict[int, float] = {}
        sa_event.listen(Engine, "before_cursor_execute", self._statement)
        sa_event.listen(Engine, "after_cursor_execute", self._done)
        sa_event.listen(Engine, "commit", self._commit)

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on:
            self.statements[" ".join(statement.split())[:90]] += 1
            self._started[id(cursor)] = time.perf_counter()

    def _done(self, conn, cursor, statement, parameters, context, executemany) -> None:
        started = self._started.pop(id(cursor), None)
        if started is not None:
            self.seconds[" ".join(statement.split())[:90]] += time.perf_counter() - started

    def _commit(self, conn) -> None:
        if self.on:
            self.commits += 1

    def reset(self) -> None:
        self.statements, self.commits, self.seconds = Counter(), 0, Counter()


def app_for(url: str, line: FakeLine, *, handle: bool):
    from bot.settings import Settings
    from bot.web.app import create_app

    settings = Settings(_env_file=None, line_channel_secret=SECRET, line_channel_access_token=TOKEN,
                        line_api_base_url=line.url, database_url=url, line_rich_menus=False)
    return create_app(settings, clock=SystemClock(), handle_events=handle, sweep_seconds=0)


async def measure(url: str, line: FakeLine, answers: list[dict], chat: list[dict], counting: Counting,
                  profile: int) -> dict:
    import httpx

    results = {}
    for kind, events in (("answer", answers), ("chat", chat)):
        if not events:
            continue
        app = app_for(url, line, handle=False)
        async with app.router.lifespan_context(app):
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
            counting.reset()
            counting.on, started = True, time.process_time()
            for event in events:
                body = ev.body([event])
                response = await client.post("/callback", content=body, headers={
                    "content-type": "application/json", "x-line-signature": ev.sign(body, SECRET)})
                assert response.status_code == 200, response.text
            store_cpu, counting.on = time.process_time() - started, False
            stored = (sum(counting.statements.values()), counting.commits)
        app = app_for(url, line, handle=True)
        profiler = cProfile.Profile() if profile and kind == "answer" else None
        async with app.router.lifespan_context(app):
            runtime = app.state.runtime
            counting.reset()
            counting.on, started, began = True, time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            runtime.processor.notify({e["source"]["userId"] for e in events})
            await runtime.drain()
            if profiler:
                profiler.disable()
            cpu, counting.on = time.process_time() - started, False
            wall = time.perf_counter() - began
        n = len(events)
        results[kind] = {"events": n, "statements": sum(counting.statements.values()) / n,
                         "commits": counting.commits / n, "cpu_ms": 1000 * cpu / n, "rate": n / wall,
                         "store_statements": stored[0] / n, "store_commits": stored[1] / n,
                         "store_cpu_ms": 1000 * store_cpu / n, "top": counting.statements.most_common(12),
                         "slowest": counting.seconds.most_common(8),
                         "profile": profiler}
    return results


def answer_events(users: list[str], check_id: int) -> list[dict]:
    codes = ("safe", "damaged", "help")
    return [ev.postback(user, f"chk:ans:{check_id}:{codes[i % 3]}") for i, user in enumerate(users)]


async def start_check(url: str) -> int:
    from db.contact_checks import start_check as start
    from db.engine import create_engine, session_factory
    from db.segments import Segment
    from datetime import UTC, datetime

    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        started = await start(session, segment=Segment.parse("all"), drill=False, now=datetime.now(UTC),
                              source="bench", message=None, reask_minutes=0, max_reasks=0)
        check_id = started.check.id
    await engine.dispose()
    return check_id


def run(kind: str, opts, counting: Counting) -> dict:
    with tempfile.TemporaryDirectory(prefix="renkei-statements-") as tmp:
        db = Database(kind, Path(tmp))
        db.create()
        try:
            db.upgrade(Path(tmp))
            users = seed(db.url, opts.members)
            check_id = asyncio.run(start_check(db.url))
            talkers = seed(db.url, opts.chat, first_org=max(1, opts.members // 5)) if opts.chat else []
            chat = [ev.text_message(user, ("ヘルプ", "こんにちは")[i % 2]) for i, user in enumerate(talkers)]
            with FakeLine(TOKEN, check_schema=False) as line:
                line.latency = 0.0
                results = asyncio.run(measure(db.url, line, answer_events(users, check_id), chat, counting,
                                              opts.profile))
                replies = len(line.sent("/v2/bot/message/reply"))
                pushes = len(line.sent("/v2/bot/message/push"))
            results["replies"], results["pushes"] = replies, pushes
            return results
        finally:
            db.drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--chat", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    parser.add_argument("--statements", action="store_true", help="print the most frequent statements")
    opts = parser.parse_args()
    counting = Counting()
    kinds = ["sqlite", "postgres"] if opts.db == "both" else [opts.db]
    print(f"{'database':<9} {'events':<7} {'n':>6} {'stmts/ev':>9} {'commits/ev':>11} {'CPU ms/ev':>10}   "
          f"{'events/s':>9}   {'floor (storing): stmts/ev':>26} {'commits/ev':>11} {'CPU ms/ev':>10}")
    for kind in kinds:
        results = run(kind, opts, counting)
        for name in ("answer", "chat"):
            r = results.get(name)
            if r is None:
                continue
            print(f"{kind:<9} {name:<7} {r['events']:>6} {r['statements']:>9.2f} {r['commits']:>11.3f} "
                  f"{r['cpu_ms']:>10.2f} {r['rate']:>9.0f}   {r['store_statements']:>26.2f} {r['store_commits']:>11.3f} "
                  f"{r['store_cpu_ms']:>10.2f}")
            if opts.statements:
                for statement, count in r["top"]:
                    print(f"      {count / r['events']:6.2f}  {statement}")
                print("      slowest in all (ms per event):")
                for statement, seconds in r["slowest"]:
                    print(f"      {1000 * seconds / r['events']:6.2f}  {statement}")
            if r["profile"] is not None:
                stats = pstats.Stats(r["profile"]).sort_stats(opts.sort)
                stats.print_stats(opts.profile)
        print(f"  {kind}: {results['replies']} replies, {results['pushes']} pushes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
