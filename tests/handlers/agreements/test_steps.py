"""Each step of 協定登録 against what people type (see tests/handlers/steps/table.py)."""

import pytest

from bot.texts import catalog as T
from handlers.agreements.setup import MAX_NAME
from tests.handlers.steps.table import CONTROL, EMOJI, TOO_LONG, YEAR_9999, Step, check, moves, odd, refused, rows
from tests.seed import partnership


def adding(*typed: str):
    async def reach(bot) -> str:
        staff = (await partnership(bot))["staff"]
        await bot.say(staff, T.AGREEMENT_ADD)
        for text in typed:
            await bot.say(staff, text)
        return staff
    return reach


NAMED = ("まちづくり包括連携協定",)
WITH_ORG = (*NAMED, "みどり", T.DONE)

STEPS = [
    Step("AddAgreement:name", adding(), (
        ("まちづくり包括連携協定", moves("AddAgreement:organizations")), (EMOJI, moves("AddAgreement:organizations")),
        ("協" * (MAX_NAME + 1), refused(T.AGREEMENT_NAME_INVALID.format(max=MAX_NAME))),
        (CONTROL, refused(T.AGREEMENT_NAME_INVALID.format(max=MAX_NAME))),
        (TOO_LONG, refused(T.AGREEMENT_NAME_INVALID.format(max=MAX_NAME))))),
    Step("AddAgreement:organizations", adding(*NAMED), (
        ("みどり", moves("AddAgreement:organizations")), ("市立大学", moves("AddAgreement:organizations")),
        (T.DONE, refused(T.AGREEMENT_ORGS_NONE)), ("市", refused(T.AGREEMENT_ORG_HINT)), *odd(T.AGREEMENT_ORG_HINT))),
    Step("AddAgreement:start", adding(*WITH_ORG), (
        ("2026/4/1", moves("AddAgreement:review")), ("今日", moves("AddAgreement:review")),
        ("２０２６年４月１日", moves("AddAgreement:review")), (YEAR_9999, refused(T.AGREEMENT_DATE_INVALID)),
        ("9999/12/31", refused(T.AGREEMENT_DATE_INVALID)), *odd(T.AGREEMENT_DATE_INVALID))),
    Step("AddAgreement:review", adding(*WITH_ORG, "2026/4/1"), (
        ("2029/3/31", moves("AddAgreement:confirm")), (T.SKIP, moves("AddAgreement:confirm")),
        ("なし", moves("AddAgreement:confirm")), ("2026/3/1", refused(T.AGREEMENT_REVIEW_INVALID)),
        ("9999/12/31", refused(T.AGREEMENT_REVIEW_INVALID)), *odd(T.AGREEMENT_REVIEW_INVALID))),
    Step("AddAgreement:confirm", adding(*WITH_ORG, "2026/4/1", T.SKIP), (
        (T.AGREEMENT_SAVE, moves(None, T.AGREEMENT_SAVED.format(name="まちづくり包括連携協定"))),
        ("登録", moves(None)), ("はい", moves(None)), *odd(T.AGREEMENT_CONFIRM_HINT))),
]


@pytest.mark.parametrize("step, typed, outcome", rows(*STEPS))
async def test_what_is_typed_at_each_step(bot, step, typed, outcome):
    await check(bot, step, typed, outcome)
