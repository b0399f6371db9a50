"""Each step of starting a handover against what people type (see tests/handlers/steps/table.py)."""

import pytest

from bot.texts import catalog as T
from tests.handlers.steps.table import Step, check, moves, odd, refused, rows
from tests.seed import Seed, partnership


async def choosing_whose(bot) -> str:
    """Staff in 引継ぎ, asked whose role."""
    people = await partnership(bot)
    await bot.say(people["staff"], T.HANDOVER)
    return people["staff"]


async def choosing_successor(bot) -> str:
    """The NPO's primary contact in 引継ぎ, asked for the successor (a deputy and a plain member to pick from)."""
    people = await partnership(bot)
    await Seed(bot).member("NPO 後任", org="NPO法人 みどりの会", role="member")
    await bot.say(people["npo"], T.HANDOVER)
    return people["npo"]


async def confirming(bot) -> str:
    user = await choosing_successor(bot)
    await bot.say(user, "後任")
    return user


STEPS = [
    Step("HandoverDialog:departing", choosing_whose, (
        ("企業", moves("HandoverDialog:successor")), ("ＮＰＯ 副担当", moves("HandoverDialog:successor")),
        ("NPO", moves("HandoverDialog:departing")),  # two match: their buttons
        ("存在しない人", refused(T.HANDOVER_DEPARTING_NO_MATCH)), (T.CANCEL, moves(None)),
        *odd(T.HANDOVER_DEPARTING_NO_MATCH))),
    Step("HandoverDialog:successor", choosing_successor, (
        ("後任", moves("HandoverDialog:confirm")), ("副担当", moves("HandoverDialog:confirm")),
        (T.HANDOVER_NEW_PERSON, moves("HandoverDialog:confirm")), ("未登録", moves("HandoverDialog:confirm")),
        ("企業 担当", refused(T.HANDOVER_SUCCESSOR_NO_MATCH)),  # another organization's
        ("NPO 代表", refused(T.HANDOVER_SUCCESSOR_NO_MATCH)),  # oneself
        (T.CANCEL, moves(None)), *odd(T.HANDOVER_SUCCESSOR_NO_MATCH))),
    Step("HandoverDialog:confirm", confirming, (
        (T.HANDOVER_OK, moves(None)), ("はい", moves(None)), (T.CANCEL, moves(None)),
        *odd(T.HANDOVER_CONFIRM_HINT))),
]


@pytest.mark.parametrize("step, typed, outcome", rows(*STEPS))
async def test_what_is_typed_at_each_step(bot, step, typed, outcome):
    await check(bot, step, typed, outcome)
