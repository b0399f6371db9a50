"""Generic reminders: a due time, a segment and a message, sent once by whichever scheduler gets there."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from db.access import create_reminder
from db.models import EventStatus, InboundEvent, Member, Reminder
from db.segments import Segment, SegmentError
from bot.fakeline import events as ev
from tests.harness import BotHarness
from tests.seed import partnership


async def remind(bot, *, after: timedelta, segment: Segment, text: str, key: str | None = None):
    async with bot.runtime.sessions() as session, session.begin():
        return await create_reminder(session, due_at=bot.clock.now() + after, segment=segment, text=text,
                                     purpose="test", now=bot.clock.now(), dedupe_key=key)


async def test_a_reminder_goes_once_to_the_members_it_names(bot):
    people = await partnership(bot)
    company = (await bot.scalars(select(Member.id).where(Member.line_user_id == people["company"])))[0]
    await remind(bot, after=timedelta(hours=2), segment=Segment("members", str(company)), text="明日は会議です")
    assert await remind(bot, after=timedelta(hours=5), segment=Segment("all"), text="x", key="k") is not None
    assert await remind(bot, after=timedelta(hours=5), segment=Segment("all"), text="x", key="k") is None
    bot.clock.advance(timedelta(hours=1))
    assert (await bot.runtime.scheduler.run_due())["send_due_reminders"] == 0
    bot.clock.advance(timedelta(hours=1))
    assert (await bot.runtime.scheduler.run_due())["send_due_reminders"] == 1
    assert bot.texts_to(people["company"]) == ["明日は会議です"]
    assert all(bot.texts_to(people[who]) == [] for who in ("npo", "staff", "school"))
    assert (await bot.runtime.scheduler.run_due())["send_due_reminders"] == 0


async def test_a_reminder_due_while_the_service_was_down_goes_when_it_is_back(database_url, fake_line, clock):
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as before:
        people = await partnership(before)
        await remind(before, after=timedelta(minutes=30), segment=Segment("staff"), text="見直しの準備を")
    clock.advance(timedelta(hours=6))  # down all that time
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as after:
        await after.runtime.scheduler.run_due()
        assert after.texts_to(people["staff"]) == ["見直しの準備を"]
        reminder = (await after.scalars(select(Reminder)))[0]
        assert (reminder.status, reminder.recipients) == ("sent", 1)


async def test_two_schedulers_send_a_reminder_once(database_url, fake_line, clock):
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as first, \
            BotHarness(database_url=database_url, line=fake_line, clock=clock) as second:
        people = await partnership(first)
        for i in range(10):
            await remind(first, after=timedelta(minutes=i), segment=Segment("all"), text=f"リマインド{i}")
        clock.advance(timedelta(hours=1))
        await asyncio.gather(first.runtime.scheduler.run_due(), second.runtime.scheduler.run_due())
        for user in people.values():
            assert sorted(first.texts_to(user)) == sorted(f"リマインド{i}" for i in range(10))


def test_segment_specs_are_checked():
    assert Segment.parse(" orgs: 3,1,3 ").spec == "orgs:1,3"
    assert Segment.parse("field:防災") == Segment("field", "防災")
    for bad in ("everyone", "type:shop", "field:宇宙", "agreement:x", "orgs:", "all:1", "members:a"):
        with pytest.raises(SegmentError):
            Segment.parse(bad)


async def test_handled_events_are_forgotten_after_thirty_days(bot):
    user = ev.new_user_id()
    await bot.follow(user)
    await bot.say(user, "こんにちは")
    bot.clock.advance(timedelta(days=29))
    await bot.say(user, "まだ残る")
    await bot.runtime.scheduler.run_due()
    assert len(await bot.scalars(select(InboundEvent))) == 3
    bot.clock.advance(timedelta(days=2))
    await bot.runtime.scheduler.run_due()
    assert [e.event_time_ms for e in await bot.scalars(select(InboundEvent))] == [bot.now_ms() - 2 * 86_400_000]


async def test_events_that_failed_are_forgotten_after_thirty_days_too(bot):
    """A failed event carries the member's message as much as a handled one does."""
    user = ev.new_user_id()
    await bot.follow(user)
    await bot.say(user, "処理に失敗したことにする")
    async with bot.runtime.sessions() as session, session.begin():  # as the worker leaves one it gave up on
        await session.execute(update(InboundEvent).where(InboundEvent.event_type == "message")
                              .values(status=EventStatus.failed, error="RuntimeError"))
    bot.clock.advance(timedelta(days=29))
    await bot.runtime.scheduler.run_due()
    assert sorted(e.status for e in await bot.scalars(select(InboundEvent))) == [EventStatus.done, EventStatus.failed]
    bot.clock.advance(timedelta(days=2))
    await bot.runtime.scheduler.run_due()
    assert await bot.scalars(select(InboundEvent)) == []
