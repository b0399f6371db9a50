"""Each step of 団体登録 and メンバー管理 against what people type (see tests/handlers/steps/table.py)."""

import pytest

from bot.texts import catalog as T
from db.organizations import MAX_NAME
from tests.handlers.steps.table import CONTROL, EMOJI, TOO_LONG, Step, check, moves, odd, refused, rows
from tests.seed import partnership


def staff_saying(command: str, *typed: str):
    async def reach(bot) -> str:
        staff = (await partnership(bot))["staff"]
        await bot.say(staff, command)
        for text in typed:
            await bot.say(staff, text)
        return staff
    return reach


def adding(*typed):
    return staff_saying(T.ORG_ADD, *typed)


def managing(*typed):
    return staff_saying(T.MEMBER_MANAGE, *typed)


NAME_INVALID = T.ORG_NAME_INVALID.format(max=MAX_NAME)
NAMED = ("みなと子ども食堂",)
TYPED = (*NAMED, "NPO")
DEPUTY = ("みどり", "NPO 副担当")

STEPS = [
    Step("AddOrganization:name", adding(), (
        ("みなと子ども食堂", moves("AddOrganization:org_type")), (EMOJI, moves("AddOrganization:org_type")),
        ("ＮＰＯ法人　港の会", moves("AddOrganization:org_type")),
        ("NPO法人 みどりの会", refused(T.ORG_NAME_TAKEN.format(name="NPO法人 みどりの会"))),
        ("団" * (MAX_NAME + 1), refused(NAME_INVALID)), (CONTROL, refused(NAME_INVALID)),
        (TOO_LONG, refused(NAME_INVALID)))),
    Step("AddOrganization:org_type", adding(*NAMED), (
        ("NPO", moves("AddOrganization:confirm")), ("ｎｐｏ", moves("AddOrganization:confirm")),
        ("企業", moves("AddOrganization:confirm")), ("株式会社", moves("AddOrganization:confirm")),
        ("団体・商店会", moves("AddOrganization:confirm")), ("自治会", moves("AddOrganization:confirm")),
        ("行政", moves("AddOrganization:confirm")), ("大学", moves("AddOrganization:confirm")),
        ("その他", moves("AddOrganization:confirm")), ("ボランティア", refused(T.ORG_TYPE_HINT)),
        *odd(T.ORG_TYPE_HINT))),
    Step("AddOrganization:confirm", adding(*TYPED), (
        (T.ORG_SAVE, moves("AddOrganization:invite", T.ORG_SAVED.format(name="みなと子ども食堂"))),
        ("登録", moves("AddOrganization:invite")), ("はい", moves("AddOrganization:invite")),
        ("ＯＫ", moves("AddOrganization:invite")), *odd(T.ORG_CONFIRM_HINT))),
    Step("AddOrganization:invite", adding(*TYPED, T.ORG_SAVE), (
        (T.ORG_INVITE_NOW, moves("IssueInvite:kind")), ("発行する", moves("IssueInvite:kind")),
        ("はい", moves("IssueInvite:kind")), (T.ORG_INVITE_LATER, moves(None, T.ORG_INVITE_LATER_DONE)),
        ("後で", moves(None)), ("いいえ", moves(None)), *odd(T.ORG_INVITE_HINT))),
    Step("ManageMember:organization", managing(), (
        ("みどり", moves("ManageMember:member")), ("ｍｉｎ", refused(T.MEMBER_ORG_NO_MATCH)),
        ("市立大学", moves("ManageMember:member")), ("ＮＰＯ法人", moves("ManageMember:member")),
        ("会", refused(T.MEMBER_ORG_PICK)), *odd(T.MEMBER_ORG_NO_MATCH))),
    Step("ManageMember:member", managing("みどり"), (
        ("NPO 代表", moves("ManageMember:action")), ("代表", moves("ManageMember:action")),
        ("ｎｐｏ　副担当", moves("ManageMember:action")), ("NPO", refused(T.MEMBER_PICK_HINT)),
        ("市 職員", refused(T.MEMBER_PICK_HINT)), *odd(T.MEMBER_PICK_HINT))),
    Step("ManageMember:action", managing(*DEPUTY), (
        ("主担当にする", moves("ManageMember:confirm")), ("主担当", moves("ManageMember:confirm")),
        ("正担当", moves("ManageMember:confirm")), ("事務局にする", moves("ManageMember:confirm")),
        ("退会", moves("ManageMember:confirm")), ("退会にする。", moves("ManageMember:confirm")),
        ("副担当にする", refused(T.MEMBER_ACTION_HINT)), ("事務局から外す", refused(T.MEMBER_ACTION_HINT)),
        *odd(T.MEMBER_ACTION_HINT))),
    Step("ManageMember:confirm", managing(*DEPUTY, "主担当"), (
        (T.MEMBER_CONFIRM_OK, moves(None, T.MEMBER_DONE["primary"].format(name="NPO 副担当"))),
        ("はい", moves(None)), ("お願いします", moves(None)), ("ｏｋ", moves(None)), *odd(T.MEMBER_CONFIRM_HINT))),
]


@pytest.mark.parametrize("step, typed, outcome", rows(*STEPS))
async def test_what_is_typed_at_each_step(bot, step, typed, outcome):
    await check(bot, step, typed, outcome)
