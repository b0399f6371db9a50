"""Notice fan-out: how fast a notice to N members is handed to LINE.

    .venv/bin/python bench/fanout.py [--members 10000] [--latency 0.05] [--db sqlite|postgres|both]

A notice to everyone is created and the scheduler sends it, through the real outbox and
gateway, to a fake LINE platform that answers each call after `--latency` seconds. Printed:
the time from "send" to the last multicast accepted, the number of API calls, the ratio to
the floor (ceil(N/500) multicast calls at LINE's 200 calls/s, plus one latency), and, in the
same run, a baseline that posts the same multicast bodies straight to the fake with aiohttp
(no database, no outbox).
"""

import argparse
import asyncio
import math
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import psycopg
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import ManualClock  # noqa: E402
from bot.fakeline.events import new_user_id  # noqa: E402
from bot.fakeline.server import FakeLine  # noqa: E402
from bot.line.gateway import LineGateway  # noqa: E402
from bot.settings import Settings  # noqa: E402
from db.engine import create_engine, session_factory  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import Member, OutboxMessage, OutboxStatus  # noqa: E402
from db.notices import create_notice  # noqa: E402
from db.segments import Segment  # noqa: E402
from scheduler.runner import Scheduler  # noqa: E402

TOKEN = "bench-token"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
MULTICAST = "/v2/bot/message/multicast"
NOON_TOKYO = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


async def seed(database_url: str, members: int) -> None:
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        from db.models import Organization

        await conn.execute(insert(Organization), [{"name": "ベンチ団体", "org_type": "npo", "created_at": now}])
        await conn.execute(insert(Member), [
            {"line_user_id": new_user_id(), "organization_id": 1, "name": f"会員{i}", "fields": ["防災"],
             "role": "primary", "is_staff": False, "needs": [], "offers": [], "status": "active",
             "registered_at": now, "updated_at": now} for i in range(members)])
    await engine.dispose()


async def renkei_fanout(database_url: str, line: FakeLine) -> tuple[float, int, int]:
    settings = Settings(_env_file=None, line_channel_secret="s", line_channel_access_token=TOKEN,
                        line_api_base_url=line.url, database_url=database_url)
    clock = ManualClock(NOON_TOKYO)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    gateway = LineGateway(settings=settings, sessions=sessions, clock=clock)
    await gateway.start(sweep=False)
    scheduler = Scheduler(sessions=sessions, gateway=gateway, clock=clock, settings=settings)
    try:
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            await create_notice(session, text="ベンチマークのお知らせです。", segment=Segment("all"),
                                send_at=clock.now(), now=clock.now())
        await scheduler.run_due()
        elapsed = time.perf_counter() - started
        async with sessions() as session:
            rows = list(await session.scalars(select(OutboxMessage)))
        unsent = [row.id for row in rows if row.status != OutboxStatus.sent]
        if unsent:
            raise SystemExit(f"{len(unsent)} multicast requests were not accepted")
        return elapsed, len(rows), sum(len(row.recipients) for row in rows)
    finally:
        await gateway.close()
        await engine.dispose()


async def baseline(line: FakeLine, bodies: list[dict], concurrency: int = 16) -> float:
    """The same multicast bodies posted straight to the fake: the cost of the API calls alone."""
    limit = asyncio.Semaphore(concurrency)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    async def post(client: aiohttp.ClientSession, body: dict) -> None:
        async with limit:
            async with client.post(line.url + MULTICAST, json=body,
                                   headers={**headers, "X-Line-Retry-Key": str(uuid.uuid4())}) as response:
                if response.status != 200:
                    raise SystemExit(f"baseline multicast answered {response.status}")

    async with aiohttp.ClientSession() as client:
        started = time.perf_counter()
        await asyncio.gather(*(post(client, body) for body in bodies))
        return time.perf_counter() - started


def run_one(db: str, members: int, latency: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        name = None
        if db == "sqlite":
            url = f"sqlite:///{tmp}/fanout.db"
        else:
            name = f"renkei_bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(PG_SERVER, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        try:
            upgrade(url)
            asyncio.run(seed(url, members))
            with FakeLine(TOKEN) as line:
                line.latency = latency
                elapsed, calls, recipients = asyncio.run(renkei_fanout(url, line))
                bodies = [r.json for r in line.sent(MULTICAST)]
                line.reset()
                line.latency = latency
                base = asyncio.run(baseline(line, bodies))
                errors = line.schema_errors()
        finally:
            if name:
                with psycopg.connect(PG_SERVER, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if recipients != members:
        raise SystemExit(f"{recipients} recipients reached, expected {members}")
    if errors:
        raise SystemExit(f"schema errors: {errors[:3]}")
    floor = math.ceil(members / 500) / 200 + latency
    return {"db": db, "seconds": elapsed, "calls": calls, "floor": floor, "baseline": base}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"notice to {args.members:,} members, fake LINE latency {args.latency * 1000:.0f} ms")
    print(f"{'database':<10}{'seconds':>9}{'API calls':>11}{'floor s':>9}{'x floor':>9}{'baseline s':>12}{'x baseline':>12}")
    for db in dbs:
        r = run_one(db, args.members, args.latency)
        print(f"{r['db']:<10}{r['seconds']:>9.3f}{r['calls']:>11}{r['floor']:>9.3f}{r['seconds'] / r['floor']:>9.2f}"
              f"{r['baseline']:>12.3f}{r['seconds'] / r['baseline']:>12.2f}")


if __name__ == "__main__":
    main()
