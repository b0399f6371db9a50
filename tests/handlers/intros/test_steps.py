"""Each step of the introductions' dialogs against what people type (see tests/handlers/steps/table.py)."""

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.texts import catalog as T
from db.models import IntroPair, Member
from db.weekly_questions import MAX_ANSWER, MAX_QUESTION
from handlers.intros.dialog import MAX_MESSAGE
from tests.handlers.steps.table import (CONTROL, EMOJI, NONSENSE, NUL_INSIDE, TOO_LONG, Step, check, moves, odd,
                                        refused, rows)
from tests.handlers.test_intros import TOKYO, announced_round
from tests.seed import partnership


async def at_question(bot) -> str:
    staff = (await partnership(bot))["staff"]
    await bot.say(staff, T.WEEKLY)
    return staff


async def at_weekly_confirm(bot) -> str:
    staff = await at_question(bot)
    await bot.say(staff, "最近うれしかったことは？")
    return staff


async def at_weekly_answer(bot) -> str:
    staff = await at_weekly_confirm(bot)
    await bot.say(staff, T.WEEKLY_SEND)
    npo = (await bot.scalars(select(Member.line_user_id).where(Member.name == "NPO 代表")))[0]
    await bot.tap(npo, "wq:a:1")
    return npo


async def at_held_answer(bot) -> str:
    npo = await at_weekly_answer(bot)
    await bot.say(npo, "訓練に50人集まった")
    return npo


async def paired(bot) -> tuple[str, IntroPair]:
    await announced_round(bot)
    bot.clock.set(datetime(2026, 11, 26, 12, 0, tzinfo=TOKYO))
    await bot.runtime.scheduler.run_due()
    pair = (await bot.scalars(select(IntroPair)))[0]
    user = (await bot.scalars(select(Member.line_user_id).where(Member.id == pair.member_a_id)))[0]
    return user, pair


async def at_message(bot) -> str:
    user, pair = await paired(bot)
    await bot.tap(user, f"intro:m:{pair.id}")
    return user


async def at_line_id(bot) -> str:
    user, pair = await paired(bot)
    await bot.tap(user, f"intro:x:{pair.id}")
    return user


STEPS = [
    Step("WeeklySetup:question", at_question, (
        ("最近うれしかったことは？", moves("WeeklySetup:confirm", T.WEEKLY_PREVIEW.format(question="最近うれしかったことは？",
                                                                                      count=5))),
        (T.WEEKLY_PICK, moves("WeeklySetup:confirm")),
        ("問" * (MAX_QUESTION + 1), refused(T.WEEKLY_TEXT_INVALID.format(max=MAX_QUESTION))),
        ("1行目\n2行目", refused(T.WEEKLY_TEXT_INVALID.format(max=MAX_QUESTION))),
        (CONTROL, refused(T.WEEKLY_TEXT_INVALID.format(max=MAX_QUESTION))),
        (TOO_LONG, refused(T.WEEKLY_TEXT_INVALID.format(max=MAX_QUESTION))))),
    Step("WeeklySetup:confirm", at_weekly_confirm, (
        (T.WEEKLY_SEND, moves(None)), ("送信", moves(None)), ("ＯＫ", moves(None)),
        *odd(T.WEEKLY_CONFIRM_INVALID))),
    Step("IntroDialog:weekly_answer", at_weekly_answer, (
        ("訓練に50人集まった", moves("IntroDialog:confirm")), (EMOJI, moves("IntroDialog:confirm")),
        (NUL_INSIDE, moves("IntroDialog:confirm")),
        ("答" * (MAX_ANSWER + 1), refused(T.WEEKLY_ANSWER_INVALID.format(max=MAX_ANSWER))),
        (CONTROL, refused(T.WEEKLY_ANSWER_INVALID.format(max=MAX_ANSWER))),
        (TOO_LONG, refused(T.WEEKLY_ANSWER_INVALID.format(max=MAX_ANSWER))))),
    Step("IntroDialog:confirm", at_held_answer, (
        (T.INTRO_SEND, moves(None)), ("送信", moves(None)), ("ＯＫ", moves(None)),
        (NONSENSE, moves("IntroDialog:confirm", T.WEEKLY_CONFIRM.format(text=NONSENSE))),
        (CONTROL, refused(T.WEEKLY_ANSWER_INVALID.format(max=MAX_ANSWER))),
        (TOO_LONG, refused(T.WEEKLY_ANSWER_INVALID.format(max=MAX_ANSWER))))),
    Step("IntroDialog:message", at_message, (
        ("はじめまして。防災倉庫の話を聞かせてください", moves("IntroDialog:confirm")),
        (EMOJI, moves("IntroDialog:confirm")),
        ("文" * (MAX_MESSAGE + 1), refused(T.INTRO_MESSAGE_INVALID.format(max=MAX_MESSAGE))),
        (CONTROL, refused(T.INTRO_MESSAGE_INVALID.format(max=MAX_MESSAGE))),
        (TOO_LONG, refused(T.INTRO_MESSAGE_INVALID.format(max=MAX_MESSAGE))))),
    Step("IntroDialog:line_id", at_line_id, (
        ("npo_deputy", moves("IntroDialog:confirm")), ("city.staff", moves("IntroDialog:confirm")),
        ("ID は npo!", refused(T.INTRO_LINE_ID_INVALID)), ("ｎｐｏ＿ｄｅｐｕｔｙ", moves("IntroDialog:confirm")),
        *odd(T.INTRO_LINE_ID_INVALID))),
]


@pytest.mark.parametrize("step, typed, outcome", rows(*STEPS))
async def test_what_is_typed_at_each_step(bot, step, typed, outcome):
    await check(bot, step, typed, outcome)
