"""Several users' events handled in one transaction: each user's order kept, a failure kept to its event."""

import logging
from contextlib import asynccontextmanager

from sqlalchemy import select, text

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.engine import create_engine
from db.models import Conversation, InboundEvent
from tests.harness import BotHarness
from tests.handlers.test_registration import make_invite


def registration(user: str, code: str, base: int) -> list[dict]:
    """The first steps of one user's registration, up to the role question."""
    return [ev.follow(user, timestamp_ms=base), ev.text_message(user, code, timestamp_ms=base + 1),
            ev.text_message(user, "山田 花子", timestamp_ms=base + 2),
            ev.postback(user, "reg:field:0", timestamp_ms=base + 3),
            ev.postback(user, "reg:field:1", timestamp_ms=base + 4),
            ev.postback(user, "reg:field:done", timestamp_ms=base + 5)]


async def test_users_handled_together_each_keep_their_order(database_url, fake_line, clock):
    """Six users' dialogs, stored beforehand in the wrong order, go through in batches: every step once, in order."""
    users = [ev.new_user_id() for _ in range(6)]
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, handle_events=False) as ingest:
        code = await make_invite(ingest, uses=len(users))
        steps = [registration(user, code, ingest.now_ms() + 10 * i) for i, user in enumerate(users)]
        for i in reversed(range(len(steps[0]))):  # arrival order must not matter, event time does
            for user_steps in steps:
                assert (await ingest.deliver(user_steps[i])).status_code == 200
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as bot:
        bot.reply_targets.update(ingest.reply_targets)
        await bot.drain()
        rows = {row.actor_key: row for row in await bot.scalars(select(Conversation))}
        for user in users:
            assert rows[user].state == "Registration:role"
            assert rows[user].data["fields"] == ["防災", "福祉"]
            texts = bot.texts_to(user)
            assert texts[0] == T.WELCOME and texts[-1] == T.ASK_ROLE
            assert texts.index(T.ASK_NAME) < texts.index(T.ASK_ROLE)
            assert texts == bot.texts_to(users[0])  # the same dialog for everyone, every step once
        assert len(fake_line.sent("/v2/bot/message/reply")) == len(users) * len(steps[0])  # one reply per event
        assert {row.status for row in await bot.scalars(select(InboundEvent))} == {"done"}


@asynccontextmanager
async def refusing_dialogs_of(database_url: str, user: str):
    """The database itself refuses to store this user's dialog state (a fault no handler expects)."""
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        setup = [f"CREATE FUNCTION refuse_dialog() RETURNS trigger AS $$ BEGIN IF NEW.actor_key = '{user}' "
                 "THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                 "CREATE TRIGGER refuse_dialog BEFORE INSERT ON conversations FOR EACH ROW "
                 "EXECUTE FUNCTION refuse_dialog()"]
        teardown = ["DROP TRIGGER refuse_dialog ON conversations", "DROP FUNCTION refuse_dialog()"]
    else:
        setup = [f"CREATE TRIGGER refuse_dialog BEFORE INSERT ON conversations WHEN NEW.actor_key = '{user}' "
                 "BEGIN SELECT RAISE(ABORT, 'refused'); END"]
        teardown = ["DROP TRIGGER refuse_dialog"]
    async with engine.begin() as conn:
        for statement in setup:
            await conn.execute(text(statement))
    try:
        yield
    finally:
        async with engine.begin() as conn:
            for statement in teardown:
                await conn.execute(text(statement))
        await engine.dispose()


async def test_an_event_that_fails_beside_others_fails_alone(database_url, fake_line, clock, caplog):
    """One follower's event cannot be stored: the others in its batch are greeted, and it alone is
    tried again by itself (three attempts, then the apology), as if it had never had neighbours."""
    users, unlucky = [ev.new_user_id() for _ in range(5)], ev.new_user_id()
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, handle_events=False) as ingest:
        for user in [users[0], users[1], unlucky, *users[2:]]:
            assert (await ingest.deliver(ev.follow(user, timestamp_ms=ingest.now_ms()))).status_code == 200
    caplog.set_level(logging.WARNING, logger="bot.pipeline.worker")
    async with refusing_dialogs_of(database_url, unlucky):
        async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as bot:
            bot.reply_targets.update(ingest.reply_targets)
            await bot.drain()
            # Failed in its handler, or in the batch's writes at its commit: either way beside the others.
            assert any("failed beside others" in r.getMessage() or "6 users' events together failed" in r.getMessage()
                       for r in caplog.records), "they were one batch"
            for user in users:
                assert bot.texts_to(user) == [T.WELCOME]
            stored = {row.actor_key: row for row in await bot.scalars(select(Conversation))}
            assert sorted(stored) == sorted(users)
            events = {row.actor_key: row for row in await bot.scalars(select(InboundEvent))}
            assert {events[user].status for user in users} == {"done"}
            assert (events[unlucky].status, events[unlucky].attempts) == ("failed", 3)
            assert bot.texts_to(unlucky) == [T.INTERNAL_ERROR]


async def test_a_message_during_a_flood_of_taps_is_handled_in_a_batch_of_its_own(database_url, fake_line, clock):
    """Three hundred members' taps arrive at once, then someone writes: the message does not wait for
    the commit of a long batch of taps (its reply goes after its batch's commit), it goes in a
    batch of the conversations, turn about with the taps."""
    tappers, writer = [ev.new_user_id() for _ in range(300)], ev.new_user_id()
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as bot:
        batches = []
        handle_batch = bot.runtime.processor._handle_batch

        async def recorded(keys):
            batches.append(list(keys))
            return await handle_batch(keys)

        bot.runtime.processor._handle_batch = recorded
        base = bot.now_ms()
        assert (await bot.deliver(*[ev.postback(user, "chk:ans:1:safe", timestamp_ms=base + i)
                                    for i, user in enumerate(tappers)])).status_code == 200
        assert (await bot.deliver(ev.text_message(writer, "こんにちは", timestamp_ms=base + 200))).status_code == 200
        await bot.drain()
        assert bot.texts_to(writer) == [T.NOT_REGISTERED]
        assert all(bot.texts_to(user) == [T.CHECK_NOT_TARGET] for user in tappers)
        with_writer = [batch for batch in batches if writer in batch]
        assert with_writer == [[writer]], [len(batch) for batch in batches]
        assert batches.index(with_writer[0]) < len(batches) - 1  # while taps were still waiting
