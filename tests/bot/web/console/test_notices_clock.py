"""The console's notices on the real app with a hand-moved clock and signed webhooks (no browser): a
notice sent at night says when it really arrives and waits for the morning, a scheduled one goes out
at its time from the scheduler, and a form without the session's CSRF token changes nothing."""

from datetime import datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.texts import catalog as T
from db.audit import Actor, Door
from db.console import issue_link, link_url
from db.models import AuditEntry, Member, Notice, NoticeRecipient, OutboxMessage
from tests.harness import BotHarness
from tests.seed import partnership

MULTICAST = "/v2/bot/message/multicast"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def console(database_url, fake_line, clock):
    """The app, the small partnership, and an HTTP client signed in to the console as its staff member."""
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as bot:
        bot.people = await partnership(bot)
        await sign_in(bot)
        yield bot


async def sign_in(bot) -> None:
    """A fresh console session at the clock's time (a jump of hours outlasts the idle limit, as it should)."""
    async with bot.runtime.sessions() as session, session.begin():
        staff = await session.scalar(select(Member).where(Member.line_user_id == bot.people["staff"]))
        token = await issue_link(session, member=staff, actor=Actor(door=Door.cli, label="test"), now=bot.clock.now())
    path = link_url("http://renkei.test", token).removeprefix("http://renkei.test")
    assert (await bot.client.post(path)).status_code == 303
    page = await bot.client.get("/console/notices/new")
    bot.csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]


async def post(bot, path: str, **fields):
    return await bot.client.post(path, content=urlencode({"csrf_token": bot.csrf, **fields}), headers=FORM)


async def test_a_notice_sent_at_night_says_when_it_arrives_and_waits_for_the_morning(console):
    bot = console
    bot.clock.set(datetime(2026, 11, 24, 23, 0, tzinfo=bot.settings.tz))
    await sign_in(bot)
    draft = {"title": "夜間の連絡", "text": "明日の会議室が変わりました。", "kind": "field", "value": "防災", "when": "now"}
    confirm = await post(bot, "/console/notices/confirm", **draft)
    assert confirm.status_code == 200
    assert "今すぐ（夜間のため11/25(水) 07:00に届きます）" in confirm.text
    sent = await post(bot, "/console/notices", **draft)
    assert sent.status_code == 303
    await bot.runtime.gateway.deliver_due()
    assert bot.line.sent(MULTICAST) == []  # held by the quiet hours, and kept
    bot.clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=bot.settings.tz))
    await bot.runtime.gateway.deliver_due()
    [call] = bot.line.sent(MULTICAST)
    assert sorted(call.json["to"]) == sorted([bot.people["npo"], bot.people["npo_deputy"], bot.people["company"]])


async def test_a_scheduled_notice_goes_out_at_its_time_and_its_page_follows(console):
    bot = console
    draft = {"text": "来週の清掃活動のお知らせ", "kind": "type", "value": "npo", "when": "later",
             "send_at": "2026-11-25T09:00"}
    scheduled = await post(bot, "/console/notices", **draft)
    assert scheduled.status_code == 303
    page = await bot.client.get(scheduled.headers["location"])
    assert T.CONSOLE_NOTICE_SCHEDULED_AT.format(when="11/25(水) 09:00") in page.text
    bot.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=bot.settings.tz))
    assert (await bot.runtime.scheduler.run_due())["send_due_notices"] == 1
    [call] = bot.line.sent(MULTICAST)
    assert sorted(call.json["to"]) == sorted([bot.people["npo"], bot.people["npo_deputy"]])
    await sign_in(bot)
    readers = await bot.client.get(scheduled.headers["location"].split("?")[0] + "/readers")
    assert T.CONSOLE_NOTICE_SUMMARY.format(acked=0, total=2) in readers.text
    assert T.CONSOLE_NOTICE_SENT_AT.format(when="11/25(水) 09:00") in readers.text
    assert T.CONSOLE_NOTICE_CANCEL not in readers.text
    await bot.tap(bot.people["npo_deputy"], call.json["messages"][0]["contents"]["footer"]["contents"][0]["action"]["data"])
    readers = await bot.client.get(scheduled.headers["location"].split("?")[0] + "/readers")
    assert T.CONSOLE_NOTICE_SUMMARY.format(acked=1, total=2) in readers.text and "NPO 副担当" in readers.text
    [entry] = await bot.scalars(select(AuditEntry).where(AuditEntry.action == "notice.schedule"))
    assert entry.details == {"segment": "type:npo", "recipients": 2, "send_at": "2026-11-25T00:00:00+00:00"}


async def test_a_form_without_the_sessions_token_sends_nothing(console):
    bot = console
    forged = await bot.client.post("/console/notices", content=urlencode(
        {"csrf_token": "forged", "text": "偽のお知らせ", "kind": "all", "when": "now"}), headers=FORM)
    assert forged.status_code == 403 and T.CONSOLE_CSRF_REFUSED in forged.text
    assert await bot.scalars(select(Notice)) == [] and bot.line.sent(MULTICAST) == []


async def test_a_notice_for_a_segment_that_names_nothing_is_refused(console):
    bot = console
    for fields, reason in [({"kind": "area", "value": "月面地区"}, "segment"), ({"kind": "orgs"}, "segment"),
                           ({"kind": "field", "value": "観光"}, "empty")]:
        refused = await post(bot, "/console/notices", text="お知らせ", when="now", **fields)
        assert refused.status_code == 422, fields
        assert T.NOTICE_REFUSALS[reason].split("「")[0] in refused.text
    unknown = await bot.client.get("/console/notices/999")
    assert unknown.status_code == 404 and T.CONSOLE_NOTICE_UNKNOWN in unknown.text
    assert await bot.scalars(select(Notice)) == []


async def test_a_notice_held_by_the_night_says_so_everywhere_until_line_takes_it(console):
    """Its page, the list, the home page and LINE's お知らせ状況 say when it arrives (from its outbox rows, not
    from when it was sent); 再通知 is refused and members do not see it in お知らせ一覧 until it has gone."""
    bot = console
    bot.clock.set(datetime(2026, 11, 24, 23, 0, tzinfo=bot.settings.tz))
    await sign_in(bot)
    draft = {"title": "夜間の連絡", "text": "明日の会議室が変わりました。\n3階です。", "kind": "field", "value": "防災",
             "when": "now"}
    sent = await post(bot, "/console/notices", **draft)
    assert sent.status_code == 303
    notice_page = sent.headers["location"].split("?")[0]
    await bot.runtime.gateway.deliver_due()
    assert bot.line.sent(MULTICAST) == []
    held = T.QUIET_HOURS_HOLD.format(held="11/25(水) 07:00")
    done = await bot.client.get(sent.headers["location"])
    assert T.CONSOLE_NOTICE_DONE_HELD.format(note=held) in done.text and T.CONSOLE_NOTICE_DONE["sent"] not in done.text
    bot.clock.set(datetime(2026, 11, 25, 2, 3, tzinfo=bot.settings.tz))
    await sign_in(bot)

    page = await bot.client.get(notice_page)
    assert held in page.text
    assert T.CONSOLE_NOTICE_SENT_AT.format(when="11/24(火) 23:00") not in page.text
    assert f"{notice_page}/remind" not in page.text
    listed = await bot.client.get("/console/notices")
    assert held in listed.text and T.NOTICE_DELIVERY_STATES["delivered"] not in listed.text
    home = await bot.client.get("/console")
    assert T.CONSOLE_HOME_NOTICE_HELD.format(id=notice_page.rsplit("/", 1)[1], title="夜間の連絡", note=held) in home.text
    assert "23:00送信" not in home.text
    remind_page = await bot.client.get(f"{notice_page}/remind")
    assert T.NOTICE_REFUSALS["not_delivered"] in remind_page.text and held in remind_page.text
    assert T.CONSOLE_NOTICE_REMIND_OK not in remind_page.text
    refused = await post(bot, f"{notice_page}/remind", seen="")
    assert refused.status_code == 422 and T.NOTICE_REFUSALS["not_delivered"] in refused.text
    assert await bot.scalars(select(OutboxMessage).where(OutboxMessage.purpose.like("notice-reminder%"))) == []

    await bot.say(bot.people["staff"], T.NOTICE_STATUS)
    status = bot.last_text(bot.people["staff"])
    assert held in status and "「夜間の連絡」" in status and "明日の会議室" not in status
    await bot.say(bot.people["npo"], T.NOTICE_LIST)
    assert T.NOTICE_LIST_NONE in bot.last_text(bot.people["npo"])
    assert [m for m in bot.messages_to(bot.people["npo"]) if m["type"] == "flex"] == []
    await bot.say(bot.people["npo"], T.ACK_BUTTON)
    assert await bot.scalars(select(NoticeRecipient).where(NoticeRecipient.acked_at.is_not(None))) == []

    bot.clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=bot.settings.tz))
    await bot.runtime.gateway.deliver_due()
    assert len(bot.line.sent(MULTICAST)) == 1
    await sign_in(bot)
    page = await bot.client.get(notice_page)
    assert T.CONSOLE_NOTICE_SENT_AT.format(when="11/25(水) 07:00") in page.text and held not in page.text
    assert f"{notice_page}/remind" in page.text
    listed = await bot.client.get("/console/notices")
    assert T.NOTICE_DELIVERY_STATES["delivered"] in listed.text and held not in listed.text
    remind_page = await bot.client.get(f"{notice_page}/remind")
    assert T.CONSOLE_NOTICE_REMIND_OK in remind_page.text
    await bot.say(bot.people["npo"], T.NOTICE_LIST)
    assert "11/25(水) 07:00　明日の会議室が変わりました。" in bot.last_text(bot.people["npo"])  # when it arrived
