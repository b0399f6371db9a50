"""`renkei console link`: a first sign-in link printed on the server, for active staff only."""

import asyncio

from sqlalchemy import select

from db.engine import create_engine, session_factory
from db.models import AuditEntry, ConsoleLink
from tests.seed import partnership


async def _rows(database_url, model):
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            return list(await session.scalars(select(model).order_by(model.id)))
    finally:
        await engine.dispose()


async def test_console_link_for_staff_only(bot, renkei, database_url):
    people = await partnership(bot)
    staff_id, npo_id = 1, 2  # the partnership's first two members: the city's staff, then the NPO lead
    printed = await asyncio.to_thread(renkei, "console", "link", "--member", str(staff_id), PUBLIC_BASE_URL="https://renkei.example.jp")
    assert printed.exit_code == 0, printed.output
    link = printed.output.strip().splitlines()[-1]
    assert link.startswith("https://renkei.example.jp/console/signin/") and len(link) > 70
    [row] = await _rows(database_url, ConsoleLink)
    assert row.member_id == staff_id
    [entry] = await _rows(database_url, AuditEntry)
    assert (entry.action, entry.door, entry.target_id) == ("console.link", "cli", staff_id)
    assert entry.actor_member_id is None and "@" in entry.actor_label

    refused = await asyncio.to_thread(renkei, "console", "link", "--member", str(npo_id), PUBLIC_BASE_URL="https://renkei.example.jp")
    assert refused.exit_code == 1 and f"member {npo_id} is not active staff" in refused.output
    missing = await asyncio.to_thread(renkei, "console", "link", "--member", "999", PUBLIC_BASE_URL="https://renkei.example.jp")
    assert missing.exit_code == 1 and "no member with id 999" in missing.output
    assert len(await _rows(database_url, ConsoleLink)) == 1
    assert people


async def test_console_link_in_local_mode_points_at_the_local_server(bot, renkei):
    await partnership(bot)
    printed = await asyncio.to_thread(renkei, "console", "link", "--member", "1")
    assert printed.exit_code == 0, printed.output
    assert printed.output.strip().splitlines()[-1].startswith("http://127.0.0.1:8000/console/signin/")
    production = await asyncio.to_thread(renkei, "console", "link", "--member", "1", RENKEI_ENVIRONMENT="production",
                        LINE_CHANNEL_SECRET="s3cret-value", LINE_CHANNEL_ACCESS_TOKEN="t0ken-value")
    assert production.exit_code == 1 and "PUBLIC_BASE_URL is not set" in production.output
