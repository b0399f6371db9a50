"""Dates and times typed in every dialog that asks for one, read by the one reader and written back
by the one writer (the year shown when it is not this one), with past dates refused for a reason
and no move of a meeting told to anyone before its organizer says so; business days that know
the year-end holidays."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.texts import catalog as T
from db.access import create_agreement
from db.kpis import create_kpi
from db.models import Kpi, Meeting, MeetingSlot, Member, Notice
from db.rules import business_days
from db.rules.dates import DateError, read_span
from handlers.dates import date_problem
from tests.seed import partnership

TOKYO = ZoneInfo("Asia/Tokyo")  # the clock starts on Tuesday 2026-11-24, 10:00 in Tokyo


async def test_meeting_slots_and_deadline_are_typed_the_way_people_write_them(bot):
    people = await partnership(bot)
    organizer = people["staff"]
    await bot.say(organizer, T.MEETING)
    await bot.say(organizer, "年末の打ち合わせ")
    for typed, added in [("12月11日 10時から", "12/11(金) 10:00-11:00"),
                         ("１２／１４　１４：００〜１５：３０", "12/14(月) 14:00-15:30"),
                         ("2/16 14時-15時", "2027/2/16(火) 14:00-15:00")]:  # next year's, and shown so
        await bot.say(organizer, typed)
        assert bot.texts_to(organizer)[-2].startswith(T.SLOT_ADDED.format(slot=added)), typed
    for typed, answer in [
        ("11/20 10時", T.DATE_PAST_NEXT_YEAR.format(day="11/20(金)", date="11/20", next="2027/11/20")),
        ("今日 9時", T.DATE_PAST_TODAY),
        ("12/11", T.DATE_TIME_MISSING.format(example=T.EXAMPLE_SLOT)),
        ("12/11 15時-14時", T.DATE_ENDS_BEFORE_START.format(example=T.EXAMPLE_SLOT)),
        ("2/30 10時", T.DATE_NOT_REAL),
        ("12/11(木) 10時", T.DATE_WRONG_WEEKDAY.format(day="12/11", actual="金", typed="木")),  # 12/11 is a Friday
        ("来週のどこか", T.DATE_UNREADABLE.format(example=T.EXAMPLE_SLOT)),
    ]:
        await bot.say(organizer, typed)
        assert bot.texts_to(organizer)[-2] == answer, typed
        assert bot.last_text(organizer).startswith("候補日時を追加してください（3/10件）"), typed
    await bot.press(organizer, T.DONE)
    await bot.press(organizer, T.PICK_BY_TYPE)
    await bot.press(organizer, "企業")
    await bot.say(organizer, "あさって18時")
    preview = bot.last_text(organizer)
    assert preview.startswith("【日程調整の確認】") and "締め切り：11/26(木) 18:00" in preview
    assert "・2027/2/16(火) 14:00-15:00" in preview
    await bot.press(organizer, T.MEETING_SEND)
    slots = await bot.scalars(select(MeetingSlot).order_by(MeetingSlot.position))
    assert [s.starts_at.astimezone(TOKYO) for s in slots] == [
        datetime(2026, 12, 11, 10, tzinfo=TOKYO), datetime(2026, 12, 14, 14, tzinfo=TOKYO),
        datetime(2027, 2, 16, 14, tzinfo=TOKYO)]
    meeting = await bot.one(Meeting, Meeting.id == 1)
    assert meeting.deadline.astimezone(TOKYO) == datetime(2026, 11, 26, 18, tzinfo=TOKYO)


async def decided_meeting(bot, people) -> str:
    organizer = people["npo"]
    await bot.say(organizer, T.MEETING)
    await bot.say(organizer, "防災WG")
    await bot.say(organizer, "12/3 14:00-15:00")
    await bot.press(organizer, T.DONE)
    await bot.press(organizer, T.PICK_BY_TYPE)
    await bot.press(organizer, "企業")
    await bot.press(organizer, T.DEADLINE_TOMORROW)
    await bot.press(organizer, T.MEETING_SEND)
    card = [message for message in bot.messages_to(people["company"]) if message["type"] == "flex"][-1]
    row = [c for c in card["contents"]["body"]["contents"] if c["type"] == "box"][0]
    yes = next(b for b in row["contents"][1]["contents"] if b["action"]["label"] == "○")
    await bot.tap(people["company"], yes["action"]["data"])
    await bot.press(organizer, T.MEETING_CONFIRM_BEST)
    return organizer


async def test_a_meeting_moved_by_a_typed_time_is_told_only_after_the_organizer_confirms(bot):
    people = await partnership(bot)
    organizer = await decided_meeting(bot, people)
    company = people["company"]
    told = len(bot.texts_to(company))
    await bot.say(organizer, T.MEETING_MANAGE)
    await bot.press(organizer, "#1 防災WG")
    assert bot.last_text(organizer) == T.ASK_MEETING_ACTION_DECIDED.format(title="防災WG", when="12/3(木) 14:00-15:00")
    await bot.say(organizer, "11/2 10時")
    assert bot.last_text(organizer) == T.DATE_PAST_NEXT_YEAR.format(day="11/2(月)", date="11/2", next="2027/11/2")
    await bot.say(organizer, "2027年1月8日 15時")
    moved = "【日時の変更】「防災WG」は2027/1/8(金) 15:00-16:00に変更になりました。"
    assert bot.last_text(organizer) == T.MEETING_CHANGE_PREVIEW.format(count=1, text=moved, ok=T.MEETING_MOVE_SEND)
    assert len(bot.texts_to(company)) == told and (await bot.one(Meeting, Meeting.id == 1)).sequence == 0
    await bot.say(organizer, T.CANCEL)  # changed their mind: nothing moves, nobody is told
    assert (await bot.one(Meeting, Meeting.id == 1)).starts_at.astimezone(TOKYO).day == 3
    assert len(bot.texts_to(company)) == told

    await bot.say(organizer, T.MEETING_MANAGE)
    await bot.press(organizer, "#1 防災WG")
    await bot.say(organizer, "12月10日 15時")
    await bot.press(organizer, T.MEETING_MOVE_SEND)
    assert bot.texts_to(company)[told:] == ["【日時の変更】「防災WG」は12/10(木) 15:00-16:00に変更になりました。"]
    meeting = await bot.one(Meeting, Meeting.id == 1)
    assert meeting.starts_at.astimezone(TOKYO) == datetime(2026, 12, 10, 15, tzinfo=TOKYO) and meeting.sequence == 1


async def test_a_confirmed_move_whose_time_has_passed_meanwhile_moves_nothing(bot):
    people = await partnership(bot)
    organizer = await decided_meeting(bot, people)
    await bot.say(organizer, T.MEETING_MANAGE)
    await bot.press(organizer, "#1 防災WG")
    await bot.say(organizer, "今日11時")
    bot.clock.set(datetime(2026, 11, 24, 11, 5, tzinfo=TOKYO))
    told = len(bot.texts_to(people["company"]))
    await bot.press(organizer, T.MEETING_MOVE_SEND)
    assert bot.last_text(organizer) == T.MEETING_MOVE_STALE
    assert len(bot.texts_to(people["company"])) == told
    assert (await bot.one(Meeting, Meeting.id == 1)).sequence == 0


async def test_a_notice_is_scheduled_by_a_typed_time(bot):
    people = await partnership(bot)
    staff = people["staff"]
    await bot.say(staff, T.NOTICE)
    await bot.say(staff, "年末年始の窓口のお知らせです。")
    await bot.press(staff, T.SEGMENT_ALL)
    await bot.say(staff, "11/20 9時")
    assert bot.texts_to(staff)[-2] == T.DATE_PAST_NEXT_YEAR.format(day="11/20(金)", date="11/20", next="2027/11/20")
    assert bot.last_text(staff) == T.ASK_NOTICE_WHEN
    await bot.say(staff, "明日 9:00")
    assert "送信日時：11/25(水) 09:00" in bot.texts_to(staff)[-1]
    await bot.press(staff, T.CONFIRM_SEND)
    notice = await bot.one(Notice, Notice.id == 1)
    assert notice.send_at.astimezone(TOKYO) == datetime(2026, 11, 25, 9, tzinfo=TOKYO) and notice.sent_at is None


async def test_a_kpi_target_date_in_the_reiwa_era_and_report_dates_are_typed(bot):
    people = await partnership(bot)
    staff = people["staff"]
    city = await bot.one(Member, Member.line_user_id == staff)
    npo = await bot.one(Member, Member.line_user_id == people["npo"])
    async with bot.runtime.sessions() as session, session.begin():
        await create_agreement(session, name="みどりのまち協定", organization_ids=[city.organization_id, npo.organization_id],
                               start_date=date(2026, 4, 1), end_date=None, review_date=None, now=bot.clock.now(),
                               reminder_time=None, tz=TOKYO, review_text=T.AGREEMENT_REVIEW_REMINDER)
    await bot.say(staff, T.KPI_SETUP)
    await bot.press(staff, "みどりのまち協定")
    await bot.press(staff, "NPO法人 みどりの会")
    await bot.say(staff, "相談件数")
    await bot.say(staff, "件")
    await bot.say(staff, "120")
    await bot.press(staff, T.KPI_KIND_LABELS["total"])
    await bot.say(staff, "令和7年3月31日")  # 2025: gone
    assert bot.texts_to(staff)[-2] == T.DATE_PAST.format(day="2025/3/31(月)")
    await bot.say(staff, "令和９年３月３１日")
    assert bot.last_text(staff) == T.KPI_SETUP_ASK_CADENCE
    await bot.press(staff, T.KPI_CADENCE_LABELS["dates"])
    await bot.say(staff, "12月15日、3/15")
    preview = bot.last_text(staff)
    assert "目標：120件（2027/3/31まで）" in preview and "最初の報告依頼：12/15(火)" in preview
    await bot.press(staff, T.KPI_SETUP_SAVE)
    kpi = await bot.one(Kpi, Kpi.name == "相談件数")
    assert kpi.target_date == date(2027, 3, 31) and kpi.due_dates == ["2026-12-15", "2027-03-15"]


async def kpi_on(bot, people, due: date) -> None:
    city = await bot.one(Member, Member.line_user_id == people["staff"])
    npo = await bot.one(Member, Member.line_user_id == people["npo"])
    async with bot.runtime.sessions() as session, session.begin():
        deal = await create_agreement(session, name="協定", organization_ids=[city.organization_id, npo.organization_id],
                                      start_date=date(2026, 4, 1), end_date=None, review_date=None,
                                      now=bot.clock.now(), reminder_time=None, tz=TOKYO,
                                      review_text=T.AGREEMENT_REVIEW_REMINDER)
        await create_kpi(session, agreement_id=deal.id, organization_id=npo.organization_id, name="相談件数",
                         unit="件", target_value=10, target_date=date(2027, 3, 31), cadence="dates",
                         due_dates=[due], now=bot.clock.now())


async def at(bot, year, month, day, hour=10) -> int:
    bot.clock.set(datetime(year, month, day, hour, tzinfo=TOKYO))
    return (await bot.runtime.scheduler.run_due())["send_due_kpi_prompts"]


async def test_a_kpi_reminder_waits_out_the_year_end_holidays(bot):
    people = await partnership(bot)
    await kpi_on(bot, people, date(2026, 12, 28))
    npo = people["npo"]
    assert await at(bot, 2026, 12, 28) == 1  # a Monday, the last working day of the year
    assert bot.last_text(npo).startswith(T.KPI_PROMPT_HEADER)
    for day in (29, 30, 31):  # three days later the reminder would go on 12/31
        assert await at(bot, 2026, 12, day) == 0
    assert await at(bot, 2027, 1, 1) == 0
    asked = len(bot.messages_to(npo))
    assert await at(bot, 2027, 1, 4) == 1  # the first working day of the new year
    assert len(bot.messages_to(npo)) == asked + 1 and bot.last_text(npo).startswith(T.KPI_REMINDER_HEADER)


@pytest.fixture
def no_year_end():
    business_days.close_year_end(None)
    yield
    business_days.close_year_end(business_days.YEAR_END)


def test_the_year_end_holidays_are_a_setting(no_year_end):
    assert business_days.is_business_day(date(2026, 12, 31))
    business_days.close_year_end(business_days.read_year_end("12/28-1/4"))
    assert [business_days.is_business_day(date(2026, 12, d)) for d in (25, 28, 31)] == [True, False, False]
    assert business_days.business_day_from(date(2026, 12, 28)) == date(2027, 1, 5)
    assert business_days.read_year_end("none") is None
    for bad in ("12/32-1/3", "年末", "12/29"):
        with pytest.raises(ValueError):
            business_days.read_year_end(bad)


def test_the_default_year_end_is_12_29_to_1_3():
    assert [business_days.is_business_day(date(2026, 12, d)) for d in (28, 29, 30, 31)] == [True, False, False, False]
    assert business_days.business_day_from(date(2026, 12, 29)) == date(2027, 1, 4)


@pytest.mark.parametrize("now, typed, answer", [
    (datetime(2027, 1, 4, 10, tzinfo=TOKYO), "12/28 10時",  # last year's, just gone: written with its year
     T.DATE_PAST_NEXT_YEAR.format(day="2026/12/28(月)", date="12/28", next="2027/12/28")),
    (datetime(2026, 12, 1, 10, tzinfo=TOKYO), "令和7年12月1日 10時", T.DATE_PAST.format(day="2025/12/1(月)")),
    (datetime(2026, 12, 1, 10, tzinfo=TOKYO), "2027/1/5(月) 10時",
     T.DATE_WRONG_WEEKDAY.format(day="2027/1/5", actual="火", typed="月")),
])
def test_the_reason_a_date_is_refused_names_it_with_its_year(now, typed, answer):
    with pytest.raises(DateError) as refused:
        read_span(typed, now, TOKYO)
    assert date_problem(refused.value, now, TOKYO, T.EXAMPLE_SLOT) == answer
