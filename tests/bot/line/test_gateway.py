"""The outbox and the one gateway to LINE: retry keys, retries, give-ups, quiet hours, chunking."""

import asyncio
from collections import deque
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from bot.line import messages as m
from bot.texts import catalog as T
from bot.fakeline import events as ev
from bot.line.gateway import LEASE
from bot.line.outbox import queue_multicast, queue_push, queue_reply
from db.models import OutboxMessage
from bot.fakeline.server import FakeLine
from tests.harness import ACCESS_TOKEN, BotHarness
from tests.seed import partnership

PUSH = "/v2/bot/message/push"
REPLY = "/v2/bot/message/reply"


async def queue(bot, *, to=None, count=1, urgent=False, multicast=False, recipients=None):
    async with bot.runtime.sessions() as session, session.begin():
        messages = [m.text(f"お知らせ {i + 1}") for i in range(count)]
        if multicast:
            rows = queue_multicast(session, to=recipients, messages=messages, purpose="test", now=bot.clock.now(),
                                   urgent=urgent)
        else:
            rows = queue_push(session, to=to, messages=messages, purpose="test", now=bot.clock.now(), urgent=urgent)
        await session.flush()
        return [row.id for row in rows]


async def row(bot, row_id) -> OutboxMessage:
    return await bot.one(OutboxMessage, OutboxMessage.id == row_id)


def retry_keys(bot, path=PUSH) -> list[str]:
    return [r.headers["x-line-retry-key"] for r in bot.line.requests if r.path == path]


async def test_5xx_is_retried_with_backoff_and_the_same_retry_key(bot):
    user = ev.new_user_id()
    [row_id] = await queue(bot, to=user)
    bot.line.fail_next(PUSH, 500)
    await bot.runtime.gateway.deliver_due()
    first = await row(bot, row_id)
    assert (first.status, first.attempts, first.last_status) == ("pending", 1, 500)
    assert first.next_attempt_at > bot.clock.now()
    await bot.runtime.gateway.deliver_due()  # not due yet: nothing sent
    assert len(retry_keys(bot)) == 1
    bot.clock.advance(timedelta(seconds=3))
    await bot.runtime.gateway.deliver_due()
    done = await row(bot, row_id)
    assert (done.status, done.attempts, done.last_status) == ("sent", 2, 200)
    assert retry_keys(bot) == [done.retry_key, done.retry_key]
    assert bot.texts_to(user) == ["お知らせ 1"]


async def test_409_counts_as_delivered(bot):
    [row_id] = await queue(bot, to=ev.new_user_id())
    bot.line.fail_next(PUSH, 409)
    await bot.runtime.gateway.deliver_due()
    assert ((await row(bot, row_id)).status, (await row(bot, row_id)).last_status) == ("sent", 409)


async def test_a_retry_after_a_lost_response_is_answered_409_and_not_sent_twice(bot):
    user = ev.new_user_id()
    [row_id] = await queue(bot, to=user)
    outgoing = await row(bot, row_id)
    # LINE accepted an earlier attempt whose answer never arrived: the same key comes again.
    async with httpx.AsyncClient() as client:
        earlier = await client.post(bot.line.url + PUSH, json={"to": user, "messages": outgoing.messages},
                                    headers={"authorization": f"Bearer {ACCESS_TOKEN}",
                                             "x-line-retry-key": outgoing.retry_key})
    assert earlier.status_code == 200
    await bot.runtime.gateway.deliver_due()
    assert (await row(bot, row_id)).last_status == 409
    assert (await row(bot, row_id)).status == "sent"
    assert bot.texts_to(user) == ["お知らせ 1"]


async def test_4xx_is_recorded_as_failed_and_never_retried(bot):
    [row_id] = await queue(bot, to=ev.new_user_id())
    bot.line.fail_next(PUSH, 400)
    await bot.runtime.gateway.deliver_due()
    bot.clock.advance(timedelta(hours=1))
    await bot.runtime.gateway.deliver_due()
    failed = await row(bot, row_id)
    assert (failed.status, failed.attempts, failed.last_status) == ("failed", 1, 400)
    assert len(retry_keys(bot)) == 1


async def test_429_backs_off_then_succeeds(bot):
    user = ev.new_user_id()
    [row_id] = await queue(bot, to=user)
    bot.line.fail_next(PUSH, 429)
    await bot.runtime.gateway.deliver_due()
    waiting = await row(bot, row_id)
    assert (waiting.status, waiting.last_status) == ("pending", 429)
    assert waiting.next_attempt_at >= bot.clock.now() + timedelta(seconds=60)
    bot.clock.advance(timedelta(seconds=30))
    await bot.runtime.gateway.deliver_due()
    assert len(retry_keys(bot)) == 1
    bot.clock.advance(timedelta(minutes=2))
    await bot.runtime.gateway.deliver_due()
    assert (await row(bot, row_id)).status == "sent"
    assert len(set(retry_keys(bot))) == 1 and bot.texts_to(user) == ["お知らせ 1"]


async def test_retries_stop_after_the_last_attempt(bot):
    [row_id] = await queue(bot, to=ev.new_user_id())
    bot.line.fail_next(PUSH, 503, times=bot.runtime.gateway.max_attempts)
    for _ in range(bot.runtime.gateway.max_attempts + 2):
        await bot.runtime.gateway.deliver_due()
        bot.clock.advance(timedelta(minutes=10))
    gave_up = await row(bot, row_id)
    assert (gave_up.status, gave_up.attempts) == ("failed", bot.runtime.gateway.max_attempts)


async def test_timeout_is_retried_with_the_same_key(bot):
    user = ev.new_user_id()
    [row_id] = await queue(bot, to=user)
    bot.runtime.gateway.request_timeout = 0.3
    bot.line.hang_next(PUSH, 2.0)  # LINE answers once the test's clock has moved 2 s
    await bot.runtime.gateway.deliver_due()
    timed_out = await row(bot, row_id)
    assert (timed_out.status, timed_out.last_status, timed_out.attempts) == ("pending", None, 1)
    bot.clock.advance(timedelta(seconds=3))
    await bot.runtime.gateway.deliver_due()
    assert (await row(bot, row_id)).status == "sent"
    # LINE went on with the first request after the client gave up: the retry got 409, one delivery.
    await bot.line.wait_for_async(lambda: len(retry_keys(bot)) == 2)
    assert len(set(retry_keys(bot))) == 1 and bot.texts_to(user) == ["お知らせ 1"]


async def test_quiet_hours_hold_pushes_until_morning_but_not_urgent_ones(bot):
    tokyo_night = datetime(2026, 11, 24, 23, 30, tzinfo=bot.settings.tz)
    bot.clock.set(tokyo_night)
    user = ev.new_user_id()
    [held] = await queue(bot, to=user)
    [urgent] = await queue(bot, to=user, urgent=True)
    await bot.runtime.gateway.deliver_due()
    assert (await row(bot, urgent)).status == "sent"
    waiting = await row(bot, held)
    assert waiting.status == "pending" and waiting.attempts == 0
    assert waiting.next_attempt_at == datetime(2026, 11, 25, 7, 0, tzinfo=bot.settings.tz).astimezone(UTC)
    bot.clock.set(datetime(2026, 11, 25, 6, 59, tzinfo=bot.settings.tz))
    await bot.runtime.gateway.deliver_due()
    assert (await row(bot, held)).status == "pending"
    bot.clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=bot.settings.tz))
    await bot.runtime.gateway.deliver_due()
    assert (await row(bot, held)).status == "sent"
    assert len(bot.texts_to(user)) == 2


async def test_multicast_is_chunked_to_500_recipients_and_5_messages(bot):
    recipients = [ev.new_user_id() for _ in range(1201)]
    ids = await queue(bot, multicast=True, recipients=recipients, count=7)
    assert len(ids) == 6
    await bot.runtime.gateway.deliver_due()
    calls = bot.line.sent("/v2/bot/message/multicast")
    assert len(calls) == 6
    assert max(len(c.json["to"]) for c in calls) == 500 and max(len(c.json["messages"]) for c in calls) == 5
    assert len({c.headers["x-line-retry-key"] for c in calls}) == 6
    assert all(len(bot.texts_to(user)) == 7 for user in recipients[::100])
    bot.line.assert_no_schema_errors()


async def test_stale_reply_token_falls_back_to_push(database_url, fake_line, clock):
    user = ev.new_user_id()
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock, handle_events=False) as dead:
        assert (await dead.deliver(ev.follow(user, timestamp_ms=dead.now_ms()))).status_code == 200
    clock.advance(timedelta(minutes=5))
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as bot:
        await bot.drain()
        assert [r.path for r in fake_line.sent()] == ["/v2/bot/message/push"]
        assert bot.texts_to(user) == [T.WELCOME]
        sent = (await bot.scalars(select(OutboxMessage)))[0]
        assert (sent.kind, sent.status) == ("push", "sent")


async def test_rejected_reply_token_falls_back_to_push(bot):
    user = ev.new_user_id()
    follow = ev.follow(user, timestamp_ms=bot.now_ms())
    bot.line.expire_reply_token(follow["replyToken"])
    await bot.send(follow)
    assert bot.texts_to(user) == [T.WELCOME]
    assert [r.path for r in bot.line.sent()] == ["/v2/bot/message/push"]


async def test_a_reply_that_timed_out_but_arrived_is_not_pushed_again(bot):
    user = ev.new_user_id()
    bot.runtime.gateway.request_timeout = 0.3
    bot.line.hang_next("/v2/bot/message/reply", 1.0)  # LINE takes it, but answers too late
    await bot.follow(user)
    bot.clock.advance(timedelta(seconds=1))
    await bot.line.wait_for_async(lambda: bot.line.sent("/v2/bot/message/reply"))  # the late answer
    bot.clock.advance(timedelta(seconds=2))
    await bot.runtime.gateway.deliver_due()
    reply = (await bot.scalars(select(OutboxMessage)))[0]
    assert (reply.kind, reply.status) == ("reply", "unknown")  # not "sent": nothing said LINE took it
    assert bot.texts_to(user) == [T.WELCOME]
    assert bot.line.sent(PUSH) == []


async def test_a_reply_sent_by_a_process_that_died_before_recording_it_is_not_pushed_again(bot):
    user = ev.new_user_id()
    async with bot.runtime.sessions() as session, session.begin():
        [queued] = queue_reply(session, reply_token="a" * 32, received_at=bot.clock.now(), to=user,
                               messages=[m.text("こんにちは")], purpose="test", now=bot.clock.now())
        await session.flush()
        row_id = queued.id
    bot.reply_targets["a" * 32] = user
    gateway = bot.runtime.gateway
    [claimed] = await gateway.claim([row_id], bot.clock.now())
    # The process that claimed it sends the reply, LINE takes it... and the process dies here.
    async with httpx.AsyncClient() as client:
        sent = await client.post(bot.line.url + REPLY, json={"replyToken": claimed.reply_token,
                                                             "messages": claimed.messages},
                                 headers={"authorization": f"Bearer {ACCESS_TOKEN}"})
    assert sent.status_code == 200
    bot.clock.advance(timedelta(seconds=61))  # the token has gone stale
    await gateway.deliver_due()
    assert (await row(bot, row_id)).status == "unknown"
    assert bot.texts_to(user) == ["こんにちは"] and bot.line.sent(PUSH) == []



async def _reply_row(bot, user, token):
    async with bot.runtime.sessions() as session, session.begin():
        [queued] = queue_reply(session, reply_token=token, received_at=bot.clock.now(), to=user,
                               messages=[m.text("こんにちは")], purpose="test", now=bot.clock.now(), actor_key=user)
        await session.flush()
    bot.reply_targets[token] = user
    return queued.id


async def test_a_reply_claimed_by_a_process_that_died_is_taken_over_within_seconds_and_sent_as_a_reply(bot):
    user = ev.new_user_id()
    row_id = await _reply_row(bot, user, "d" * 32)
    gateway = bot.runtime.gateway
    await gateway.claim([row_id], bot.clock.now())  # claimed, and the process died before sending
    bot.clock.advance(LEASE - timedelta(seconds=1))
    assert await gateway.deliver_due() == 0  # its lease still holds
    bot.clock.advance(timedelta(seconds=1))
    assert await gateway.deliver_due() == 1
    taken = await row(bot, row_id)
    assert (taken.kind, taken.status, taken.attempts) == ("reply", "sent", 2)
    assert bot.texts_to(user) == ["こんにちは"] and bot.line.sent(PUSH) == []


async def test_a_live_sender_renews_its_leases_so_nobody_takes_its_rows_over(bot):
    user = ev.new_user_id()
    [row_id] = await queue(bot, to=user)
    gateway = bot.runtime.gateway
    bot.line.hang_next(PUSH, 20.0)  # LINE is slow to answer
    sending = asyncio.create_task(gateway.deliver_due())
    await bot.line.wait_for_async(lambda: bot.line._hangs[PUSH] == deque())  # the request has reached LINE
    for _ in range(3):
        bot.clock.advance(LEASE / 2)
        await gateway.renew_leases()  # what the heartbeat does every HEARTBEAT_SECONDS
        assert (await row(bot, row_id)).lease_until == bot.clock.now() + LEASE
        assert await gateway.deliver_due() == 0
    bot.clock.advance(timedelta(seconds=20))
    await sending
    sent = await row(bot, row_id)
    assert (sent.status, sent.attempts, sent.lease_until) == ("sent", 1, None)
    assert len(retry_keys(bot)) == 1


async def test_closing_the_gateway_hands_back_what_it_holds(database_url, fake_line, clock):
    user = ev.new_user_id()
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as bot:
        [started] = await queue(bot, to=user)
        [waiting] = await queue(bot, to=user)
        gateway = bot.runtime.gateway
        fake_line.hang_next(PUSH, 60.0)
        gateway._limit = asyncio.Semaphore(1)  # the second row waits its turn behind the first
        sending = asyncio.create_task(gateway.deliver_due())
        await fake_line.wait_for_async(lambda: fake_line._hangs[PUSH] == deque())
        sending.cancel()  # the process is told to stop (SIGTERM) while the request is out
        await asyncio.gather(sending, return_exceptions=True)
    first, second = await row(bot, started), await row(bot, waiting)
    # Both go again at once, elsewhere: the one whose request went out counts its attempt.
    assert (first.status, first.lease_until, first.attempts) == ("pending", None, 1)
    assert (second.status, second.lease_until, second.attempts) == ("pending", None, 0)
    clock.advance(timedelta(seconds=61))


async def test_a_reply_during_a_line_outage_reaches_the_member_as_a_push_once_line_is_back(database_url, clock):
    """Refused connections certainly delivered nothing: once the token is gone, the reply goes as a push."""
    user = ev.new_user_id()
    with FakeLine(access_token=ACCESS_TOKEN, clock=clock) as line:
        async with BotHarness(database_url=database_url, line=line, clock=clock) as bot:
            line.stop()  # LINE unreachable: connections are refused
            await bot.follow(user)
            for _ in range(3):
                clock.advance(timedelta(seconds=20))
                await bot.runtime.gateway.deliver_due()
            [reply] = await bot.scalars(select(OutboxMessage))
            assert (reply.status, reply.attempts, reply.undelivered_attempts) == ("pending", 4, 4)
            line.start()  # back, after the reply token's minute
            clock.advance(timedelta(minutes=5))
            await bot.runtime.gateway.deliver_due()
            [push] = line.sent(PUSH)
            assert push.headers["x-line-retry-key"] == reply.retry_key and line.sent(REPLY) == []
            assert bot.texts_to(user) == [T.WELCOME]
            delivered = await row(bot, reply.id)
            assert (delivered.kind, delivered.status) == ("push", "sent")


async def test_the_monthly_limit_holds_what_is_not_urgent_tells_staff_once_and_lifts_with_the_quota(bot):
    people = await partnership(bot)
    staff, member = people["staff"], people["npo"]
    gateway = bot.runtime.gateway
    bot.line.set_quota(0)
    [notice] = await queue(bot, to=member)
    [check] = await queue(bot, to=member, urgent=True)
    await gateway.deliver_due()
    for row_id in (notice, check):
        held = await row(bot, row_id)
        # Not failed, not counted: the limit is not a rate limit to back off from.
        assert (held.status, held.attempts, held.last_status) == ("pending", 0, 429)
    assert gateway.limited_month() == "2026-11"
    [later] = await queue(bot, to=member)
    bot.clock.advance(timedelta(minutes=10))
    await gateway.deliver_due()
    pushes = [r for r in bot.line.requests if r.path == PUSH]
    assert {r.headers["x-line-retry-key"] for r in pushes} == {(await row(bot, notice)).retry_key,
                                                               (await row(bot, check)).retry_key}
    assert len(pushes) == 3  # the urgent one was tried again; the others were held, not sent
    # Replies are free: they still go, and each staff member's next one says the limit holds, once.
    await bot.say(staff, "ヘルプ")
    await bot.say(staff, "ヘルプ")
    await bot.say(member, "ヘルプ")
    assert bot.texts_to(staff).count(T.MONTHLY_LIMIT_REACHED) == 1
    assert T.MONTHLY_LIMIT_REACHED not in bot.texts_to(member)
    assert len(bot.line.sent(REPLY)) == 3
    # The channel's owner raises the quota: the next probe lifts the hold, and everything goes once.
    bot.line.set_quota(None)
    await gateway.refresh_quota()
    assert gateway.limited_month() is None
    await gateway.deliver_due()
    assert [(await row(bot, i)).status for i in (notice, check, later)] == ["sent"] * 3
    assert bot.texts_to(member).count("お知らせ 1") == 3


async def test_a_rate_limit_429_is_not_the_monthly_limit(bot):
    [row_id] = await queue(bot, to=ev.new_user_id())
    bot.line.fail_next(PUSH, 429)
    await bot.runtime.gateway.deliver_due()
    assert bot.runtime.gateway.limited_month() is None
    assert (await row(bot, row_id)).attempts == 1


async def test_the_monthly_limit_ends_with_the_month(bot):
    user = ev.new_user_id()
    gateway = bot.runtime.gateway
    bot.line.set_quota(0)
    [row_id] = await queue(bot, to=user)
    await gateway.deliver_due()
    assert gateway.limited_month() == "2026-11"
    bot.line.set_quota(None)  # LINE counts afresh from the first of the month (Japan time)
    bot.clock.set(datetime(2026, 12, 1, 0, 0, tzinfo=bot.settings.tz))
    await gateway.load_limit()
    assert gateway.limited_month() is None
    bot.clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=bot.settings.tz))  # past quiet hours, past the hold
    await gateway.deliver_due()
    assert (await row(bot, row_id)).status == "sent" and bot.texts_to(user) == ["お知らせ 1"]
