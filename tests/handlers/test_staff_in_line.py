"""What staff could do only on the server, now in LINE: calling off a scheduled notice, issuing an invite
code, registering an agreement."""

from datetime import date, datetime

from sqlalchemy import select

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.models import Agreement, Invite, Member, Notice, NoticeStatus, Organization, Reminder
from tests.handlers.test_notices import MULTICAST, compose
from tests.handlers.test_registration import register
from tests.seed import partnership


async def test_staff_call_off_a_scheduled_notice_in_line(bot):
    people = await partnership(bot)
    await compose(bot, people["staff"], "来週の清掃活動のお知らせ", T.SEGMENT_ALL)
    await bot.send(ev.postback(people["staff"], "ntc:when:pick", params={"datetime": "2026-11-25T09:00"},
                               timestamp_ms=bot.now_ms()))
    await bot.say(people["staff"], "送信")  # typed instead of tapped
    assert bot.last_text(people["staff"]) == T.NOTICE_SCHEDULED.format(when="11/25(水) 09:00", count=5)
    await bot.say(people["staff"], T.NOTICE_STATUS)
    assert "#1 11/25(水) 09:00に送信予定" in bot.last_text(people["staff"])
    await bot.press(people["staff"], T.NOTICE_CANCEL_BUTTON.format(id=1))
    assert bot.last_text(people["staff"]).startswith("11/25(水) 09:00に送信予定のお知らせ #1 を取り消しますか？")
    assert (await bot.one(Notice, Notice.id == 1)).status == NoticeStatus.scheduled  # asked, not yet done
    await bot.press(people["staff"], T.NOTICE_CANCEL_OK)
    assert bot.last_text(people["staff"]) == T.NOTICE_CANCELLED.format(id=1)
    assert (await bot.one(Notice, Notice.id == 1)).status == NoticeStatus.cancelled
    await bot.tap(people["staff"], "ntc:cancel:1")  # the confirmation tapped twice
    assert bot.last_text(people["staff"]) == T.NOTICE_NOT_CANCELLABLE
    bot.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=bot.settings.tz))
    assert (await bot.runtime.scheduler.run_due())["send_due_notices"] == 0
    assert bot.line.sent(MULTICAST) == []

    await bot.tap(people["npo"], "ntc:cancel:1")  # not staff: the button is not theirs
    assert bot.last_text(people["npo"]) == T.NOTICE_STAFF_ONLY


async def test_staff_issue_an_invite_code_that_registers_a_member(bot):
    people = await partnership(bot)
    await bot.say(people["staff"], T.INVITE_ISSUE)
    assert T.ASK_INVITE_ORG == bot.last_text(people["staff"])
    await bot.say(people["staff"], "存在しない団体")
    assert bot.texts_to(people["staff"])[-2] == T.INVITE_ORG_NO_MATCH
    await bot.say(people["staff"], "みどり")  # part of the name
    assert bot.last_text(people["staff"]) == T.ASK_INVITE_KIND.format(org="NPO法人 みどりの会")
    await bot.say(people["staff"], "どちらでも")
    assert bot.texts_to(people["staff"])[-2] == T.INVITE_KIND_HINT
    assert await bot.scalars(select(Invite)) == []
    await bot.say(people["staff"], "担当者")
    [invite] = await bot.scalars(select(Invite))
    assert bot.last_text(people["staff"]) == invite.code and not invite.is_staff and invite.max_uses == 1
    assert bot.texts_to(people["staff"])[-2] == T.INVITE_ISSUED.format(org="NPO法人 みどりの会", kind=T.INVITE_FOR_MEMBER,
                                                                       when="12/8(火) 10:00")
    newcomer = ev.new_user_id()
    await register(bot, newcomer, invite.code)
    member = await bot.one(Member, Member.line_user_id == newcomer)
    org = await bot.one(Organization, Organization.id == member.organization_id)
    assert org.name == "NPO法人 みどりの会" and not member.is_staff

    await bot.say(people["npo"], T.INVITE_ISSUE)
    assert bot.last_text(people["npo"]) == T.INVITE_STAFF_ONLY
    assert len(await bot.scalars(select(Invite))) == 1


async def test_staff_register_an_agreement_in_line_and_then_set_its_kpi(bot):
    people = await partnership(bot)
    staff = people["staff"]
    await bot.say(staff, T.KPI_SETUP)
    assert "「協定登録」" in bot.last_text(staff) and "renkei" not in bot.last_text(staff)
    await bot.say(staff, T.AGREEMENT_ADD)
    await bot.say(staff, "  まちづくり　包括連携協定 ")
    await bot.press(staff, "市役所 企画課")
    await bot.say(staff, "みどり")  # part of a name typed
    assert "選択中：NPO法人 みどりの会、市役所 企画課" in bot.last_text(staff)
    await bot.say(staff, "完了")
    await bot.say(staff, "来年度から")
    assert bot.texts_to(staff)[-2] == T.AGREEMENT_DATE_INVALID
    await bot.say(staff, "２０２６/４/１")
    await bot.say(staff, "2026/3/31")  # before the start
    assert bot.texts_to(staff)[-2] == T.AGREEMENT_REVIEW_INVALID
    await bot.say(staff, "2029/3/31")
    assert bot.last_text(staff) == T.AGREEMENT_PREVIEW.format(
        name="まちづくり 包括連携協定", orgs="NPO法人 みどりの会、市役所 企画課", start="2026/4/1", review="2029/3/31")
    assert await bot.scalars(select(Agreement)) == []
    await bot.press(staff, T.AGREEMENT_SAVE)
    assert bot.last_text(staff) == T.AGREEMENT_SAVED.format(name="まちづくり 包括連携協定")
    [agreement] = await bot.scalars(select(Agreement))
    assert (agreement.start_date, agreement.review_date) == (date(2026, 4, 1), date(2029, 3, 31))
    reminders = await bot.scalars(select(Reminder).where(Reminder.purpose == "agreement-review"))
    assert len(reminders) == 2
    await bot.say(staff, T.KPI_SETUP)
    assert bot.quick_labels(staff)[0] == "まちづくり 包括連携協定"

    await bot.say(people["npo"], T.AGREEMENT_ADD)
    assert bot.last_text(people["npo"]) == T.AGREEMENT_STAFF_ONLY
