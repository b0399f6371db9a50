"""Each step of composing a notice against what people type (see tests/handlers/steps/table.py)."""

import pytest

from bot.texts import catalog as T
from db.notices import MAX_NOTICE_TEXT
from tests.handlers.steps.table import (CONTROL, EMOJI, NUL_INSIDE, TOO_LONG, YEAR_9999, Step, check, moves, odd,
                                        refused, rows)
from tests.seed import partnership


async def at_text(bot) -> str:
    staff = (await partnership(bot))["staff"]
    await bot.say(staff, T.NOTICE)
    return staff


async def at_segment(bot) -> str:
    staff = await at_text(bot)
    await bot.say(staff, "12月の推進会議は市役所3階で行います。")
    return staff


async def at_orgs(bot) -> str:
    staff = await at_segment(bot)
    await bot.say(staff, T.PICK_ORGS)
    return staff


async def at_when(bot) -> str:
    staff = await at_segment(bot)
    await bot.say(staff, T.SEGMENT_ALL)
    return staff


async def at_confirm(bot) -> str:
    staff = await at_when(bot)
    await bot.say(staff, T.SEND_NOW)
    return staff


INVALID_TEXT = T.NOTICE_TEXT_INVALID.format(max=MAX_NOTICE_TEXT)

STEPS = [
    Step("Compose:text", at_text, (
        ("清掃活動のお知らせです", moves("Compose:segment")), (NUL_INSIDE, moves("Compose:segment")),
        (EMOJI, moves("Compose:segment")), ("あ" * MAX_NOTICE_TEXT, moves("Compose:segment")),
        (CONTROL, refused(INVALID_TEXT)), (TOO_LONG, refused(INVALID_TEXT)))),
    Step("Compose:segment", at_segment, (
        (T.SEGMENT_ALL, moves("Compose:when")), ("全員に", moves("Compose:when")), ("防災", moves("Compose:when")),
        ("ｸﾞﾙｰﾌﾟ", refused(T.NO_GROUPS)), ("分野", refused(T.ASK_SEGMENT_FIELD)),
        (T.PICK_ORGS, moves("Compose:orgs")), *odd(T.SEGMENT_PICK_BUTTON))),
    Step("Compose:orgs", at_orgs, (
        ("市立大学", moves("Compose:orgs")), ("ＮＰＯ法人　みどりの会", moves("Compose:orgs")),
        (T.DONE, refused()), *odd(T.SEGMENT_PICK_BUTTON))),
    Step("Compose:when", at_when, (
        (T.SEND_NOW, moves("Compose:confirm")), ("今すぐ", moves("Compose:confirm")),
        ("ｲﾏｽｸﾞ", moves("Compose:confirm")), ("すぐに！", moves("Compose:confirm")), (YEAR_9999, refused()),
        *odd(T.DATE_UNREADABLE.format(example=T.EXAMPLE_MOMENT)))),
    Step("Compose:confirm", at_confirm, (
        (T.CONFIRM_SEND, moves(None)), ("送信", moves(None)), ("ＯＫ", moves(None)),
        ("送信しない", refused(T.NOTICE_CONFIRM_INVALID.format(ok=T.CONFIRM_SEND))),
        *odd(T.NOTICE_CONFIRM_INVALID.format(ok=T.CONFIRM_SEND)))),
]


@pytest.mark.parametrize("step, typed, outcome", rows(*STEPS))
async def test_what_is_typed_at_each_step(bot, step, typed, outcome):
    await check(bot, step, typed, outcome)
