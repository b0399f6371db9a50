"""Each step of reporting and defining a KPI against what people type (see tests/handlers/steps/table.py)."""

import pytest

from bot.texts import catalog as T
from tests.handlers.test_kpis import agreement, at
from tests.handlers.steps.table import (CONTROL, EMOJI, NONSENSE, TOO_LONG, YEAR_9999, Step, check, moves, odd,
                                        refused, rows)
from tests.seed import partnership


async def at_confirm(bot) -> str:
    people = await partnership(bot)
    await agreement(bot, people)
    await at(bot, 12, 1)
    await bot.say(people["npo"], "参加者 -3")
    return people["npo"]


async def at_fix(bot) -> str:
    people = await partnership(bot)
    await agreement(bot, people)
    await at(bot, 12, 1)
    await bot.say(people["npo"], "参加者 30")
    await bot.press(people["npo"], T.KPI_FIX)
    return people["npo"]


def defining(*typed: str):
    """A staff member in KPI設定 with one agreement to choose, having typed `typed` so far."""
    async def reach(bot) -> str:
        people = await partnership(bot)
        await agreement(bot, people, satisfaction=False)
        staff = people["staff"]
        await bot.say(staff, T.KPI_SETUP)
        for text in typed:
            await bot.say(staff, text)
        return staff
    return reach


AGREEMENT, ORG = "みどりのまち協定", "NPO法人 みどりの会"
TARGET = (AGREEMENT, ORG, "相談件数", "件")
TOTAL = T.KPI_KIND_LABELS["total"]
PICK = T.KPI_SETUP_PICK_HINT


def DATES_AGAIN(reason: str) -> str:
    """Why the report dates were not read (the one date reader's words), then the question again."""
    return reason + "\n" + T.KPI_SETUP_ASK_DATES


STEPS = [
    Step("KpiDialog:confirm", at_confirm, (
        (T.KPI_CONFIRM_YES, moves(None)), ("はい", moves(None)), (T.KPI_CONFIRM_NO, moves(None, T.KPI_DISCARDED)),
        ("参加者 30", moves(None)), *odd(T.KPI_CONFIRM_PENDING, (NONSENSE, EMOJI, CONTROL)))),
    Step("KpiDialog:fix", at_fix, (
        ("42", moves(None)), ("４２人", moves(None)), ("－１", moves("KpiDialog:confirm")),
        *odd(T.KPI_NOT_A_NUMBER))),
    Step("Define:agreement", defining(), (
        (AGREEMENT, moves("Define:organization")), ("みどりのまち協定 ", moves("Define:organization")),
        *odd(PICK))),
    Step("Define:organization", defining(AGREEMENT), (
        (ORG, moves("Define:name")), ("ＮＰＯ法人　みどりの会", moves("Define:name")), *odd(PICK))),
    Step("Define:name", defining(AGREEMENT, ORG), (
        ("相談件数", moves("Define:unit")), (EMOJI, moves("Define:unit")),
        ("講座参加者数", refused(T.KPI_SETUP_NAME_TAKEN.format(name="講座参加者数"))),
        ("あ" * 41, refused(T.KPI_SETUP_NAME_INVALID)), (CONTROL, refused(T.KPI_SETUP_NAME_INVALID)),
        (TOO_LONG, refused(T.KPI_SETUP_NAME_INVALID)))),
    Step("Define:unit", defining(AGREEMENT, ORG, "相談件数"), (
        ("人", moves("Define:target")), (T.NONE_SELECTED, moves("Define:target")),
        ("あ" * 11, refused(T.KPI_SETUP_UNIT_INVALID)), (CONTROL, refused(T.KPI_SETUP_UNIT_INVALID)),
        (TOO_LONG, refused(T.KPI_SETUP_UNIT_INVALID)))),
    Step("Define:target", defining(*TARGET), (
        ("500", moves("Define:kind")), ("１，２００人", moves("Define:kind")),
        ("1.2万", moves("Define:kind")), ("-5", refused(T.KPI_SETUP_TARGET_INVALID)),
        ("9" * 30, refused(T.KPI_SETUP_TARGET_INVALID)), *odd(T.KPI_SETUP_TARGET_INVALID))),
    Step("Define:kind", defining(*TARGET, "500"), (
        (TOTAL, moves("Define:target_date")), (T.KPI_KIND_LABELS["level"], moves("Define:target_date")),
        ("累計", moves("Define:target_date")), ("毎回です。", moves("Define:target_date")),
        ("足りない", refused(T.KPI_SETUP_KIND_BUTTON)), *odd(T.KPI_SETUP_KIND_BUTTON))),
    Step("Define:target_date", defining(*TARGET, "500", TOTAL), (
        ("2027/3/31", moves("Define:cadence")), ("２０２７年３月３１日", moves("Define:cadence")),
        ("9999/12/31", refused(T.DATE_TOO_FAR)), ("2026/11/1", refused(T.DATE_PAST.format(day="11/1(日)"))),
        *odd(T.DATE_UNREADABLE.format(example=T.EXAMPLE_DAY)))),
    Step("Define:cadence", defining(*TARGET, "500", TOTAL, "2027/3/31"), (
        ("毎月", moves("Define:confirm")), ("四半期", moves("Define:confirm")), ("月次", moves("Define:confirm")),
        ("日付を指定", moves("Define:dates")), *odd(PICK))),
    Step("Define:dates", defining(*TARGET, "500", TOTAL, "2027/3/31", "日付を指定"), (
        ("12/15 3/15", moves("Define:confirm")), ("１２／１５、３／１５", moves("Define:confirm")),
        (YEAR_9999, refused(DATES_AGAIN(T.DATE_TOO_FAR))), ("9999/12/31", refused(DATES_AGAIN(T.DATE_TOO_FAR))),
        (CONTROL, refused(T.KPI_SETUP_DATES_INVALID)),  # nothing left once cleaned: no date at all
        *odd(DATES_AGAIN(T.DATE_UNREADABLE.format(example=T.EXAMPLE_DAYS)), (NONSENSE, EMOJI, TOO_LONG)))),
    Step("Define:confirm", defining(*TARGET, "500", TOTAL, "2027/3/31", "毎月"), (
        (T.KPI_SETUP_SAVE, moves(None)), ("登録", moves(None)), ("ＯＫ", moves(None)),
        *odd(T.KPI_SETUP_CONFIRM_HINT))),
]


@pytest.mark.parametrize("step, typed, outcome", rows(*STEPS))
async def test_what_is_typed_at_each_step(bot, step, typed, outcome):
    await check(bot, step, typed, outcome)
