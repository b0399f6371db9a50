"""Contact checks (安否確認): started in LINE, from the command line and over HTTP; answered,
re-asked, escalated to deputies, closed; every question delivered once even when LINE fails."""

import asyncio
import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, insert, select

from bot.texts import catalog as T
from bot.fakeline import events as ev
from bot.line.outbox import CHECK_ANSWER_REPLY
from bot.web.limits import MAX_WRONG, client_key
from db.contact_checks import MAX_NOTE, board_version, check_counts, claim_reask, record_answer, summarize
from handlers.contact_checks.charts import milestone_label
from db.models import ContactCheck, ContactCheckAnswer, ContactCheckTarget, Member, Organization, OutboxMessage
from tests.seed import Seed, listed_areas, partnership

PUSH = "/v2/bot/message/push"
REPLY = "/v2/bot/message/reply"
MULTICAST = "/v2/bot/message/multicast"
API = "/api/contact-checks"
TOKEN = "alert-feed-token"


def cards(bot, user) -> list[dict]:
    return [message for message in bot.messages_to(user) if message["type"] == "flex"]


def card_texts(card) -> list[str]:
    return [item["text"] for item in card["contents"]["body"]["contents"]]


def button_data(card, label) -> str:
    for button in card["contents"]["footer"]["contents"]:
        if button["action"]["label"] == label:
            return button["action"]["data"]
    raise AssertionError(f"no button {label!r}")


async def answer(bot, user, label, card_index=-1):
    await bot.tap(user, button_data(cards(bot, user)[card_index], label))


async def start_in_line(bot, staff, *picks):
    await bot.say(staff, T.CHECK)
    for label in picks:
        await bot.press(staff, label)


async def target(bot, user) -> ContactCheckTarget:
    return await bot.one(ContactCheckTarget, ContactCheckTarget.line_user_id == user)


async def test_start_in_line_at_night_answer_change_provide_and_note(bot):
    people = await partnership(bot)
    bot.clock.set(datetime(2026, 11, 24, 23, 30, tzinfo=bot.settings.tz))  # quiet hours do not hold a check
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL)
    preview = bot.last_text(people["staff"])
    assert "対象：全員（5人・4団体）" in preview and "種別：本番" in preview
    assert bot.line.sent(MULTICAST) == []  # nothing before confirmation
    await bot.press(people["staff"], T.CHECK_START)
    assert bot.last_text(people["staff"]) == T.CHECK_STARTED.format(id=1, kind=T.CHECK_REAL, count=4)
    [call] = bot.line.sent(MULTICAST)
    # The deputy waits: the NPO's primary contact is asked first.
    assert sorted(call.json["to"]) == sorted([people["staff"], people["npo"], people["company"], people["school"]])
    assert call.headers.get("x-line-retry-key")
    [card] = cards(bot, people["npo"])
    assert card_texts(card)[0] == T.CHECK_HEADER
    assert card["altText"] == "【安否確認】次のボタンから状況を選んでください（無事／被害あり／支援が必要）"

    await answer(bot, people["npo"], "無事")
    replies = bot.texts_to(people["npo"])
    assert replies[-2] == T.CHECK_RECORDED.format(answer="無事", when="11/24(火) 23:30")
    assert bot.quick_labels(people["npo"]) == ["物資", "避難場所", "輸送", "人員", "なし", T.DONE]
    await bot.press(people["npo"], "避難場所")
    await bot.press(people["npo"], "物資")
    assert bot.quick_labels(people["npo"])[:2] == ["✓物資", "✓避難場所"]
    await bot.press(people["npo"], "✓物資")  # a second tap takes it back
    await bot.press(people["npo"], "物資")
    await bot.press(people["npo"], T.DONE)
    assert bot.last_text(people["npo"]) == T.ASK_CHECK_NOTE.format(max=MAX_NOTE)
    await bot.say(people["npo"], "体育館を避難所として開放できます")
    assert bot.last_text(people["npo"]) == T.CHECK_THANKS

    bot.clock.advance(timedelta(minutes=7))
    await answer(bot, people["npo"], "被害あり")
    assert bot.texts_to(people["npo"])[-2] == T.CHECK_CHANGED.format(answer="被害あり", first="無事",
                                                                     first_when="11/24(火) 23:30")
    await answer(bot, people["company"], "支援が必要")
    await bot.press(people["company"], "なし")  # なし ends the choice at once
    await bot.say(people["company"], T.SKIP)  # スキップ, as elsewhere, means no note

    npo = await target(bot, people["npo"])
    assert (npo.first_status, npo.status, npo.answers) == ("safe", "damaged", 2)
    assert npo.first_answered_at < npo.answered_at
    assert npo.provisions == ["supplies", "shelter"] and npo.note == "体育館を避難所として開放できます"
    company = await target(bot, people["company"])
    assert (company.status, company.provisions, company.note) == ("help", ["none"], None)
    assert len(await bot.scalars(select(ContactCheckAnswer))) == 3

    await bot.say(people["staff"], T.CHECK_STATUS)
    summary = bot.last_text(people["staff"])
    assert "団体：回答 2/4（50%）" in summary
    assert "無事 0／被害あり 1／支援が必要 1" in summary
    assert "提供できる団体：物資 1／避難場所 1／輸送 0／人員 0" in summary
    assert "届いた 4人／送信待ち 0人／失敗 0人" in summary
    assert ("被害・支援の要請：\n・支援が必要 株式会社 山田建設\n"
            "・被害あり NPO法人 みどりの会（体育館を避難所として開放できます）") in summary
    await bot.press(people["staff"], T.CHECK_SILENT_BUTTON)
    assert bot.last_text(people["staff"]) == T.CHECK_SILENT_ORGS.format(
        count=2, names="・市役所 企画課：市 職員（主担当）電話番号未登録\n・市立大学：大学 教員（主担当）電話番号未登録")
    await bot.say(people["staff"], T.CHECK_STATUS)
    await bot.press(people["staff"], T.CHECK_ORGS_BUTTON)
    assert bot.last_text(people["staff"]).splitlines() == [
        "【団体別】#1",
        "・株式会社 山田建設：支援が必要（1/1人回答）",
        "・NPO法人 みどりの会：被害あり（1/2人回答） 提供：物資、避難場所 変更：無事→被害あり",
        "・市役所 企画課：未回答（0/1人回答）",
        "・市立大学：未回答（0/1人回答）",
    ]


async def test_a_redelivered_answer_is_stored_once_and_bad_buttons_change_nothing(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    tap = ev.postback(people["school"], button_data(cards(bot, people["school"])[0], "無事"), timestamp_ms=bot.now_ms())
    await bot.send(tap)
    await bot.send({**tap, "deliveryContext": {"isRedelivery": True}})
    assert (await target(bot, people["school"])).answers == 1
    assert len(await bot.scalars(select(ContactCheckAnswer))) == 1
    # Below the webhook's own deduplication, the answer log refuses the same source twice too.
    school = await bot.one(Member, Member.line_user_id == people["school"])
    async with bot.runtime.sessions() as session, session.begin():
        again = await record_answer(session, check_id=1, member_id=school.id, status="help", now=bot.clock.now(),
                                    source_key=f"line:{tap['webhookEventId']}")
    assert again.duplicate and (await target(bot, people["school"])).status == "safe"
    await answer(bot, people["school"], "無事")  # the same answer again is not a change
    assert bot.texts_to(people["school"])[-2] == T.CHECK_RECORDED.format(answer="無事", when="11/24(火) 10:00")

    outsider = await Seed(bot).member("後から登録", org="新しい団体")
    await bot.tap(outsider, "chk:ans:1:safe")  # not asked in this check
    assert bot.last_text(outsider) == T.CHECK_NOT_TARGET
    await bot.tap(people["company"], "chk:ans:1:maybe")
    assert bot.last_text(people["company"]) == T.CHECK_NOT_TARGET
    await bot.tap(people["company"], "chk:prv:1:shelter")  # provisions before any answer
    assert bot.last_text(people["company"]) == T.STALE_BUTTON
    assert len(await bot.scalars(select(ContactCheckAnswer))) == 2  # the school's two taps, nothing else
    assert (await target(bot, people["company"])).provisions == []


async def test_reasks_go_to_the_silent_only_and_a_silent_primary_brings_in_the_deputy(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    await answer(bot, people["company"], "無事")
    await answer(bot, people["staff"], "無事")

    bot.clock.advance(timedelta(minutes=29))
    assert (await bot.runtime.scheduler.run_due())["reask_contact_checks"] == 0
    bot.clock.advance(timedelta(minutes=1))
    assert (await bot.runtime.scheduler.run_due())["reask_contact_checks"] == 1
    again = bot.line.sent(MULTICAST)[-1]
    assert sorted(again.json["to"]) == sorted([people["npo"], people["school"]])
    assert T.CHECK_AGAIN in card_texts(cards(bot, people["npo"])[-1])
    assert cards(bot, people["npo_deputy"]) == []  # not yet: only after the first re-ask

    bot.clock.advance(timedelta(minutes=30))
    await bot.runtime.scheduler.run_due()
    assert len(cards(bot, people["npo"])) == 3
    [deputy_card] = cards(bot, people["npo_deputy"])
    assert T.CHECK_DEPUTY in card_texts(deputy_card)
    # Asked now: no longer held, and counted as asked everywhere (board, list of checks, home).
    deputy = await target(bot, people["npo_deputy"])
    assert (deputy.held, deputy.asked_count) == (False, 1)
    async with bot.runtime.sessions() as session:
        check = await session.get(ContactCheck, 1)
        summary = await summarize(session, check)
        counts = await check_counts(session, [1])
    assert (summary.members_asked, summary.members_answered, summary.members_held) == (5, 2, 0)
    assert counts[1][:3] == (5, 2, 0)
    await answer(bot, people["npo_deputy"], "被害あり")  # the NPO has answered now

    bot.clock.advance(timedelta(minutes=30))
    await bot.runtime.scheduler.run_due()
    assert len(cards(bot, people["npo"])) == 3  # its organization answered: no more asking
    assert len(cards(bot, people["school"])) == 4
    bot.clock.advance(timedelta(hours=2))
    assert (await bot.runtime.scheduler.run_due())["reask_contact_checks"] == 0  # three re-asks at most
    assert len(cards(bot, people["school"])) == 4
    assert [len(cards(bot, people[k])) for k in ("staff", "company")] == [1, 1]

    await bot.say(people["staff"], T.CHECK_STATUS)
    assert "団体：回答 3/4（75%）" in bot.last_text(people["staff"])


async def test_a_drill_is_marked_and_reports_how_fast_answers_came(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_DRILL, T.CHECK_START)
    async with bot.runtime.sessions() as session:  # the NPO's deputy is held back, not asked yet
        summary = await summarize(session, await session.get(ContactCheck, 1))
        counts = await check_counts(session, [1])
    assert (summary.members, summary.members_asked, summary.members_held, summary.members_silent) == (5, 4, 1, 4)
    assert counts[1] == (4, 0, 1, 0)
    assert bot.last_text(people["staff"]) == T.CHECK_STARTED.format(id=1, kind=T.CHECK_DRILL, count=4)
    [card] = cards(bot, people["school"])
    assert card_texts(card)[:2] == [T.CHECK_DRILL_HEADER, T.CHECK_DRILL_MESSAGE]
    # The push notification reads as a sentence: 【訓練】安否確認 and what to do are kept apart.
    assert card["altText"] == "【訓練】安否確認：次のボタンから状況を選んでください（無事／被害あり／支援が必要）"
    for minutes, who in ((2, "school"), (3, "npo_deputy"), (5, "npo"), (9, "company")):
        bot.clock.set(bot.clock.now().replace(hour=1, minute=minutes))
        if who == "npo_deputy":
            continue  # not asked yet
        await answer(bot, people[who], "無事")
    assert bot.texts_to(people["school"])[-2].startswith(T.CHECK_DRILL_NOTE)
    await bot.say(people["staff"], T.CHECK_STATUS)
    assert T.CHECK_MILESTONES.format(p25="2分", p50="5分", p75="9分") in bot.last_text(people["staff"])
    assert T.CHECK_MILESTONES == "4分の1の団体が回答するまで：{p25}／半数まで：{p50}／4分の3まで：{p75}"


async def test_a_second_start_returns_the_running_check_and_the_real_thing_replaces_a_drill(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_DRILL, T.CHECK_START)
    bot.clock.advance(timedelta(minutes=3))
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_DRILL, T.CHECK_START)
    assert bot.last_text(people["staff"]).startswith("同じ対象の安否確認 #1（訓練）")
    assert len(bot.line.sent(MULTICAST)) == 1
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    assert bot.last_text(people["staff"]) == T.CHECK_STARTED.format(id=2, kind=T.CHECK_REAL, count=4)
    drill, real = await bot.scalars(select(ContactCheck).order_by(ContactCheck.id))
    assert (drill.status, drill.closed_reason, real.status) == ("closed", "superseded", "open")
    assert card_texts(cards(bot, people["npo"])[-1])[0] == T.CHECK_HEADER
    bot.clock.advance(timedelta(hours=2))  # a running real check is never replaced by a new start
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    assert bot.last_text(people["staff"]).startswith("同じ対象の安否確認 #2（本番）")
    assert len(bot.line.sent(MULTICAST)) == 2


async def test_a_start_that_cannot_ask_anyone_leaves_the_running_drill_alone(bot):
    people = await partnership(bot)
    bot.settings.renkei_api_token = TOKEN
    auth = {"Authorization": f"Bearer {TOKEN}"}
    drill = await bot.client.post(API, json={"segment": "type:university", "drill": True}, headers=auth)
    assert drill.status_code == 201
    await bot.send(ev.unfollow(people["school"], timestamp_ms=bot.now_ms()))  # the only member leaves
    real = await bot.client.post(API, json={"segment": "type:university"}, headers=auth)
    assert real.status_code == 422 and "no active members" in real.text
    [check] = await bot.scalars(select(ContactCheck))
    assert (check.status, check.drill) == ("open", True)


async def test_two_starts_at_the_same_moment_make_one_check(bot):
    await partnership(bot)
    bot.settings.renkei_api_token = TOKEN
    auth = {"Authorization": f"Bearer {TOKEN}"}
    first, second = await asyncio.gather(bot.client.post(API, json={}, headers=auth),
                                         bot.client.post(API, json={}, headers=auth))
    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["id"] == second.json()["id"]
    assert len(await bot.scalars(select(ContactCheck))) == 1
    assert len(bot.line.sent(MULTICAST)) == 2  # one question, one word to staff


async def test_rounds_missed_while_the_scheduler_was_down_are_not_sent_in_a_rush(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)

    async def rounds() -> int:
        await bot.runtime.scheduler.run_due()
        return (await bot.one(ContactCheck, ContactCheck.id == 1)).reasks_done

    bot.clock.advance(timedelta(hours=3))
    assert await rounds() == 1
    bot.clock.advance(timedelta(seconds=15))
    assert await rounds() == 1
    bot.clock.advance(timedelta(minutes=29))
    assert await rounds() == 1
    bot.clock.advance(timedelta(minutes=1))
    assert await rounds() == 2
    assert len(cards(bot, people["school"])) == 3


async def test_with_a_single_reask_the_deputy_is_asked_in_it(bot):
    people = await partnership(bot)
    bot.settings.check_max_reasks = 1
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    bot.clock.advance(timedelta(minutes=30))
    await bot.runtime.scheduler.run_due()
    assert len(cards(bot, people["npo_deputy"])) == 1 and len(cards(bot, people["npo"])) == 2
    bot.clock.advance(timedelta(hours=1))
    assert (await bot.runtime.scheduler.run_due())["reask_contact_checks"] == 0
    await bot.say(people["staff"], T.CHECK_STATUS)
    assert "届いた 5人／送信待ち 0人／失敗 0人" in bot.last_text(people["staff"])  # people, not messages


async def test_close_in_line_then_a_late_answer_is_thanked_and_kept(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    await bot.say(people["staff"], T.CHECK_CLOSE)
    await bot.press(people["staff"], T.CHECK_CLOSE_OK)
    assert T.CHECK_CLOSED.format(id=1) in bot.texts_to(people["staff"])
    await answer(bot, people["school"], "無事")
    assert bot.last_text(people["school"]) == T.CHECK_LATE_THANKS
    school = await target(bot, people["school"])
    assert (school.status, school.late) == ("safe", True)
    bot.clock.advance(timedelta(hours=3))
    assert (await bot.runtime.scheduler.run_due())["reask_contact_checks"] == 0
    await bot.say(people["staff"], T.CHECK_STATUS)
    assert "終了後の回答 1件" in bot.last_text(people["staff"])
    await bot.say(people["staff"], T.CHECK_CLOSE)
    assert bot.last_text(people["staff"]).startswith(T.CHECK_NONE_OPEN)


async def test_the_choices_can_be_typed_instead_of_tapped(bot):
    people = await partnership(bot)
    await bot.say(people["staff"], T.CHECK)
    await bot.say(people["staff"], "あれ")
    assert bot.texts_to(people["staff"])[-2] == T.SEGMENT_PICK_BUTTON
    await bot.say(people["staff"], "ＮＰＯ")  # a choice of the second level, by its label
    assert bot.last_text(people["staff"]) == T.ASK_CHECK_KIND
    await bot.say(people["staff"], "本番です")
    assert "対象：種別：NPO（2人・1団体）" in bot.last_text(people["staff"])
    await bot.say(people["staff"], T.CANCEL)
    await bot.say(people["staff"], T.CHECK)
    await bot.say(people["staff"], "みんな")
    await bot.say(people["staff"], "たぶん")
    assert bot.texts_to(people["staff"])[-2] == T.CHECK_KIND_HINT
    await bot.say(people["staff"], "くんれん")
    assert "種別：訓練" in bot.last_text(people["staff"])
    await bot.say(people["staff"], "始めない")
    assert bot.texts_to(people["staff"])[-2] == T.CHECK_CONFIRM_INVALID
    assert await bot.scalars(select(ContactCheck)) == []
    await bot.say(people["staff"], "開始！")
    assert bot.last_text(people["staff"]) == T.CHECK_STARTED.format(id=1, kind=T.CHECK_DRILL, count=4)


async def test_members_cannot_start_or_see_checks(bot):
    people = await partnership(bot)
    for command in (T.CHECK, T.CHECK_STATUS, T.CHECK_CLOSE, T.CHECK_PROXY):
        await bot.say(people["npo"], command)
        assert bot.last_text(people["npo"]) == T.CHECK_STAFF_ONLY
    assert await bot.scalars(select(ContactCheck)) == []


async def test_staff_enter_an_answer_received_by_phone(bot):
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    await bot.say(people["staff"], T.CHECK_PROXY)
    await bot.say(people["staff"], "該当なし")
    assert bot.last_text(people["staff"]) == T.PROXY_NO_MATCH.format(query="該当なし")
    await bot.say(people["staff"], "大学")
    assert bot.quick_labels(people["staff"]) == ["大学 教員（市立大学）"]
    await bot.press(people["staff"], "大学 教員（市立大学）")
    await bot.press(people["staff"], "支援が必要")
    assert bot.texts_to(people["staff"])[-2] == T.PROXY_RECORDED.format(name="大学 教員", org="市立大学",
                                                                        answer="支援が必要")
    await bot.press(people["staff"], "輸送")  # what they said on the phone they can provide
    await bot.press(people["staff"], T.DONE)
    assert bot.last_text(people["staff"]) == T.ASK_PROXY_NOTE.format(name="大学 教員", max=MAX_NOTE)
    await bot.say(people["staff"], "電話で確認。研究棟が停電、学生20人が待機中。" * 20)  # over 200 characters
    assert bot.last_text(people["staff"]) == T.PROXY_DONE.format(name="大学 教員")
    school = await target(bot, people["school"])
    assert (school.status, school.by_proxy, school.provisions) == ("help", True, ["transport"])
    assert school.note.startswith("電話で確認。研究棟が停電") and len(school.note) == 23 * 20
    [logged] = await bot.scalars(select(ContactCheckAnswer))
    staff = await bot.one(Member, Member.line_user_id == people["staff"])
    assert logged.recorded_by_member_id == staff.id


async def test_staff_type_a_phone_answer_instead_of_tapping(bot):
    """代理回答 typed from start to end, while the staff member has not answered the check themselves."""
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    for typed in (T.CHECK_PROXY, "企業"):
        await bot.say(people["staff"], typed)
    await bot.press(people["staff"], "企業 担当（株式会社 山田建設）")
    await bot.say(people["staff"], "よく分からない")  # not an answer: the step again, with what works
    assert bot.texts_to(people["staff"])[-2:] == [T.PROXY_ANSWER_HINT, T.ASK_PROXY_ANSWER.format(
        name="企業 担当", org="株式会社 山田建設")]
    assert (await target(bot, people["company"])).status is None
    await bot.say(people["staff"], "ひがいあり")
    assert bot.texts_to(people["staff"])[-2] == T.PROXY_RECORDED.format(name="企業 担当", org="株式会社 山田建設",
                                                                        answer="被害あり")
    for typed in ("人手", "ｸﾙﾏ", "完了です"):
        await bot.say(people["staff"], typed)
    await bot.say(people["staff"], "なし")
    assert bot.last_text(people["staff"]) == T.PROXY_DONE.format(name="企業 担当")
    company = await target(bot, people["company"])
    assert (company.status, company.provisions, company.note) == ("damaged", ["transport", "people"], None)
    assert (await target(bot, people["staff"])).status is None  # the staff member's own answer is untouched


async def test_start_from_the_command_line_answer_for_a_member_status_and_export(bot, renkei, tmp_path):
    people = await partnership(bot)

    async def cli(*args):
        return await asyncio.to_thread(renkei, *args)

    assert "no area named '南地区'" in (await cli("check", "start", "--to", "area:南地区")).output
    await listed_areas(bot, "南地区")  # listed, and nobody in it
    assert "no active members" in (await cli("check", "start", "--to", "area:南地区")).output
    bad = await cli("check", "start", "--to", "area")
    assert bad.exit_code == 1 and "needs a value" in bad.output
    started = await cli("check", "start", "--to", "area:北地区", "--drill", "--message", "震度5強の地震がありました。")
    assert started.exit_code == 0, started.output
    assert "started: 4 member(s) asked" in started.output and "running service sends" in started.output
    check_id = started.output.strip().splitlines()[-1]
    again = await cli("check", "start", "--to", "area:北地区", "--drill")
    assert "already running" in again.output and again.output.strip().splitlines()[-1] == check_id

    bot.clock.set(datetime.now(UTC) + timedelta(seconds=1))  # the command line used the real clock
    await bot.runtime.gateway.deliver_due()
    [card] = cards(bot, people["school"])
    assert card_texts(card)[:2] == [T.CHECK_DRILL_HEADER, "震度5強の地震がありました。"]

    school = await bot.one(Member, Member.line_user_id == people["school"])
    recorded = await cli("check", "answer", check_id, "--member", str(school.id), "--status", "damaged",
                      "--provide", "shelter,people", "--note", "電話で確認")
    assert recorded.exit_code == 0, recorded.output
    wrong = await cli("check", "answer", check_id, "--member", str(school.id), "--status", "fine")
    assert wrong.exit_code == 1 and "safe, damaged, help" in wrong.output
    unknown = await cli("check", "answer", check_id, "--member", str(school.id), "--status", "safe", "--provide", "food")
    assert unknown.exit_code == 1 and "unknown provision" in unknown.output
    row = await target(bot, people["school"])
    assert (row.status, row.by_proxy, row.provisions, row.note) == ("damaged", True, ["shelter", "people"], "電話で確認")

    status = await cli("check", "status", check_id)
    assert "団体：回答 1/4（25%）" in status.output and "避難場所 1" in status.output
    assert "未回答の団体（3）" in status.output
    exported = await cli("check", "export", check_id, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert len(rows) == 5
    column = T.CHECK_EXPORT_COLUMNS
    assert list(rows[0]) == list(column.values())  # Japanese headings, as staff open it in a spreadsheet
    [school_row] = [r for r in rows if r[column["organization"]] == "市立大学"]
    assert (school_row[column["status"]], school_row[column["by_proxy"]], school_row[column["provisions"]],
            school_row[column["late"]], school_row[column["note"]]) == ("被害あり", "はい", "避難場所・人員", "いいえ",
                                                                       "電話で確認")
    assert [r[column["asked"]] for r in rows if r[column["role"]] == T.ROLE_DEPUTY] == ["0"]
    assert not {"damaged", "True", "False", "shelter", "deputy", "primary"} & {
        word for row in rows for value in row.values() for word in value.split("・")}
    assert {r[column["status"]] for r in rows if r[column["organization"]] != "市立大学"} == {"未回答"}
    path = tmp_path / "check.csv"
    written = await cli("check", "export", check_id, "--format", "csv", "--output", str(path))
    assert written.exit_code == 0 and "5 row(s) written" in written.output
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets then read the Japanese right
    assert list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))) == rows
    assert (await cli("check", "close", check_id)).exit_code == 0
    assert (await cli("check", "close", check_id)).exit_code == 1
    assert "closed" in (await cli("check", "list")).output


async def test_the_http_api_needs_its_token_and_starts_once(bot):
    people = await partnership(bot)
    assert (await bot.client.post(API, json={})).status_code == 404  # no token configured: no API
    bot.settings.renkei_api_token = TOKEN
    assert (await bot.client.post(API, json={})).status_code == 401
    wrong = await bot.client.post(API, json={}, headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad = await bot.client.post(API, json={"segment": "type:shop"}, headers=auth)
    assert bad.status_code == 422 and "unknown organization type" in bad.text
    assert await bot.scalars(select(ContactCheck)) == []
    assert bot.line.sent(MULTICAST) == []

    first = await bot.client.post(API, json={"segment": "all", "message": "大雨特別警報が出ました。"}, headers=auth)
    assert first.status_code == 201, first.text
    assert first.json()["created"] is True and first.json()["asked"] == 4
    # Handed to LINE right after the answer, and staff told at once (the two requests go side by side).
    told, call = sorted(bot.line.sent(MULTICAST), key=lambda r: len(r.json["to"]))
    assert len(call.json["to"]) == 4
    assert told.json["to"] == [people["staff"]] and told.json["messages"][0]["text"].startswith(
        "【安否確認の開始】#1（本番）が警報との自動連携で始まりました。\n対象：全員・4人に送信しています。")
    second = await bot.client.post(API, json={"segment": "all"}, headers=auth)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert second.json()["created"] is False and len(bot.line.sent(MULTICAST)) == 2

    await answer(bot, people["npo"], "無事")
    status = await bot.client.get(f"{API}/{first.json()['id']}", headers=auth)
    assert status.status_code == 200
    body = status.json()
    assert (body["organizations"], body["organizations_answered"], body["member_status"]["safe"]) == (4, 1, 1)
    assert sorted(body["silent_organizations"]) == sorted(["市役所 企画課", "株式会社 山田建設", "市立大学"])
    assert body["in_need"] == []
    assert (await bot.client.get(f"{API}/99", headers=auth)).status_code == 404
    assert (await bot.client.get(f"{API}/1")).status_code == 401


async def test_guessing_the_api_token_is_stopped_per_address(bot):
    await partnership(bot)
    bot.settings.renkei_api_token = TOKEN
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for guess in range(MAX_WRONG):
        wrong = await bot.client.post(API, json={}, headers={"Authorization": f"Bearer guess-{guess}"})
        assert wrong.status_code == 401
    refused = await bot.client.post(API, json={}, headers=auth)  # not even the right token is looked at
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) == 600
    assert await bot.scalars(select(ContactCheck)) == []
    elsewhere = httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.app, client=("192.0.2.7", 50000)),
                                  base_url="http://renkei.test")
    async with elsewhere:
        assert (await elsewhere.get(f"{API}/1", headers=auth)).status_code == 404  # another address: let in
    bot.clock.advance(timedelta(minutes=10))
    assert (await bot.client.post(API, json={}, headers=auth)).status_code == 201


async def test_every_question_reaches_each_member_once_when_line_fails_a_fifth_of_calls(bot):
    now = bot.clock.now()
    async with bot.runtime.sessions() as session, session.begin():
        await session.execute(insert(Organization), [
            {"name": f"団体{i}", "org_type": "npo", "created_at": now} for i in range(300)])
        await session.execute(insert(Member), [
            {"line_user_id": ev.new_user_id(), "organization_id": 1 + i % 300, "name": f"会員{i}", "fields": [],
             "role": "primary", "is_staff": False, "area": "北地区", "needs": [], "offers": [], "status": "active",
             "registered_at": now, "updated_at": now} for i in range(6000)])
    bot.settings.renkei_api_token = TOKEN
    bot.line.fail_randomly(0.2, statuses=(500, 429), seed=7)
    started = await bot.client.post(API, json={}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert started.status_code == 201 and started.json()["asked"] == 6000
    for _ in range(40):
        pending = await bot.scalars(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.status == "pending"))
        if pending == [0]:
            break
        bot.clock.advance(timedelta(minutes=10))
        await bot.runtime.gateway.deliver_due()
    bot.line.fail_randomly(0)
    calls = bot.line.sent(MULTICAST)
    failed = [r for r in bot.line.requests if r.path == MULTICAST and r.status >= 400]
    assert failed and {r.status for r in failed} == {500, 429}
    delivered = Counter(user for call in calls for user in call.json["to"])
    assert len(delivered) == 6000 and set(delivered.values()) == {1}
    keys = {}
    for request in [r for r in bot.line.requests if r.path == MULTICAST]:
        keys.setdefault(request.headers["x-line-retry-key"], set()).add(tuple(request.json["to"]))
    assert len(keys) == 12 and all(len(recipients) == 1 for recipients in keys.values())
    assert [row.status for row in await bot.scalars(select(OutboxMessage))] == ["sent"] * 12


def test_wrong_tokens_are_counted_per_ipv4_address_and_per_ipv6_network():
    assert client_key("192.0.2.7") == "192.0.2.7" and client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")


async def test_an_answers_confirmation_in_doubt_is_pushed_anyway_when_its_token_runs_out(bot):
    """A member must know their 無事 was taken: a possible duplicate is the lesser harm here."""
    people = await partnership(bot)
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)
    bot.runtime.gateway.request_timeout = 0.3
    bot.line.hang_next(REPLY, 1.0)  # the confirmation's reply times out: did LINE take it?
    await answer(bot, people["school"], "無事")
    bot.clock.advance(timedelta(seconds=1))
    await bot.line.wait_for_async(lambda: bot.line.sent(REPLY))
    bot.clock.advance(timedelta(minutes=2))  # past the token's minute
    await bot.runtime.gateway.deliver_due()
    [confirmation] = await bot.scalars(select(OutboxMessage).where(OutboxMessage.purpose == CHECK_ANSWER_REPLY))
    assert (confirmation.kind, confirmation.status) == ("push", "sent")
    [push] = bot.line.sent(PUSH)
    assert push.headers["x-line-retry-key"] == confirmation.retry_key
    said = T.CHECK_RECORDED.format(answer="無事", when="11/24(火) 10:00")
    assert bot.texts_to(people["school"]).count(said) == 2  # the accepted risk: it came twice


async def test_every_change_a_board_shows_counts_up_the_checks_version_and_nothing_else_does(bot):
    people = await partnership(bot)

    async def version() -> int:
        async with bot.runtime.sessions() as session:
            return await board_version(session, 1)

    seen = [await version()]
    await start_in_line(bot, people["staff"], T.SEGMENT_ALL, T.CHECK_REAL, T.CHECK_START)

    async def changed(expected: bool = True) -> None:
        now = await version()
        assert (now > seen[-1]) is expected, (seen, now)
        seen.append(now)

    await changed()  # the start itself
    tap = ev.postback(people["npo"], button_data(cards(bot, people["npo"])[0], "無事"), timestamp_ms=bot.now_ms())
    await bot.send(tap)
    await changed()
    await bot.send({**tap, "deliveryContext": {"isRedelivery": True}})  # the same event again: nothing new
    await changed(expected=False)
    await bot.press(people["npo"], "物資")
    await changed()
    await bot.press(people["npo"], T.DONE)
    await changed(expected=False)
    await bot.say(people["npo"], "倉庫が使えます")
    await changed()
    await bot.say(people["staff"], T.CHECK_STATUS)  # reading changes nothing
    await changed(expected=False)
    async with bot.runtime.sessions() as session, session.begin():
        assert (await claim_reask(session, 1, bot.clock.now(), by_staff=True)).round == 1
    await changed()
    await bot.say(people["staff"], T.CHECK_CLOSE)
    await bot.press(people["staff"], T.CHECK_CLOSE_OK)
    await changed()


def test_milestone_times_read_in_seconds_under_two_minutes_and_whole_minutes_above():
    assert [milestone_label(timedelta(seconds=s)) for s in (0, 45, 119, 120, 12 * 60 + 10, 22 * 60 + 40)] == [
        "0秒", "45秒", "119秒", "2分", "12分", "23分"]
    assert milestone_label(None) == T.CHECK_MILESTONE_NONE
