"""Each step of setting up a meeting poll against what people type (see tests/handlers/steps/table.py)."""

import pytest

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.meetings import MAX_TITLE
from tests.handlers.steps.table import CONTROL, EMOJI, TOO_LONG, YEAR_9999, Step, check, moves, odd, refused, rows
from tests.seed import partnership


async def at_title(bot) -> str:
    organizer = (await partnership(bot))["staff"]
    await bot.say(organizer, T.MEETING)
    return organizer


async def at_slots(bot) -> str:
    organizer = await at_title(bot)
    await bot.say(organizer, "12月 推進会議")
    return organizer


async def at_length(bot) -> str:
    organizer = await at_slots(bot)
    await bot.send(ev.postback(organizer, "mtgc:slot", params={"datetime": "2026-12-05T10:00"},
                               timestamp_ms=bot.now_ms()))
    return organizer


async def at_segment(bot) -> str:
    organizer = await at_slots(bot)
    await bot.say(organizer, "12/3 14:00-15:30")
    await bot.say(organizer, T.DONE)
    return organizer


async def at_deadline(bot) -> str:
    organizer = await at_segment(bot)
    await bot.say(organizer, T.SEGMENT_ALL)
    return organizer


async def at_confirm(bot) -> str:
    organizer = await at_deadline(bot)
    await bot.say(organizer, T.DEADLINE_TOMORROW)
    return organizer


STEPS = [
    Step("Create:title", at_title, (
        ("12月 推進会議", moves("Create:slots")), (EMOJI, moves("Create:slots")),
        ("会" * (MAX_TITLE + 1), refused(T.MEETING_TITLE_INVALID.format(max=MAX_TITLE))),
        (CONTROL, refused(T.MEETING_TITLE_INVALID.format(max=MAX_TITLE))),
        (TOO_LONG, refused(T.MEETING_TITLE_INVALID.format(max=MAX_TITLE))))),
    Step("Create:slots", at_slots, (
        ("12/3 14:00-15:30", moves("Create:slots")), ("１２／３　１４：００", moves("Create:slots")),
        (T.DONE, refused(T.SLOTS_NONE)), ("おわり", refused(T.SLOTS_NONE)), (YEAR_9999, refused(T.DATE_TOO_FAR)),
        ("11/20 25:00", refused()), *odd(T.DATE_UNREADABLE.format(example=T.EXAMPLE_SLOT)))),
    Step("Create:length", at_length, (
        ("1時間", moves("Create:slots")), ("90分", moves("Create:slots")), ("１時間半", moves("Create:slots")),
        *odd(T.SLOT_LENGTH_HINT))),
    Step("Create:segment", at_segment, (
        (T.SEGMENT_ALL, moves("Create:deadline")), ("ＮＰＯ", moves("Create:deadline")),
        ("地域", refused(T.ASK_SEGMENT_AREA)), *odd(T.SEGMENT_PICK_BUTTON))),
    Step("Create:deadline", at_deadline, (
        (T.DEADLINE_TOMORROW, moves("Create:confirm")), ("あした", moves("Create:confirm")),
        ("3日後", moves("Create:confirm")), ("11/30 18:00", moves("Create:confirm")),
        ("12/5 18:00", refused(T.DEADLINE_INVALID.format(first="12/3(木) 14:00"))),
        (YEAR_9999, refused(T.DATE_TOO_FAR)), *odd(T.DATE_UNREADABLE.format(example=T.EXAMPLE_MOMENT)))),
    Step("Create:confirm", at_confirm, (
        (T.MEETING_SEND, moves(None)), ("送る", moves(None)), ("ok", moves(None)),
        ("送らない", refused(T.MEETING_CONFIRM_INVALID)), *odd(T.MEETING_CONFIRM_INVALID))),
]


@pytest.mark.parametrize("step, typed, outcome", rows(*STEPS))
async def test_what_is_typed_at_each_step(bot, step, typed, outcome):
    await check(bot, step, typed, outcome)
