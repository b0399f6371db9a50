"""Notices: composed in LINE or from the command line, sent to a segment, acknowledged, reminded."""

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.texts import catalog as T
from bot.fakeline import events as ev
from db.models import Notice, NoticeRecipient, OutboxMessage
from tests.harness import BotHarness
from tests.seed import partnership

MULTICAST = "/v2/bot/message/multicast"


def notice_cards(bot, user):
    return [message for message in bot.messages_to(user) if message["type"] == "flex"]


def ack_data(card) -> str:
    return card["contents"]["footer"]["contents"][0]["action"]["data"]


async def compose(bot, staff, text, *picks):
    await bot.say(staff, T.NOTICE)
    await bot.say(staff, text)
    for label in picks:
        await bot.press(staff, label)


async def test_compose_in_line_send_now_and_acknowledge(bot):
    people = await partnership(bot)
    bot.line.set_quota(1000)
    await compose(bot, people["staff"], "12月の推進会議は市役所3階で行います。", T.PICK_BY_FIELD, "防災", T.SEND_NOW)
    preview = bot.texts_to(people["staff"])[-1]
    assert "送信先：分野：防災（3人）" in preview and "消費するメッセージ数：3通" in preview
    assert "今月の上限：1000通／使用済み：0通／送信後の残り：997通" in preview
    assert bot.line.sent(MULTICAST) == []  # nothing before confirmation
    await bot.press(people["staff"], T.CONFIRM_SEND)
    assert bot.last_text(people["staff"]) == T.NOTICE_SENT.format(count=3)
    [call] = bot.line.sent(MULTICAST)
    assert sorted(call.json["to"]) == sorted([people["npo"], people["npo_deputy"], people["company"]])
    assert notice_cards(bot, people["school"]) == []
    [card] = notice_cards(bot, people["npo"])
    assert "12月の推進会議" in card["contents"]["body"]["contents"][1]["text"]

    await bot.tap(people["npo"], ack_data(card))
    assert bot.last_text(people["npo"]) == T.ACK_THANKS
    await bot.tap(people["npo"], ack_data(card))
    assert bot.last_text(people["npo"]) == T.ACK_ALREADY
    await bot.tap(people["school"], ack_data(card))
    assert bot.last_text(people["school"]) == T.ACK_NOT_YOURS
    acked = await bot.scalars(select(NoticeRecipient).where(NoticeRecipient.acked_at.is_not(None)))
    assert [r.line_user_id for r in acked] == [people["npo"]]

    await bot.say(people["staff"], T.NOTICE_STATUS)
    assert "確認 1/3人" in bot.last_text(people["staff"])
    await bot.press(people["staff"], bot.quick_labels(people["staff"])[0])
    detail = bot.last_text(people["staff"])
    assert "未確認（2人）" in detail and "株式会社 山田建設 企業 担当" in detail and "NPO 代表" not in detail


async def test_scheduled_notice_fires_at_its_time(bot):
    people = await partnership(bot)
    await compose(bot, people["staff"], "来週の清掃活動のお知らせ", T.PICK_BY_TYPE, T.ORG_TYPE_LABELS["npo"])
    await bot.send(ev.postback(people["staff"], "ntc:when:pick", params={"datetime": "2026-11-25T09:00"},
                               timestamp_ms=bot.now_ms()))
    assert "送信日時：11/25(水) 09:00" in bot.texts_to(people["staff"])[-1]
    await bot.press(people["staff"], T.CONFIRM_SEND)
    assert bot.last_text(people["staff"]) == T.NOTICE_SCHEDULED.format(when="11/25(水) 09:00", count=2)
    bot.clock.set(datetime(2026, 11, 25, 8, 59, tzinfo=bot.settings.tz))
    await bot.runtime.scheduler.run_due()
    assert bot.line.sent(MULTICAST) == []
    bot.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=bot.settings.tz))
    assert (await bot.runtime.scheduler.run_due())["send_due_notices"] == 1
    [call] = bot.line.sent(MULTICAST)
    assert sorted(call.json["to"]) == sorted([people["npo"], people["npo_deputy"]])
    assert (await bot.runtime.scheduler.run_due())["send_due_notices"] == 0


async def test_a_time_in_the_past_is_refused(bot):
    people = await partnership(bot)
    await compose(bot, people["staff"], "お知らせ本文", T.SEGMENT_ALL)
    await bot.send(ev.postback(people["staff"], "ntc:when:pick", params={"datetime": "2026-11-23T09:00"},
                               timestamp_ms=bot.now_ms()))
    assert T.NOTICE_TIME_PAST in bot.texts_to(people["staff"])
    assert await bot.scalars(select(Notice)) == []


async def test_ack_reminder_goes_once_and_only_to_those_who_did_not_acknowledge(bot):
    people = await partnership(bot)
    await compose(bot, people["staff"], "アンケートにご協力ください", T.SEGMENT_ALL, T.SEND_NOW, T.CONFIRM_SEND)
    [card] = notice_cards(bot, people["npo"])
    await bot.tap(people["npo"], ack_data(card))
    await bot.tap(people["staff"], ack_data(card))
    bot.clock.advance(timedelta(hours=23))
    assert (await bot.runtime.scheduler.run_due())["send_ack_reminders"] == 0
    bot.clock.advance(timedelta(hours=1))
    assert (await bot.runtime.scheduler.run_due())["send_ack_reminders"] == 1
    reminder = bot.line.sent(MULTICAST)[-1]
    assert sorted(reminder.json["to"]) == sorted([people["npo_deputy"], people["company"], people["school"]])
    assert reminder.json["messages"][0]["contents"]["body"]["contents"][0]["text"] == T.NOTICE_REMINDER_HEADER
    bot.clock.advance(timedelta(days=2))
    assert (await bot.runtime.scheduler.run_due())["send_ack_reminders"] == 0
    assert len(bot.line.sent(MULTICAST)) == 2


async def test_ack_reminder_due_at_night_waits_for_morning(bot):
    people = await partnership(bot)
    bot.clock.set(datetime(2026, 11, 24, 21, 30, tzinfo=bot.settings.tz))
    await compose(bot, people["staff"], "夜のお知らせ", T.SEGMENT_ALL, T.SEND_NOW, T.CONFIRM_SEND)
    assert len(bot.line.sent(MULTICAST)) == 1  # 21:30 is before quiet hours
    bot.clock.set(datetime(2026, 11, 25, 21, 30, tzinfo=bot.settings.tz))
    assert (await bot.runtime.scheduler.run_due())["send_ack_reminders"] == 1
    assert len(bot.line.sent(MULTICAST)) == 2  # due at 21:30 the next day: sent
    bot.line.reset()
    bot.clock.set(datetime(2026, 11, 25, 22, 30, tzinfo=bot.settings.tz))
    await compose(bot, people["staff"], "遅い時間のお知らせ", T.SEGMENT_ALL, T.SEND_NOW)
    # The preview already says when 今すぐ really arrives, not only the confirmation after 送信する.
    assert "送信日時：今すぐ（夜間のため11/26(木) 07:00に届きます）\n" in bot.texts_to(people["staff"])[-1]
    await bot.press(people["staff"], T.CONFIRM_SEND)
    assert bot.line.sent(MULTICAST) == []  # quiet hours: held, and staff are told when it goes
    assert bot.last_text(people["staff"]) == "お知らせを受け付けました（5人）。夜間のため11/26(木) 07:00に届きます。"
    bot.clock.set(datetime(2026, 11, 26, 7, 0, tzinfo=bot.settings.tz))
    await bot.runtime.gateway.deliver_due()
    assert len(bot.line.sent(MULTICAST)) == 1
    bot.clock.set(datetime(2026, 11, 26, 22, 30, tzinfo=bot.settings.tz))
    assert (await bot.runtime.scheduler.run_due())["send_ack_reminders"] == 1
    assert len(bot.line.sent(MULTICAST)) == 1  # the reminder is due in quiet hours: held
    bot.clock.set(datetime(2026, 11, 27, 7, 0, tzinfo=bot.settings.tz))
    await bot.runtime.gateway.deliver_due()
    assert len(bot.line.sent(MULTICAST)) == 2


async def test_notice_at_night_is_held_until_morning(bot):
    people = await partnership(bot)
    await compose(bot, people["staff"], "夜間に予約したお知らせ", T.SEGMENT_ALL)
    await bot.send(ev.postback(people["staff"], "ntc:when:pick", params={"datetime": "2026-11-24T23:30"},
                               timestamp_ms=bot.now_ms()))
    assert "送信日時：11/24(火) 23:30（夜間のため11/25(水) 07:00に届きます）\n" in bot.texts_to(people["staff"])[-1]
    await bot.press(people["staff"], T.CONFIRM_SEND)
    bot.clock.set(datetime(2026, 11, 24, 23, 30, tzinfo=bot.settings.tz))
    await bot.runtime.scheduler.run_due()
    assert bot.line.sent(MULTICAST) == []
    [notice] = await bot.scalars(select(Notice))
    held = (await bot.scalars(select(OutboxMessage).where(OutboxMessage.purpose == f"notice:{notice.id}")))[0]
    assert held.status == "pending"
    # Until LINE takes it, staff read that it waits for the morning, and members do not see it yet.
    note = T.QUIET_HOURS_HOLD.format(held="11/25(水) 07:00")
    await bot.say(people["staff"], T.NOTICE_STATUS)
    assert note in bot.last_text(people["staff"]) and "確認 0/" not in bot.last_text(people["staff"])
    await bot.press(people["staff"], f"#{notice.id}")
    assert bot.last_text(people["staff"]).startswith(f"#{notice.id} {note}")
    await bot.say(people["npo"], T.NOTICE_LIST)
    assert T.NOTICE_LIST_NONE in bot.last_text(people["npo"])
    bot.clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=bot.settings.tz))
    await bot.runtime.gateway.deliver_due()
    assert len(bot.line.sent(MULTICAST)) == 1
    await bot.say(people["npo"], T.NOTICE_LIST)
    assert "夜間に予約したお知らせ（未確認）" in bot.last_text(people["npo"])
    await bot.say(people["staff"], T.NOTICE_STATUS)
    assert "確認 0/" in bot.last_text(people["staff"]) and note not in bot.last_text(people["staff"])


async def test_two_scheduler_instances_send_each_notice_exactly_once(database_url, fake_line, clock):
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as first, \
            BotHarness(database_url=database_url, line=fake_line, clock=clock) as second:
        people = await partnership(first)
        for i in range(5):
            await compose(first, people["staff"], f"予約のお知らせ {i}", T.SEGMENT_ALL)
            await first.send(ev.postback(people["staff"], "ntc:when:pick", params={"datetime": "2026-11-24T12:00"},
                                         timestamp_ms=first.now_ms()))
            await first.press(people["staff"], T.CONFIRM_SEND)
        clock.set(datetime(2026, 11, 24, 12, 0, tzinfo=first.settings.tz))
        results = await asyncio.gather(first.runtime.scheduler.run_due(), second.runtime.scheduler.run_due(),
                                       first.runtime.scheduler.run_due(), second.runtime.scheduler.run_due())
        assert sum(r["send_due_notices"] for r in results) == 5
        calls = fake_line.sent(MULTICAST)
        assert len(calls) == 5
        for user in people.values():
            assert len(notice_cards(first, user)) == 5
        clock.advance(timedelta(days=1))
        results = await asyncio.gather(first.runtime.scheduler.run_due(), second.runtime.scheduler.run_due())
        assert sum(r["send_ack_reminders"] for r in results) == 5
        assert len(fake_line.sent(MULTICAST)) == 10


async def test_members_who_are_not_staff_cannot_send(bot):
    people = await partnership(bot)
    await bot.say(people["npo"], T.NOTICE)
    assert bot.last_text(people["npo"]) == T.NOTICE_STAFF_ONLY
    assert T.NOTICE not in bot.quick_labels(people["npo"])
    await bot.tap(people["npo"], "ntc:seg:all")
    assert bot.last_text(people["npo"]) == T.STALE_BUTTON
    await bot.say(people["npo"], T.NOTICE_STATUS)
    assert bot.last_text(people["npo"]) == T.NOTICE_STAFF_ONLY
    assert await bot.scalars(select(Notice)) == [] and bot.line.sent(MULTICAST) == []


async def test_a_segment_with_nobody_is_refused(bot):
    people = await partnership(bot)
    await compose(bot, people["staff"], "観光分野の方へ", T.PICK_BY_FIELD, "観光")
    assert T.NOTICE_NO_RECIPIENTS.format(segment="分野：観光") in bot.texts_to(people["staff"])
    assert bot.last_text(people["staff"]) == T.ASK_NOTICE_SEGMENT
    assert await bot.scalars(select(Notice)) == []


async def test_a_send_over_the_quota_needs_an_explicit_confirmation(bot):
    people = await partnership(bot)
    bot.line.set_quota(3)
    await compose(bot, people["staff"], "全員へのお知らせ", T.SEGMENT_ALL, T.SEND_NOW)
    assert T.QUOTA_EXCEEDED.format(over=2) == bot.last_text(people["staff"])
    assert bot.quick_labels(people["staff"]) == [T.CONFIRM_SEND_OVER, T.CANCEL]
    await bot.say(people["staff"], T.CONFIRM_SEND)
    assert T.NOTICE_CONFIRM_INVALID.format(ok=T.CONFIRM_SEND_OVER) in bot.texts_to(people["staff"])
    assert bot.line.sent(MULTICAST) == []
    await bot.press(people["staff"], T.CANCEL)
    assert await bot.scalars(select(Notice)) == []
    await compose(bot, people["staff"], "全員へのお知らせ", T.SEGMENT_ALL, T.SEND_NOW, T.CONFIRM_SEND_OVER)
    # Sent as confirmed; LINE itself refuses what is past the monthly limit (429).
    assert [r.path for r in bot.line.requests].count(MULTICAST) == 1
    assert (await bot.scalars(select(Notice)))[0].over_quota_confirmed is True


async def test_notice_to_chosen_organizations(bot):
    people = await partnership(bot)
    await compose(bot, people["staff"], "2団体へのお知らせ", T.PICK_ORGS, "市立大学")
    await bot.tap(people["staff"], "ntc:pick:type")  # an earlier menu button: it still works
    await bot.press(people["staff"], T.ORG_TYPE_LABELS["company"])
    assert bot.last_text(people["staff"]) == T.ASK_NOTICE_WHEN
    await bot.say(people["staff"], T.CANCEL)
    await compose(bot, people["staff"], "2団体へのお知らせ", T.PICK_ORGS, "市立大学", "株式会社 山田建設", T.DONE, T.SEND_NOW)
    assert "団体：株式会社 山田建設、市立大学（2人）" in bot.texts_to(people["staff"])[-1]
    await bot.press(people["staff"], T.CONFIRM_SEND)
    assert sorted(bot.line.sent(MULTICAST)[0].json["to"]) == sorted([people["company"], people["school"]])


async def test_notice_to_the_members_seen_in_a_group(bot):
    people = await partnership(bot)
    group = ev.new_group_id()
    bot.line.set_group(group, "防災ワーキング")
    await bot.send(ev.join(group, timestamp_ms=bot.now_ms()))
    for user in (people["npo"], people["company"]):
        await bot.send(ev.text_message(user, "よろしくお願いします", group_id=group, timestamp_ms=bot.now_ms()))
    await compose(bot, people["staff"], "ワーキングの皆さんへ", T.PICK_BY_GROUP, "防災ワーキング", T.SEND_NOW)
    assert "送信先：グループ：防災ワーキング（2人）" in bot.texts_to(people["staff"])[-1]
    await bot.press(people["staff"], T.CONFIRM_SEND)
    assert sorted(bot.line.sent(MULTICAST)[0].json["to"]) == sorted([people["npo"], people["company"]])


async def test_notice_to_the_deputies(bot):
    people = await partnership(bot)
    await compose(bot, people["staff"], "副担当の皆さんへ：引継ぎの資料です。", T.PICK_BY_ROLE, T.ROLE_DEPUTY, T.SEND_NOW)
    assert "送信先：担当区分：副担当（1人）" in bot.texts_to(people["staff"])[-1]
    await bot.press(people["staff"], T.CONFIRM_SEND)
    [call] = bot.line.sent(MULTICAST)
    assert call.json["to"] == [people["npo_deputy"]]


async def test_the_ack_reminder_waits_until_the_notice_itself_has_arrived(bot):
    """A notice held by the night is not reminded of before it has reached anyone, however short its wait."""
    people = await partnership(bot)
    bot.clock.set(datetime(2026, 11, 24, 23, 0, tzinfo=bot.settings.tz))
    await compose(bot, people["staff"], "夜のお知らせ", T.SEGMENT_ALL, T.SEND_NOW)
    await bot.press(people["staff"], T.CONFIRM_SEND)
    [notice] = await bot.scalars(select(Notice))
    async with bot.runtime.sessions() as session, session.begin():
        (await session.get(Notice, notice.id)).remind_after_minutes = 60
    bot.clock.set(datetime(2026, 11, 25, 1, 0, tzinfo=bot.settings.tz))
    await bot.runtime.scheduler.run_due()
    assert await bot.scalars(select(NoticeRecipient).where(NoticeRecipient.reminded_at.is_not(None))) == []
    bot.clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=bot.settings.tz))
    await bot.runtime.gateway.deliver_due()
    assert len(bot.line.sent(MULTICAST)) == 1
    await bot.runtime.scheduler.run_due()
    assert len(await bot.scalars(select(NoticeRecipient).where(NoticeRecipient.reminded_at.is_not(None)))) == 5
