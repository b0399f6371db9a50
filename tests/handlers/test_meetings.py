"""Meeting scheduling (日程調整): a poll created in LINE (one-to-one and from a group) or from the
command line, answered ○/△/×, reminded, decided, confirmed, put in calendars, moved and cancelled."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.texts import catalog as T
from bot.fakeline import events as ev
from db.meetings import MeetingError, TooFarAhead, parse_slot, slot_flags
from db.models import Meeting, MeetingAnswer, MeetingSlot
from bot.texts.formats import span_label
from handlers.meetings.messages import poll_card
from tests.seed import partnership

MULTICAST = "/v2/bot/message/multicast"
PUSH = "/v2/bot/message/push"
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO)  # the clock fixture's start, a Tuesday


@pytest.mark.parametrize("typed, start, end", [
    ("12/3 14:00-15:30", "2026-12-03 14:00", "2026-12-03 15:30"),
    ("12/3(木) 14:00〜15:30", "2026-12-03 14:00", "2026-12-03 15:30"),
    ("１２／３　１４：００－１５：３０", "2026-12-03 14:00", "2026-12-03 15:30"),
    ("12/3 9:30", "2026-12-03 09:30", "2026-12-03 10:30"),
    ("2027-01-11 10:00~12:00", "2027-01-11 10:00", "2027-01-11 12:00"),
    ("12月11日 10時から", "2026-12-11 10:00", "2026-12-11 11:00"),
    ("2/16 14時-15時", "2027-02-16 14:00", "2027-02-16 15:00"),  # after the year end
])
def test_slots_are_read_as_people_type_them(typed, start, end):
    got = parse_slot(typed, NOW, TOKYO)
    assert [t.strftime("%Y-%m-%d %H:%M") for t in got] == [start, end]


@pytest.mark.parametrize("typed", ["来週の火曜", "12/3", "13/40 10:00", "12/3 15:00-14:00", "12/3 25:00",
                                   "11/1 10:00"])  # gone three weeks ago: not silently next year's
def test_what_is_not_a_slot_is_refused(typed):
    with pytest.raises(MeetingError):
        parse_slot(typed, NOW, TOKYO)


def test_holidays_weekends_and_late_slots_are_flagged():
    def flags(text):
        return slot_flags(*parse_slot(text, NOW, TOKYO), TOKYO)

    assert flags("2027-01-11 10:00") == ["holiday:成人の日"]
    assert flags("2026-11-28 10:00") == ["weekend"]  # a Saturday
    assert flags("12/3 20:30-22:00") == ["hours"] and flags("12/3 07:00") == ["hours"]
    assert flags("12/3 14:00-15:30") == []


def card_buttons(card) -> dict[tuple[int, str], str]:
    """(slot position, mark) -> postback data, read off the card as a user sees it."""
    out = {}
    rows = [c for c in card["contents"]["body"]["contents"] if c["type"] == "box"]
    for position, row in enumerate(rows, 1):
        for button in row["contents"][1]["contents"]:
            out[(position, button["action"]["label"])] = button["action"]["data"]
    return out


def cards(bot, user):
    return [message for message in bot.messages_to(user) if message["type"] == "flex"]


async def mark(bot, user, position, label):
    await bot.tap(user, card_buttons(cards(bot, user)[-1])[(position, label)])


async def create_in_line(bot, organizer, title, slots, *segment_picks, deadline=T.DEADLINE_TOMORROW):
    await bot.say(organizer, T.MEETING)
    await bot.say(organizer, title)
    for slot in slots:
        await bot.say(organizer, slot)
    await bot.press(organizer, T.DONE)
    for label in segment_picks:
        await bot.press(organizer, label)
    if deadline[:1].isdigit():  # picked with the date-time picker
        await bot.send(ev.postback(organizer, "mtgc:dl:pick", params={"datetime": deadline}, timestamp_ms=bot.now_ms()))
    else:
        await bot.press(organizer, deadline)
    await bot.press(organizer, T.MEETING_SEND)


@pytest.mark.parametrize("typed", ["9999-12-31 23:30", "2030-01-05 10:00"])
def test_a_slot_years_away_is_too_far_ahead_not_an_overflow(typed):
    with pytest.raises(TooFarAhead):
        parse_slot(typed, NOW, TOKYO)


async def test_a_date_years_away_gets_a_clear_answer_wherever_it_is_typed_or_picked(bot):
    people = await partnership(bot)
    organizer = people["staff"]
    await bot.say(organizer, T.MEETING)
    await bot.say(organizer, "遠い会議")
    await bot.say(organizer, "9999-12-31 23:30")
    assert bot.texts_to(organizer)[-2] == T.DATE_TOO_FAR
    await bot.send(ev.postback(organizer, "mtgc:slot", params={"datetime": "9999-12-31T23:30"},
                               timestamp_ms=bot.now_ms()))
    assert bot.texts_to(organizer)[-2] == T.DATE_TOO_FAR
    await bot.say(organizer, "12/3 14:00")  # the dialog goes on as before
    assert bot.texts_to(organizer)[-2].startswith(T.SLOT_ADDED.format(slot="12/3(木) 14:00-15:00"))
    await bot.say(organizer, T.CANCEL)
    await bot.say(organizer, T.NOTICE)
    await bot.say(organizer, "来年のお知らせ")
    await bot.press(organizer, T.SEGMENT_ALL)
    await bot.send(ev.postback(organizer, "ntc:when:pick", params={"datetime": "9999-12-31T23:30"},
                               timestamp_ms=bot.now_ms()))
    assert bot.texts_to(organizer)[-2] == T.DATE_TOO_FAR
    assert bot.last_text(organizer) == T.ASK_NOTICE_WHEN


async def test_a_poll_from_creation_to_reminders_in_a_one_to_one_chat(bot):
    people = await partnership(bot)
    bot.settings.public_base_url = "https://renkei.example.org"
    organizer = people["staff"]
    await bot.say(organizer, T.MEETING)
    await bot.say(organizer, "12月 推進会議")
    await bot.say(organizer, "12/3 14:00-15:30")
    assert bot.texts_to(organizer)[-2] == T.SLOT_ADDED.format(slot="12/3(木) 14:00-15:30")
    await bot.send(ev.postback(organizer, "mtgc:slot", params={"datetime": "2026-12-05T10:00"},
                               timestamp_ms=bot.now_ms()))
    await bot.press(organizer, "1時間30分")
    assert bot.texts_to(organizer)[-2] == "\n".join([T.SLOT_ADDED.format(slot="12/5(土) 10:00-11:30"),
                                                     T.SLOT_FLAG_WEEKEND])
    # On 11/24, 「11/20」 is the Friday just gone, not silently next year's: refused, with the way to say next year.
    await bot.say(organizer, "11/20 10:00")
    assert bot.texts_to(organizer)[-2] == T.DATE_PAST_NEXT_YEAR.format(day="11/20(金)", date="11/20", next="2027/11/20")
    await bot.say(organizer, "2027/11/20 10:00")  # a Saturday a year away is still a slot, shown with its year
    assert bot.texts_to(organizer)[-2].startswith(T.SLOT_ADDED.format(slot="2027/11/20(土) 10:00-11:00"))
    await bot.say(organizer, "先週の金曜")
    assert bot.texts_to(organizer)[-2] == T.DATE_UNREADABLE.format(example=T.EXAMPLE_SLOT)
    await bot.say(organizer, "12/3 14:00-15:30")
    assert bot.texts_to(organizer)[-2] == T.SLOT_DUPLICATE
    await bot.press(organizer, T.DONE)
    await bot.press(organizer, T.PICK_BY_FIELD)
    await bot.press(organizer, "防災")
    await bot.send(ev.postback(organizer, "mtgc:dl:pick", params={"datetime": "2026-12-04T10:00"},
                               timestamp_ms=bot.now_ms()))
    assert bot.texts_to(organizer)[-2] == T.DEADLINE_INVALID.format(first="12/3(木) 14:00")
    await bot.press(organizer, T.DEADLINE_TOMORROW)
    preview = bot.last_text(organizer)
    assert "参加依頼：分野：防災（3人）" in preview and "締め切り：11/25(水) 18:00" in preview
    assert "・12/5(土) 10:00-11:30 ⚠ 土日です" in preview
    assert bot.line.sent(MULTICAST) == []
    await bot.press(organizer, T.MEETING_SEND)
    assert bot.last_text(organizer).startswith("日程調整「12月 推進会議」を3人に送りました")
    [call] = bot.line.sent(MULTICAST)
    invited = [people["npo"], people["npo_deputy"], people["company"]]
    assert sorted(call.json["to"]) == sorted(invited)

    await mark(bot, people["npo"], 1, "×")
    await mark(bot, people["npo"], 1, "○")  # changed: the last answer counts
    assert bot.last_text(people["npo"]) == "12/3(木) 14:00-15:30：○（1/3件回答済み）"
    await mark(bot, people["npo"], 2, "△")
    await mark(bot, people["npo"], 3, "×")
    assert T.MEETING_ALL_ANSWERED.format(deadline="11/25(水) 18:00") in bot.last_text(people["npo"])
    for position, label in ((1, "○"), (2, "○"), (3, "×")):
        await mark(bot, people["company"], position, label)
    await bot.tap(people["school"], card_buttons(cards(bot, people["npo"])[-1])[(1, "○")])  # not invited
    assert bot.last_text(people["school"]) == T.MEETING_NOT_INVITED
    await bot.tap(people["npo"], "mtg:t:1")
    assert bot.last_text(people["npo"]).splitlines()[1:] == [
        "12/3(木) 14:00-15:30　○2 △0 ×0（あなた：○）",
        "12/5(土) 10:00-11:30　○1 △1 ×0（あなた：△）",
        "2027/11/20(土) 10:00-11:00　○0 △0 ×2（あなた：×）",
        "回答 2/3人",
    ]

    bot.clock.set(datetime(2026, 11, 24, 17, 59, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    assert len(cards(bot, people["npo_deputy"])) == 1
    bot.clock.set(datetime(2026, 11, 24, 18, 0, tzinfo=TOKYO))  # a day before the deadline
    await bot.runtime.scheduler.run_due()
    reminder = bot.line.sent(MULTICAST)[-1]
    assert reminder.json["to"] == [people["npo_deputy"]]  # those who answered are left alone
    assert reminder.json["messages"][0]["text"].startswith("【回答のお願い】")
    assert len(cards(bot, people["npo_deputy"])) == 2
    await bot.runtime.scheduler.run_due()
    assert len(cards(bot, people["npo_deputy"])) == 2  # once

    bot.clock.set(datetime(2026, 11, 25, 18, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    proposal = bot.last_text(organizer)
    assert proposal.startswith("【日程調整の締め切り】12月 推進会議\n最有力：12/3(木) 14:00-15:30（○2 △0）")
    await mark(bot, people["npo_deputy"], 1, "○")
    assert bot.last_text(people["npo_deputy"]) == T.MEETING_CLOSED
    await bot.press(organizer, "12/5(土) 10:00-11:30")  # the organizer prefers the other slot
    decided = bot.line.sent(MULTICAST)[-1]
    text = decided.json["messages"][0]["text"]
    assert sorted(decided.json["to"]) == sorted(invited)
    assert text.startswith("【日程決定】12月 推進会議\n日時：12/5(土) 10:00-11:30\n参加：企業 担当（株式会社 山田建設）")
    assert "調整中：NPO 代表（NPO法人 みどりの会）" in text
    meeting = await bot.one(Meeting, Meeting.id == 1)
    url = f"https://renkei.example.org/meetings/{meeting.calendar_token}.ics"
    assert T.MEETING_CALENDAR.format(url=url) in text

    ics = await bot.client.get(url.removeprefix("https://renkei.example.org"))
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    [event] = Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "12月 推進会議"
    assert event["DTSTART"].dt == datetime(2026, 12, 5, 10, 0, tzinfo=TOKYO)
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo" and event["DTEND"].dt.hour == 11
    assert Calendar.from_ical(ics.content).walk("VTIMEZONE")
    assert (await bot.client.get("/meetings/not-a-token.ics")).status_code == 404

    bot.clock.set(datetime(2026, 12, 4, 10, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    day_before = bot.line.sent(MULTICAST)[-1]
    assert day_before.json["messages"][0]["text"] == "【明日の会議】12月 推進会議\n12/5(土) 10:00-11:30"
    assert people["npo_deputy"] in day_before.json["to"]  # no × for this slot: still expected
    bot.clock.set(datetime(2026, 12, 5, 9, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    assert bot.line.sent(MULTICAST)[-1].json["messages"][0]["text"].startswith("【1時間後の会議】")
    count = len(bot.line.sent(MULTICAST))
    await bot.runtime.scheduler.run_due()
    assert len(bot.line.sent(MULTICAST)) == count


async def test_the_organizer_moves_then_cancels_a_decided_meeting_and_everyone_is_told_once(bot, renkei):
    people = await partnership(bot)
    organizer = people["npo"]
    await create_in_line(bot, organizer, "防災WG", ["12/3 14:00-15:00"], T.PICK_BY_TYPE, "企業")
    await mark(bot, people["company"], 1, "○")  # everyone answered: no need to wait for the deadline
    assert bot.last_text(organizer).startswith("【日程調整の締め切り】防災WG")
    await bot.press(organizer, T.MEETING_CONFIRM_BEST)
    assert bot.last_text(organizer) == T.MEETING_DECIDED_ORGANIZER.format(title="防災WG", slot="12/3(木) 14:00-15:00",
                                                                         count=1)
    await bot.say(people["school"], T.MEETING_MANAGE)
    assert bot.last_text(people["school"]) == T.MEETING_NONE_TO_MANAGE  # not theirs
    await bot.say(organizer, T.MEETING_MANAGE)
    await bot.press(organizer, "#1 防災WG")
    told = len(bot.texts_to(people["company"]))
    await bot.send(ev.postback(organizer, "mtg:move:1", params={"datetime": "2026-12-10T15:00"},
                               timestamp_ms=bot.now_ms()))
    moved = "【日時の変更】「防災WG」は12/10(木) 15:00-16:00に変更になりました。"
    # Shown first, with what everyone will read; nobody is told before the go-ahead.
    assert bot.last_text(organizer) == T.MEETING_CHANGE_PREVIEW.format(count=1, text=moved, ok=T.MEETING_MOVE_SEND)
    assert bot.quick_labels(organizer) == [T.MEETING_MOVE_SEND, T.CANCEL]
    await bot.say(organizer, "はい")
    assert bot.last_text(organizer) == T.MEETING_CHANGE_CONFIRM_INVALID.format(ok=T.MEETING_MOVE_SEND)
    assert len(bot.texts_to(people["company"])) == told
    assert (await bot.one(Meeting, Meeting.id == 1)).sequence == 0
    await bot.press(organizer, T.MEETING_MOVE_SEND)
    assert bot.last_text(people["company"]) == moved
    assert bot.last_text(organizer) == T.MEETING_CHANGE_DONE.format(count=1)
    meeting = await bot.one(Meeting, Meeting.id == 1)
    assert (meeting.sequence, meeting.day_before_sent_at) == (1, None)
    await bot.say(organizer, T.MEETING_MANAGE)
    await bot.press(organizer, "#1 防災WG")
    await bot.press(organizer, T.MEETING_CANCEL)
    cancelled = "【会議の中止】「防災WG」（12/10(木) 15:00-16:00）は中止になりました。"
    assert bot.last_text(organizer) == T.MEETING_CHANGE_PREVIEW.format(count=1, text=cancelled, ok=T.MEETING_CANCEL_SEND)
    await bot.press(organizer, T.MEETING_CANCEL_SEND)
    assert bot.last_text(people["company"]) == cancelled
    await bot.tap(organizer, "mtg:cancel:1")
    assert bot.last_text(organizer) == T.STALE_BUTTON
    assert len(bot.texts_to(people["company"])) == 4  # answer, decision, move, cancel: each once
    assert "cancelled" in (await asyncio.to_thread(renkei, "meeting", "list")).output


async def test_a_poll_started_in_a_group_invites_the_group_and_posts_the_decision_there(bot):
    people = await partnership(bot)
    group = ev.new_group_id()
    await bot.send(ev.join(group, timestamp_ms=bot.now_ms()))
    for who in ("npo", "company", "school"):
        await bot.send(ev.text_message(people[who], "よろしくお願いします", group_id=group, timestamp_ms=bot.now_ms()))
    await bot.send(ev.text_message(people["npo"], T.MEETING, group_id=group, timestamp_ms=bot.now_ms()))
    assert bot.texts_to(group)[-1] == T.MEETING_IN_GROUP.format(name="NPO 代表")
    assert bot.last_text(people["npo"]) == T.ASK_MEETING_TITLE.format(max=60)  # in the one-to-one chat
    await bot.say(people["npo"], "ワーキング会合")
    for slot in ("12/2 10:00", "12/1 10:00"):
        await bot.say(people["npo"], slot)
    await bot.press(people["npo"], T.DONE)  # no question about invitees: the group's members are invited
    await bot.press(people["npo"], T.DEADLINE_TOMORROW)
    assert "参加依頼：グループ：（名前なし）（3人）" in bot.last_text(people["npo"])
    await bot.press(people["npo"], T.MEETING_SEND)
    # A tie on ○ and △: the earlier slot wins.
    for who, answers in (("npo", ("○", "○")), ("company", ("△", "○")), ("school", ("○", "△"))):
        for position, label in enumerate(answers, 1):
            await mark(bot, people[who], position, label)
    assert "最有力：12/1(火) 10:00-11:00（○2 △1）" in bot.last_text(people["npo"])
    bot.clock.advance(timedelta(hours=24))  # the organizer does not answer: the best slot stands
    await bot.runtime.scheduler.run_due()
    assert bot.texts_to(group)[-1].startswith("【日程決定】ワーキング会合\n日時：12/1(火) 10:00-11:00")
    assert "カレンダー" not in bot.texts_to(group)[-1]  # no PUBLIC_BASE_URL, no link
    assert (await bot.one(Meeting, Meeting.id == 1)).status == "decided"


async def test_a_command_line_poll_without_organizer_is_decided_at_the_deadline(bot, renkei):
    people = await partnership(bot)
    tomorrow = datetime.now(TOKYO).date() + timedelta(days=1)
    slots = [f"{(tomorrow + timedelta(days=d)).isoformat()} 10:00-11:00" for d in (7, 8)]
    created = await asyncio.to_thread(renkei, "meeting", "create", "--title", "実務者会議", "--slot", slots[0],
                                      "--slot", slots[1], "--to", "type:npo", "--deadline", f"{tomorrow} 12:00")
    assert created.exit_code == 0, created.output
    assert "sent to 2 member(s)" in created.output
    bad = await asyncio.to_thread(renkei, "meeting", "create", "--title", "x", "--slot", "12/3 25:00", "--to", "all",
                                  "--deadline", f"{tomorrow} 12:00")
    assert bad.exit_code == 1 and "not a real date" in bad.output
    late = await asyncio.to_thread(renkei, "meeting", "create", "--title", "x", "--slot", slots[0], "--to", "all",
                                   "--deadline", slots[1][:16])
    assert late.exit_code == 1 and "before the first slot" in late.output
    # The command line used the real clock; 09:00 tomorrow is after it and outside quiet hours.
    bot.clock.set(datetime.combine(tomorrow, datetime.min.time(), tzinfo=TOKYO) + timedelta(hours=9))
    await bot.runtime.gateway.deliver_due()
    await mark(bot, people["npo"], 2, "○")
    status = await asyncio.to_thread(renkei, "meeting", "status", "1")
    assert "○1 △0 ×0" in status.output and "回答 0/2人" in status.output
    bot.clock.set(datetime.combine(tomorrow, datetime.min.time(), tzinfo=TOKYO) + timedelta(hours=12))
    await bot.runtime.scheduler.run_due()
    meeting = await bot.one(Meeting, Meeting.id == 1)
    assert meeting.status == "decided" and meeting.starts_at.astimezone(TOKYO).day == (tomorrow + timedelta(days=8)).day
    assert bot.last_text(people["npo_deputy"]).startswith("【日程決定】実務者会議")
    cancelled = await asyncio.to_thread(renkei, "meeting", "cancel", "1")
    assert cancelled.exit_code == 0 and "2 member(s) will be told" in cancelled.output


async def test_ten_slots_fit_lines_limits_and_the_schema(bot):
    people = await partnership(bot)
    organizer = people["staff"]
    slots = [f"12/{day} 10:00-11:00" for day in range(1, 12) if day != 6][:10]
    await create_in_line(bot, organizer, "候補の多い会議", slots + ["12/20 10:00"], T.SEGMENT_ALL)
    assert T.SLOTS_FULL.format(max=10) in bot.texts_to(organizer)  # the 11th was refused before 完了
    [card] = cards(bot, people["school"])
    data = card_buttons(card)
    assert len(data) == 30 and max(len(d) for d in data.values()) <= 300
    assert len(json.dumps(card["contents"], ensure_ascii=False).encode()) < 30_000
    await bot.tap(people["school"], data[(10, "△")])
    answers = await bot.scalars(select(MeetingAnswer))
    assert [(a.choice, a.member_id) for a in answers] == [("maybe", 5)]


def test_the_card_for_ten_slots_is_built_without_the_database():
    meeting = Meeting(id=99999, title="会" * 60, deadline=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    slots = [MeetingSlot(position=i, starts_at=datetime(2026, 12, i, 1, 0, tzinfo=UTC),
                         ends_at=datetime(2026, 12, i, 2, 0, tzinfo=UTC)) for i in range(1, 11)]
    card = poll_card(meeting, slots, TOKYO, NOW)
    assert span_label(slots[0].starts_at, slots[0].ends_at, TOKYO, NOW) == "12/1(火) 10:00-11:00"
    assert all(len(d) <= 300 for d in card_buttons(card).values())


async def test_invitees_and_deadline_can_be_typed(bot):
    people = await partnership(bot)
    organizer = people["npo"]
    await bot.say(organizer, T.MEETING)
    await bot.say(organizer, "打合せ")
    await bot.say(organizer, "12/3 14:00")
    await bot.say(organizer, T.DONE)
    await bot.say(organizer, T.SEGMENT_ALL)
    await bot.say(organizer, "12/4 18:00")  # after the first slot
    assert bot.texts_to(organizer)[-2] == T.DEADLINE_INVALID.format(first="12/3(木) 14:00")
    await bot.say(organizer, "11/30 18:00")
    assert "参加依頼：全員（5人）" in bot.last_text(organizer) and "締め切り：11/30(月) 18:00" in bot.last_text(organizer)
    await bot.say(organizer, T.MEETING_SEND)
    assert len(bot.line.sent(MULTICAST)[-1].json["to"]) == 5


async def test_more_maybes_beat_an_earlier_slot_and_a_poll_nobody_can_attend_is_not_decided(bot):
    people = await partnership(bot)
    await create_in_line(bot, people["npo"], "△の多い方", ["12/1 10:00", "12/2 10:00"], T.PICK_BY_TYPE, "企業")
    await mark(bot, people["company"], 1, "○")
    await mark(bot, people["company"], 2, "○")
    # One invitee: ○ ties, so the earlier slot wins; now a second poll where △ decides.
    assert "最有力：12/1(火) 10:00-11:00" in bot.last_text(people["npo"])
    await create_in_line(bot, people["staff"], "△で決まる", ["12/1 10:00", "12/2 10:00"], T.PICK_BY_TYPE, "NPO")
    for who, answers in (("npo", ("○", "○")), ("npo_deputy", ("×", "△"))):
        for position, label in enumerate(answers, 1):
            await mark(bot, people[who], position, label)
    assert "最有力：12/2(水) 10:00-11:00（○1 △1）" in bot.last_text(people["staff"])
    await create_in_line(bot, people["staff"], "誰も来られない", ["12/1 10:00"], T.PICK_BY_TYPE, "企業")
    await mark(bot, people["company"], 1, "×")
    assert bot.last_text(people["staff"]) == T.MEETING_NO_SLOT_WORKS.format(title="誰も来られない")
    assert (await bot.one(Meeting, Meeting.title == "誰も来られない")).status == "cancelled"


async def test_reminders_respect_the_hour_and_the_day(bot):
    people = await partnership(bot)
    # A same-day meeting at 23:30: decided at once, so no "tomorrow" reminder, and the one an
    # hour before goes at 22:30 even though that is within quiet hours.
    await create_in_line(bot, people["staff"], "夜の打合せ", ["11/24 23:30-23:59"], T.PICK_BY_TYPE, "企業",
                         deadline="2026-11-24T12:00")
    bot.clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    assert len(bot.line.sent(MULTICAST)) == 1  # the poll alone: open for hours, it gets no reminder
    await mark(bot, people["company"], 1, "○")
    await bot.press(people["staff"], T.MEETING_CONFIRM_BEST)
    sent = len(bot.line.sent(MULTICAST))
    bot.clock.set(datetime(2026, 11, 24, 22, 29, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    await bot.runtime.gateway.deliver_due()
    assert len(bot.line.sent(MULTICAST)) == sent  # no 【明日の会議】 for a meeting today
    bot.clock.set(datetime(2026, 11, 24, 22, 30, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    assert bot.last_text(people["company"]) == "【1時間後の会議】夜の打合せ\n11/24(火) 23:30-23:59"


async def test_a_poll_open_for_less_than_a_day_gets_no_reminder_and_a_begun_slot_cannot_be_chosen(bot):
    people = await partnership(bot)
    await create_in_line(bot, people["staff"], "急ぎの会議", ["11/26 10:00", "11/25 10:00"], T.PICK_BY_TYPE, "NPO",
                         deadline="2026-11-25T09:00")
    bot.clock.advance(timedelta(minutes=1))  # within the day before the deadline from the start
    await bot.runtime.scheduler.run_due()
    assert len(cards(bot, people["npo_deputy"])) == 1  # no reminder right after the poll itself
    await mark(bot, people["npo"], 1, "○")
    await mark(bot, people["npo"], 2, "○")
    await mark(bot, people["npo_deputy"], 1, "○")
    await mark(bot, people["npo_deputy"], 2, "×")  # everyone answered: the proposal comes at once
    assert "最有力：11/25(水) 10:00-11:00（○2 △0）" in bot.last_text(people["staff"])
    meeting = await bot.one(Meeting, Meeting.title == "急ぎの会議")
    # The organizer's 24 hours end an hour before the best slot begins.
    assert meeting.decide_by == datetime(2026, 11, 25, 9, 0, tzinfo=TOKYO)
    bot.clock.set(datetime(2026, 11, 25, 10, 30, tzinfo=TOKYO))
    await bot.tap(people["staff"], "mtg:d:1:1")  # 11/25 10:00 has begun
    assert bot.last_text(people["staff"]) == T.MEETING_NOT_DECIDING
    await bot.tap(people["staff"], "mtg:d:1:2")
    assert bot.last_text(people["staff"]).startswith("「急ぎの会議」を11/26(木) 10:00-11:00で確定")


async def test_a_poll_and_a_move_sent_at_night_say_they_arrive_in_the_morning(bot):
    """Quiet hours hold the poll and the change notice until 07:00: the organizer is told so, not 「送りました」."""
    people = await partnership(bot)
    organizer = people["npo"]
    bot.clock.set(datetime(2026, 11, 24, 22, 30, tzinfo=TOKYO))
    await create_in_line(bot, organizer, "夜に作った会議", ["12/3 14:00-15:00"], T.PICK_BY_TYPE, "企業")
    assert bot.line.sent(MULTICAST) == []
    # The preview said so before 送信する, and so does the confirmation after it.
    assert bot.texts_to(organizer)[-2].endswith("\n※今送ると、夜間のため11/25(水) 07:00に届きます。")
    assert bot.last_text(organizer) == ("日程調整「夜に作った会議」を受け付けました（1人・#1）。夜間のため11/25(水) 07:00に届きます。"
                                        "締め切り後に、いちばん多く参加できる日時をお知らせします。")
    bot.clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=TOKYO))
    await bot.runtime.gateway.deliver_due()
    assert [call.json["to"] for call in bot.line.sent(MULTICAST)] == [[people["company"]]]
    await mark(bot, people["company"], 1, "○")
    bot.clock.set(datetime(2026, 11, 25, 22, 0, tzinfo=TOKYO))  # confirmed late that evening: told at 07:00
    await bot.press(organizer, T.MEETING_CONFIRM_BEST)
    assert bot.last_text(organizer) == ("「夜に作った会議」を12/3(木) 14:00-15:00で確定しました。"
                                        "参加依頼した1人へのお知らせは、夜間のため11/26(木) 07:00に届きます。")
    assert not any(t.startswith("【日程決定】") for t in bot.texts_to(people["company"]))
    bot.clock.set(datetime(2026, 11, 25, 23, 0, tzinfo=TOKYO))
    await bot.say(organizer, T.MEETING_MANAGE)
    await bot.press(organizer, "#1 夜に作った会議")
    await bot.send(ev.postback(organizer, "mtg:move:1", params={"datetime": "2026-12-10T15:00"},
                               timestamp_ms=bot.now_ms()))
    assert bot.last_text(organizer).startswith("※今送ると、夜間のため11/26(木) 07:00に届きます。\n参加依頼した1人に")
    told = len(bot.texts_to(people["company"]))
    await bot.press(organizer, T.MEETING_MOVE_SEND)
    assert len(bot.texts_to(people["company"])) == told  # held until the morning
    assert bot.last_text(organizer) == "参加依頼した1人へのお知らせを受け付けました。夜間のため11/26(木) 07:00に届きます。"
    bot.clock.set(datetime(2026, 11, 26, 7, 0, tzinfo=TOKYO))
    await bot.runtime.gateway.deliver_due()
    assert [t.split("\n")[0] for t in bot.texts_to(people["company"])[-2:]] == ["【日程決定】夜に作った会議",
                                                                              "【日時の変更】「夜に作った会議」は12/10(木) 15:00-16:00に変更になりました。"]
    assert bot.last_text(people["company"]) == "【日時の変更】「夜に作った会議」は12/10(木) 15:00-16:00に変更になりました。"
