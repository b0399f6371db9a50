"""Every staff action in LINE leaves an entry in the audit log: who (the member, door line), what, on
what; a notice is named by its id and first line, and nothing members wrote is copied in."""

from sqlalchemy import select

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.models import AuditEntry, ContactCheck, Invite, Kpi, Member, Notice
from tests.handlers.test_contact_checks import start_in_line
from tests.handlers.test_kpis import agreement
from tests.handlers.test_meetings import create_in_line, mark
from tests.handlers.test_notices import compose
from tests.seed import partnership


async def entries(bot) -> list[AuditEntry]:
    return await bot.scalars(select(AuditEntry).order_by(AuditEntry.id))


async def staff_id(bot, user) -> int:
    return (await bot.one(Member, Member.line_user_id == user)).id


def summary(entry: AuditEntry) -> tuple:
    return entry.action, entry.door, entry.actor_member_id, entry.target_kind, entry.target_label


async def test_invites_agreements_and_areas(bot):
    people = await partnership(bot)
    staff = people["staff"]
    me = await staff_id(bot, staff)
    await bot.say(staff, T.INVITE_ISSUE)
    await bot.say(staff, "みどり")
    await bot.say(staff, "担当者")
    [invite] = await bot.scalars(select(Invite))
    await bot.say(staff, T.AGREEMENT_ADD)
    await bot.say(staff, "防災協定")
    await bot.press(staff, "市役所 企画課")
    await bot.say(staff, "完了")
    await bot.say(staff, "2026/4/1")
    await bot.say(staff, T.SKIP)
    await bot.press(staff, T.AGREEMENT_SAVE)
    await bot.say(staff, T.AREA_SETTINGS)
    await bot.press(staff, T.AREA_ADD)
    await bot.say(staff, "南地区")
    await bot.press(staff, T.AREA_REMOVE)
    await bot.press(staff, "南地区（0人）")
    await bot.press(staff, T.AREA_REMOVE_YES)
    assert [summary(e) for e in await entries(bot)] == [
        ("invite.create", "line", me, "invite", f"NPO法人 みどりの会 {invite.code}"),
        ("agreement.create", "line", me, "agreement", "防災協定"),
        ("area.create", "line", me, "area", "南地区"),
        ("area.remove", "line", me, "area", "南地区"),
    ]
    assert (await entries(bot))[0].details == {"staff": False, "uses": 1, "days": 14}


async def test_notices_sent_scheduled_and_called_off(bot):
    people = await partnership(bot)
    staff = people["staff"]
    me = await staff_id(bot, staff)
    body = "清掃活動のお知らせ\n集合は8時、駅前の広場です。軍手をお持ちください。"
    await compose(bot, staff, body, T.SEGMENT_ALL, T.SEND_NOW)
    await bot.press(staff, T.CONFIRM_SEND)
    await compose(bot, staff, "来週の推進会議について", T.SEGMENT_ALL)
    await bot.send(ev.postback(staff, "ntc:when:pick", params={"datetime": "2026-11-25T09:00"},
                               timestamp_ms=bot.now_ms()))
    await bot.press(staff, T.CONFIRM_SEND)
    await bot.say(staff, T.NOTICE_STATUS)
    await bot.press(staff, T.NOTICE_CANCEL_BUTTON.format(id=2))
    await bot.press(staff, T.NOTICE_CANCEL_OK)
    assert [summary(e) for e in await entries(bot)] == [
        ("notice.send", "line", me, "notice", "#1 清掃活動のお知らせ"),
        ("notice.schedule", "line", me, "notice", "#2 来週の推進会議について"),
        ("notice.cancel", "line", me, "notice", "#2 来週の推進会議について"),
    ]
    sent, scheduled, _ = await entries(bot)
    assert sent.details == {"segment": "all", "recipients": 5}
    assert scheduled.details["send_at"] == "2026-11-25T00:00:00+00:00"
    assert "集合" not in str([(e.target_label, e.details) for e in await entries(bot)])  # the body stays out
    assert [n.id for n in await bot.scalars(select(Notice))] == [1, 2]


async def test_a_contact_check_started_answered_by_proxy_and_closed(bot):
    people = await partnership(bot)
    staff = people["staff"]
    me = await staff_id(bot, staff)
    await start_in_line(bot, staff, T.SEGMENT_ALL, T.CHECK_DRILL, T.CHECK_START)
    await bot.say(staff, T.CHECK_PROXY)
    await bot.say(staff, "大学")
    await bot.press(staff, "大学 教員（市立大学）")
    await bot.press(staff, "無事")
    await bot.press(staff, T.DONE)
    await bot.say(staff, T.SKIP)
    await bot.say(staff, T.CHECK_CLOSE)
    await bot.press(staff, T.CHECK_CLOSE_OK)
    [check] = await bot.scalars(select(ContactCheck))
    school = await staff_id(bot, people["school"])
    started, proxy, closed = await entries(bot)
    assert summary(started) == ("check.start", "line", me, "check", f"#{check.id}")
    assert started.details == {"segment": "all", "drill": True, "recipients": 4}  # the deputy waits
    assert summary(proxy) == ("check.proxy_answer", "line", me, "member", "大学 教員")
    assert (proxy.target_id, proxy.details) == (school, {"check": check.id, "status": "safe"})
    assert summary(closed) == ("check.close", "line", me, "check", f"#{check.id}")


async def test_a_kpi_defined_in_line(bot):
    people = await partnership(bot)
    staff = people["staff"]
    await agreement(bot, people, satisfaction=False)
    await bot.say(staff, T.KPI_SETUP)
    await bot.press(staff, "みどりのまち協定")
    await bot.press(staff, "NPO法人 みどりの会")
    await bot.say(staff, "相談件数")
    await bot.say(staff, "件")
    await bot.say(staff, "100")
    await bot.say(staff, "累計です")
    await bot.send(ev.postback(staff, "kpis:date", params={"date": "2027-03-31"}, timestamp_ms=bot.now_ms()))
    await bot.press(staff, T.KPI_CADENCE_LABELS["quarterly"])
    await bot.press(staff, T.KPI_SETUP_SAVE)
    kpi = await bot.one(Kpi, Kpi.name == "相談件数")
    [entry] = await entries(bot)
    assert summary(entry) == ("kpi.create", "line", await staff_id(bot, staff), "kpi", "NPO法人 みどりの会 相談件数")
    assert entry.target_id == kpi.id


async def test_a_meeting_cancelled_and_introductions_scheduled(bot):
    people = await partnership(bot)
    organizer, staff = people["npo"], people["staff"]
    await create_in_line(bot, organizer, "防災WG", ["12/3 14:00-15:00"], T.PICK_BY_TYPE, "企業")
    await mark(bot, people["company"], 1, "○")
    await bot.press(organizer, T.MEETING_CONFIRM_BEST)
    await bot.say(organizer, T.MEETING_MANAGE)
    await bot.press(organizer, "#1 防災WG")
    await bot.press(organizer, T.MEETING_CANCEL)
    await bot.press(organizer, T.MEETING_CANCEL_SEND)
    await bot.say(staff, T.INTRO_SETTINGS)
    await bot.press(staff, "毎週")
    await bot.press(staff, "木")
    await bot.press(staff, "12:00")
    await bot.say(staff, T.INTRO_SETTINGS)
    await bot.press(staff, T.INTRO_SCHEDULE_STOP)
    cancelled, scheduled, stopped = await entries(bot)
    assert summary(cancelled) == ("meeting.cancel", "line", await staff_id(bot, organizer), "meeting", "防災WG")
    assert summary(scheduled)[:4] == ("intro.schedule", "line", await staff_id(bot, staff), "intro")
    assert scheduled.details == {"every_days": 7, "weekday": "木", "at": "12:00"}
    assert stopped.details == {"stopped": True}
    assert cancelled.at == bot.clock.now()  # the harness's clock: entries carry the time of the action
