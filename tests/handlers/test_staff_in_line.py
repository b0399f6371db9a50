"""What staff could do only on the server, now in LINE: calling off a scheduled notice, issuing an invite code."""

from datetime import datetime

from sqlalchemy import select

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.models import Invite, Member, Notice, NoticeStatus, Organization
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
