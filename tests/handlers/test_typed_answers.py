"""Typed where a button is offered, outside any dialog: a poll's ○/△/×, a ひとこと answer, a KPI confirmation,
確認しました under a notice, the follow-up of an introduction."""

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.texts import catalog as T
from db.models import IntroPair, KpiReport, MeetingAnswer, Member, NoticeRecipient, WeeklyAnswer
from handlers.meetings.votes import read_marks
from tests.handlers.test_intros import TOKYO, announced_round
from tests.handlers.test_kpis import VISITORS, agreement, at, reports
from tests.handlers.test_meetings import cards, create_in_line
from tests.seed import partnership


@pytest.mark.parametrize("typed, marks", [
    ("○", {}), ("1○ 2△ 3×", {1: "yes", 2: "maybe", 3: "no"}), ("１○２×３△", {1: "yes", 2: "no", 3: "maybe"}),
    ("1:まる 3:ばつ", {1: "yes", 3: "no"}), ("全部○", {1: "yes", 2: "yes", 3: "yes"}),
    ("すべて×", {1: "no", 2: "no", 3: "no"}), ("4○", None), ("1○ よろしく", None), ("12月10日", None), ("", None),
])
def test_marks_are_read_for_each_numbered_slot(typed, marks):
    assert read_marks(typed, [1, 2, 3]) == marks


def test_a_single_mark_answers_a_poll_with_one_slot():
    assert read_marks("参加します", [1]) == {1: "yes"} and read_marks("欠席", [1]) == {1: "no"}


async def test_a_poll_is_answered_by_typing(bot):
    people = await partnership(bot)
    await create_in_line(bot, people["staff"], "12月 推進会議", ["12/3 14:00-15:30", "12/4 10:00"], T.PICK_BY_FIELD,
                         "防災")
    npo = people["npo"]
    await bot.say(npo, "○")  # two slots: which one is not known
    assert bot.texts_to(npo)[-1] == T.MEETING_TYPED_HINT and len(cards(bot, npo)) == 2
    assert await bot.scalars(select(MeetingAnswer)) == []
    await bot.say(npo, "1○ 2×")
    assert bot.last_text(npo).splitlines() == ["「12月 推進会議」の回答を受け付けました。", "12/3(木) 14:00-15:30：○",
                                               "12/4(金) 10:00-11:00：×", "（2/2件回答済み）",
                                               T.MEETING_ALL_ANSWERED.format(deadline="11/25(水) 18:00")]
    answers = {(a.slot_id, a.choice) for a in await bot.scalars(select(MeetingAnswer))}
    assert len(answers) == 2 and {choice for _, choice in answers} == {"yes", "no"}
    await bot.say(people["school"], "1○")  # not invited: an ordinary message
    assert bot.last_text(people["school"]) == T.UNKNOWN_TEXT


async def test_a_weekly_answer_typed_without_the_button_waits_for_send(bot):
    people = await partnership(bot)
    await bot.say(people["staff"], T.WEEKLY)
    await bot.say(people["staff"], "最近うれしかったことは？")
    await bot.say(people["staff"], T.WEEKLY_SEND)  # the question goes out only once its preview is confirmed
    npo = people["npo"]
    await bot.say(npo, "子ども食堂に30人来てくれた")
    assert bot.last_text(npo) == T.WEEKLY_CONFIRM_TYPED.format(question="最近うれしかったことは？",
                                                              text="子ども食堂に30人来てくれた")
    assert await bot.scalars(select(WeeklyAnswer)) == []  # held until 送信する
    await bot.say(npo, "送信する")
    assert bot.last_text(npo).startswith("受け付けました。")
    [stored] = await bot.scalars(select(WeeklyAnswer))
    assert stored.text == "子ども食堂に30人来てくれた"
    await bot.say(npo, "こんにちは")  # answered: no longer taken as the answer
    assert bot.last_text(npo) == T.UNKNOWN_TEXT


async def test_an_unusual_kpi_value_is_confirmed_by_typing(bot):
    people = await partnership(bot)
    kpis = await agreement(bot, people)
    await at(bot, 12, 1)
    await bot.say(people["npo"], "参加者 -3")
    await bot.say(people["npo"], "はい")
    assert bot.last_text(people["npo"]).startswith(T.KPI_STORED)
    assert [r.value for r in await reports(bot, kpis[VISITORS])] == [-3]
    await bot.say(people["npo"], "参加者 -4")
    await bot.say(people["npo"], "記録しない")
    assert bot.last_text(people["npo"]) == T.KPI_DISCARDED
    assert len(await bot.scalars(select(KpiReport))) == 1


async def test_a_notice_is_acknowledged_by_typing(bot):
    people = await partnership(bot)
    for typed in (T.NOTICE, "アンケートにご協力ください", T.SEGMENT_ALL, T.SEND_NOW, T.CONFIRM_SEND):
        await bot.say(people["staff"], typed)
    await bot.say(people["npo"], "確認しました。")
    assert bot.last_text(people["npo"]) == T.ACK_THANKS
    [acked] = await bot.scalars(select(NoticeRecipient).where(NoticeRecipient.acked_at.is_not(None)))
    assert acked.line_user_id == people["npo"]
    await bot.say(people["npo"], "確認しました")  # nothing left to acknowledge: an ordinary message
    assert bot.last_text(people["npo"]) == T.UNKNOWN_TEXT


async def test_the_follow_up_of_an_introduction_is_answered_by_typing(bot):
    await announced_round(bot)
    bot.clock.set(datetime(2026, 11, 26, 12, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    pair = (await bot.scalars(select(IntroPair)))[0]
    user = (await bot.scalars(select(Member.line_user_id).where(Member.id == pair.member_a_id)))[0]
    await bot.say(user, "話せました")  # before the follow-up is asked: an ordinary message
    assert bot.last_text(user) == T.UNKNOWN_TEXT
    bot.clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    await bot.say(user, "話せました！")
    assert bot.last_text(user) == T.INTRO_OUTCOME_REPLIES["talked"]
    [pair] = await bot.scalars(select(IntroPair).where(IntroPair.id == pair.id))
    assert pair.a_outcome == "talked" and pair.tie_at is not None
