"""Each step of the contact-check dialogs against what people type (see tests/handlers/steps/table.py)."""

import pytest

from bot.texts import catalog as T
from db.contact_checks import MAX_NOTE
from tests.handlers.steps.table import (CONTROL, EMOJI, NONSENSE, NUL_INSIDE, TOO_LONG, Step, check, moves, odd,
                                        refused, rows)
from tests.seed import partnership


async def _people(bot) -> dict:
    bot.people = await partnership(bot)
    return bot.people


async def at_segment(bot) -> str:
    staff = (await _people(bot))["staff"]
    await bot.say(staff, T.CHECK)
    return staff


async def at_kind(bot) -> str:
    staff = await at_segment(bot)
    await bot.say(staff, T.SEGMENT_ALL)
    return staff


async def at_confirm(bot) -> str:
    staff = await at_kind(bot)
    await bot.say(staff, T.CHECK_REAL)
    return staff


async def started(bot) -> dict:
    await bot.say(await at_confirm(bot), T.CHECK_START)
    return bot.people


async def at_provisions(bot) -> str:
    npo = (await started(bot))["npo"]
    await bot.say(npo, "無事")
    return npo


async def at_note(bot) -> str:
    npo = await at_provisions(bot)
    await bot.say(npo, T.DONE)
    return npo


async def at_proxy_name(bot) -> str:
    staff = (await started(bot))["staff"]
    await bot.say(staff, T.CHECK_PROXY)
    return staff


async def at_proxy_answer(bot) -> str:
    staff = await at_proxy_name(bot)
    await bot.say(staff, "大学")
    await bot.press(staff, "大学 教員（市立大学）")
    return staff


async def at_proxy_provisions(bot) -> str:
    staff = await at_proxy_answer(bot)
    await bot.say(staff, "支援が必要")
    return staff


async def at_proxy_note(bot) -> str:
    staff = await at_proxy_provisions(bot)
    await bot.say(staff, T.DONE)
    return staff


STEPS = [
    Step("Start:segment", at_segment, (
        (T.SEGMENT_ALL, moves("Start:kind")), ("みんな", moves("Start:kind")), ("ＮＰＯ", moves("Start:kind")),
        ("分野", refused(T.ASK_SEGMENT_FIELD)), *odd(T.SEGMENT_PICK_BUTTON))),
    Step("Start:kind", at_kind, (
        (T.CHECK_REAL, moves("Start:confirm")), ("ｸﾝﾚﾝ", moves("Start:confirm")),
        ("訓練です。", moves("Start:confirm")), *odd(T.CHECK_KIND_HINT))),
    Step("Start:confirm", at_confirm, (
        (T.CHECK_START, moves(None)), ("ＯＫ", moves(None)), ("開始しない", refused(T.CHECK_CONFIRM_INVALID)),
        *odd(T.CHECK_CONFIRM_INVALID))),
    Step("Answering:provisions", at_provisions, (
        ("物資", moves("Answering:provisions")), ("ひなんじょ", moves("Answering:provisions")),
        (T.DONE, moves("Answering:note")), ("なし", moves("Answering:note")),
        (NONSENSE, moves(None, T.CHECK_NOTE_TAKEN)), (CONTROL, refused(T.CHECK_PROVISIONS_HINT)),
        (TOO_LONG, refused(T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE))))),
    Step("Answering:note", at_note, (
        ("特になし", moves(None, T.CHECK_THANKS)), (NONSENSE, moves(None, T.CHECK_THANKS)),
        (NUL_INSIDE, moves(None, T.CHECK_THANKS)), ("あ" * MAX_NOTE, moves(None, T.CHECK_THANKS)),
        (CONTROL, refused(T.TEXT_ONLY)), (TOO_LONG, refused(T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE))))),
    Step("Proxy:name", at_proxy_name, (
        ("大学", moves("Proxy:name", T.ASK_PROXY_PICK)), ("ＮＰＯ", moves("Proxy:name", T.ASK_PROXY_PICK)),
        (NONSENSE, refused(T.PROXY_NO_MATCH.format(query=NONSENSE))), (EMOJI, refused()), (CONTROL, refused()),
        (TOO_LONG, refused()))),
    Step("Proxy:answer", at_proxy_answer, (
        ("無事", moves("Proxy:provisions")), ("ひがいあり", moves("Proxy:provisions")),
        ("助けてください", moves("Proxy:provisions")), *odd(T.PROXY_ANSWER_HINT))),
    Step("Proxy:provisions", at_proxy_provisions, (
        ("輸送", moves("Proxy:provisions")), (T.DONE, moves("Proxy:note")), ("なし", moves("Proxy:note")),
        *odd(T.CHECK_PROVISIONS_HINT))),
    Step("Proxy:note", at_proxy_note, (
        ("なし", moves(None)), ("電話で確認。全員無事", moves(None)), (CONTROL, refused(T.TEXT_ONLY)),
        (TOO_LONG, refused(T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE))))),
]


@pytest.mark.parametrize("step, typed, outcome", rows(*STEPS))
async def test_what_is_typed_at_each_step(bot, step, typed, outcome):
    await check(bot, step, typed, outcome)
