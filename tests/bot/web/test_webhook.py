"""The webhook contract: signatures, storing before the 200, redelivery, restarts, ordering."""

import asyncio
import json
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.line import messages as m
from bot.texts import catalog as T
from bot.line.outbox import queue_reply
from bot.runtime import running
from bot.pipeline.worker import in_shard
from bot.fakeline import events as ev
from db.models import Conversation, InboundEvent, OutboxMessage
from db.engine import create_engine, session_factory
from tests.harness import CHANNEL_SECRET, BotHarness
from tests.handlers.test_registration import make_invite


async def test_missing_or_wrong_signature_is_400_and_stores_nothing(bot):
    body = ev.body([ev.follow(ev.new_user_id())])
    assert (await bot.post(body, None)).status_code == 400
    assert (await bot.post(body, ev.sign(body, "another-secret"))).status_code == 400
    assert (await bot.post(body + b" ", ev.sign(body, CHANNEL_SECRET))).status_code == 400
    assert await bot.scalars(select(InboundEvent)) == []
    assert bot.line.requests == []


async def test_signed_but_malformed_body_is_400(bot):
    for body in (b"not json", b'{"destination": "x"}', b'{"events": {}}'):
        assert (await bot.post(body, ev.sign(body, CHANNEL_SECRET))).status_code == 400
    assert await bot.scalars(select(InboundEvent)) == []


async def test_empty_events_list_is_200(bot):
    body = ev.body([])
    response = await bot.post(body, ev.sign(body, CHANNEL_SECRET))
    assert response.status_code == 200


async def test_events_are_stored_before_the_200(database_url, fake_line, clock):
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, handle_events=False) as bot:
        user = ev.new_user_id()
        response = await bot.deliver(ev.follow(user), ev.text_message(user, "こんにちは"))
        assert response.status_code == 200
        rows = await bot.scalars(select(InboundEvent).order_by(InboundEvent.id))
        assert [(r.event_type, r.status) for r in rows] == [("follow", "pending"), ("message", "pending")]
        assert fake_line.requests == []


async def test_redelivered_event_is_handled_once(bot):
    user = ev.new_user_id()
    follow = ev.follow(user, timestamp_ms=bot.now_ms())
    await bot.send(follow)
    again = json.loads(json.dumps(follow))
    again["deliveryContext"]["isRedelivery"] = True
    await bot.send(again)
    await bot.send(follow, follow)  # duplicated inside one request too
    assert bot.texts_to(user) == [T.WELCOME]
    assert len(await bot.scalars(select(InboundEvent))) == 1


async def test_unknown_event_types_are_stored_and_ignored(bot):
    user = ev.new_user_id()
    odd = ev.follow(user, timestamp_ms=bot.now_ms())
    odd["type"] = "somethingNew"
    odd.pop("follow", None)
    await bot.send(odd, check_schema=False)
    row = (await bot.scalars(select(InboundEvent)))[0]
    assert (row.event_type, row.status) == ("somethingNew", "done")
    assert bot.line.requests == []


async def test_events_stored_by_a_process_that_died_are_handled_on_restart(database_url, fake_line, clock):
    user = ev.new_user_id()
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, handle_events=False) as dead:
        assert (await dead.deliver(ev.follow(user, timestamp_ms=dead.now_ms()))).status_code == 200
        assert (await dead.deliver(ev.text_message(user, "ヘルプ", timestamp_ms=dead.now_ms() + 1))).status_code == 200
    assert fake_line.requests == []
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as restarted:
        restarted.reply_targets.update(dead.reply_targets)
        await restarted.drain()
        assert restarted.texts_to(user) == [T.WELCOME, T.NOT_REGISTERED]
        statuses = {row.status for row in await restarted.scalars(select(InboundEvent))}
        assert statuses == {"done"}


async def test_one_users_events_are_handled_in_order_across_workers(database_url, fake_line, clock):
    """Two app instances on one database race for the same user's events: each is handled once, in order."""
    user = ev.new_user_id()
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, handle_events=False) as ingest:
        code = await make_invite(ingest)
        base = ingest.now_ms()
        steps = [ev.follow(user, timestamp_ms=base), ev.text_message(user, code, timestamp_ms=base + 1),
                 ev.text_message(user, "山田 花子", timestamp_ms=base + 2),
                 ev.postback(user, "reg:field:0", timestamp_ms=base + 3),
                 ev.postback(user, "reg:field:1", timestamp_ms=base + 4),
                 ev.postback(user, "reg:field:done", timestamp_ms=base + 5)]
        for event in reversed(steps):  # arrival order must not matter, event time does
            assert (await ingest.deliver(event)).status_code == 200
    fake_line.latency = 0.05  # replies in flight while the other instance takes the next event
    first = BotHarness(database_url=database_url, line=fake_line, clock=clock)
    second = BotHarness(database_url=database_url, line=fake_line, clock=clock)
    await asyncio.gather(first.__aenter__(), second.__aenter__())  # both sweep and start working at once
    try:
        await asyncio.gather(first.drain(), second.drain())
    finally:
        await asyncio.gather(first.__aexit__(None, None, None), second.__aexit__(None, None, None))
    first.reply_targets.update(ingest.reply_targets)
    conversation = await _conversation(database_url, user)
    assert conversation.state == "Registration:role"
    assert conversation.data["name"] == "山田 花子" and conversation.data["fields"] == ["防災", "福祉"]
    # A user's next event waits until the reply to the previous one has gone, whichever process sends it.
    texts = first.texts_to(user)
    assert texts[0] == T.WELCOME and texts[-1] == T.ASK_ROLE
    assert texts.index(T.ASK_NAME) < texts.index(T.ASK_ROLE)
    assert len(fake_line.sent("/v2/bot/message/reply")) == len(steps)


async def _conversation(database_url, user):
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            return await session.get(Conversation, user)
    finally:
        await engine.dispose()


async def test_a_user_waiting_for_a_reply_sent_elsewhere_does_not_hold_up_others(bot):
    waiting, other = ev.new_user_id(), ev.new_user_id()
    async with bot.runtime.sessions() as session, session.begin():
        # Another process is sending this user's previous reply (its lease is live).
        [in_flight] = queue_reply(session, reply_token="b" * 32, received_at=bot.clock.now(), to=waiting,
                                  messages=[m.text("前の返信")], purpose="test", now=bot.clock.now(), actor_key=waiting)
        bot.runtime.gateway.lease([in_flight], bot.clock.now())
    await bot.deliver(ev.follow(waiting, timestamp_ms=bot.now_ms()))
    await bot.deliver(ev.follow(other, timestamp_ms=bot.now_ms()))
    await bot.line.wait_for_async(lambda: bot.texts_to(other) == [T.WELCOME], timeout=2)
    assert bot.texts_to(waiting) == []  # still waiting its turn
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == in_flight.id).values(status="sent"))
    await bot.drain()
    assert bot.texts_to(waiting) == [T.WELCOME]


async def test_a_reply_stuck_elsewhere_holds_the_user_up_for_five_seconds_at_most(bot):
    """The cross-process wait is measured on the app's clock: past it, a stuck lease no longer holds the user."""
    user = ev.new_user_id()
    async with bot.runtime.sessions() as session, session.begin():
        # Another process claimed this user's previous reply and went quiet (its lease is still live).
        [stuck] = queue_reply(session, reply_token="c" * 32, received_at=bot.clock.now(), to=user,
                              messages=[m.text("前の返信")], purpose="test", now=bot.clock.now(), actor_key=user)
        bot.runtime.gateway.lease([stuck], bot.clock.now())
    await bot.deliver(ev.follow(user, timestamp_ms=bot.now_ms()))
    processor = bot.runtime.processor
    await processor.handle_actor(user)  # waits for the stuck reply
    bot.clock.advance(timedelta(seconds=4.9))
    await processor.handle_actor(user)
    assert processor.sending() == 0 and bot.texts_to(user) == []
    bot.clock.advance(timedelta(seconds=0.1))
    # Not drain(): the stuck reply stays in flight, and the user is looked at again until the end.
    await bot.line.wait_for_async(lambda: bot.texts_to(user) == [T.WELCOME], timeout=2)


async def test_an_oversized_body_is_refused_and_nothing_is_stored(bot):
    body = ev.body([ev.text_message(ev.new_user_id(), "あ" * 400_000)])
    response = await bot.post(body, ev.sign(body, CHANNEL_SECRET))
    assert response.status_code == 413
    assert await bot.scalars(select(InboundEvent)) == []


async def test_background_processes_split_the_users_and_together_handle_every_event(database_url, fake_line, clock):
    """WORKER_PROCESSES: each process takes its share of the users; no user is left out."""
    users = [ev.new_user_id() for _ in range(20)]
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, handle_events=False) as ingest:
        for user in users:
            assert (await ingest.deliver(ev.follow(user, timestamp_ms=ingest.now_ms()))).status_code == 200
    first_share = {user for user in users if in_shard(user, (0, 2))}
    assert 0 < len(first_share) < len(users)

    async def pending() -> set[str]:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine)() as session:
                return set(await session.scalars(select(InboundEvent.actor_key).where(InboundEvent.status == "pending")))
        finally:
            await engine.dispose()

    for index, left in ((0, set(users) - first_share), (1, set())):
        async with running(ingest.settings, clock, handle_events=True, send=True, run_scheduler=False,
                           sweep_seconds=0, shard=(index, 2)) as runtime:
            await runtime.drain()
        assert await pending() == left
    assert len(fake_line.sent("/v2/bot/message/reply")) == len(users)


async def test_a_slow_reply_does_not_hold_up_other_users(bot):
    """LINE takes its time answering a reply; meanwhile the worker goes on to other users."""
    slow, others = ev.new_user_id(), [ev.new_user_id() for _ in range(3)]
    bot.line.hang_next("/v2/bot/message/reply", 3.0)  # LINE answers once the test's clock has moved 3 s
    await bot.deliver(ev.follow(slow, timestamp_ms=bot.now_ms()))
    await bot.line.wait_for_async(lambda: bot.runtime.processor.sending(), timeout=2)  # its reply is on its way
    for user in others:
        await bot.deliver(ev.follow(user, timestamp_ms=bot.now_ms()))
    await bot.line.wait_for_async(lambda: all(bot.texts_to(u) == [T.WELCOME] for u in others), timeout=2)
    assert bot.texts_to(slow) == []  # still with LINE
    bot.clock.advance(timedelta(seconds=3))
    await bot.drain()
    assert bot.texts_to(slow) == [T.WELCOME]


async def test_a_users_next_event_waits_for_a_slow_reply_however_long(bot):
    """Replies go out in order even when LINE takes longer than the cross-process wait (5 s)."""
    user = ev.new_user_id()
    processor = bot.runtime.processor
    bot.line.hang_next("/v2/bot/message/reply", 6.0)  # LINE answers once the test's clock has moved 6 s
    await bot.deliver(ev.follow(user, timestamp_ms=bot.now_ms()))
    await bot.line.wait_for_async(lambda: processor.sending(), timeout=2)
    await bot.deliver(ev.text_message(user, "こんにちは", timestamp_ms=bot.now_ms() + 1))
    # Looked at before and after the cross-process wait is over (as a worker would, whenever it
    # comes back to the user), the text still waits while LINE has the welcome.
    await processor.handle_actor(user)
    bot.clock.advance(timedelta(seconds=5.5))
    await processor.handle_actor(user)
    assert processor.sending() == 1
    bot.clock.advance(timedelta(seconds=0.5))
    await bot.drain()
    texts = bot.texts_to(user)
    assert texts[0] == T.WELCOME and len(texts) == 2  # the welcome first, then the answer to the text


async def test_a_request_no_line_event_looks_like_fails_alone_beside_concurrent_ones(bot):
    """Concurrent requests share one insert: one that cannot be stored must not fail the others."""
    innocent = [ev.follow(ev.new_user_id(), timestamp_ms=bot.now_ms()) for _ in range(5)]
    bad = [{**ev.follow(ev.new_user_id()), "timestamp": 2**70},  # past any real time and 64-bit columns
           ev.follow("U" + "0" * 70),  # longer than any LINE id
           {**ev.follow(ev.new_user_id()), "source": {"type": "user", "userId": 12345}}]
    responses = await asyncio.gather(*(bot.deliver(event, check_schema=False) for event in [*bad, *innocent]))
    assert [r.status_code for r in responses] == [400] * len(bad) + [200] * len(innocent)
    await bot.drain()
    stored = await bot.scalars(select(InboundEvent))
    assert sorted(e.webhook_event_id for e in stored) == sorted(e["webhookEventId"] for e in innocent)
    for event in innocent:
        assert bot.texts_to(event["source"]["userId"]), "every innocent follower is greeted"


async def test_a_webhook_that_cannot_be_stored_in_time_is_answered_503_and_its_redelivery_is_handled(bot, database_url):
    """The database is held by someone else: LINE is told to come back (503) instead of waiting."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL going away is tested through the real processes (tests/faults)")
    user = ev.new_user_id()
    event = ev.text_message(user, "ヘルプ", timestamp_ms=bot.now_ms())
    blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the write lock, held past the webhook's patience
    try:
        refused = await bot.deliver(event)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert refused.status_code == 503
    redelivered = {**event, "deliveryContext": {"isRedelivery": True}}
    await bot.send(redelivered)
    assert len(bot.texts_to(user)) == 1
    assert len(await bot.scalars(select(InboundEvent))) == 1
