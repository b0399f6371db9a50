"""Each step of registration, the profile and issuing an invite against what people type
(see tests/handlers/steps/table.py). The area step is left to the areas' own tests."""

from datetime import timedelta

import pytest

from bot.fakeline import events as ev
from bot.texts import catalog as T
from db.models import Invite
from handlers.registration.dialog import MAX_INTRO, MAX_NAME, MAX_NOTE
from tests.handlers.steps.table import (CONTROL, EMOJI, NONSENSE, NUL_INSIDE, TOO_LONG, Step, check, moves, odd,
                                        refused, rows)
from tests.seed import Seed, partnership

CODE = "KMNP2345"


async def at_invite_code(bot) -> str:
    org = await Seed(bot).org("NPO法人 みどりの会")
    async with bot.runtime.sessions() as session, session.begin():
        session.add(Invite(code=CODE, organization_id=org, is_staff=False, max_uses=1, uses=0,
                           expires_at=bot.clock.now() + timedelta(days=14), created_at=bot.clock.now()))
    user = ev.new_user_id()
    await bot.follow(user)
    return user


async def at_name(bot) -> str:
    user = await at_invite_code(bot)
    await bot.say(user, CODE)
    return user


async def at_fields(bot) -> str:
    user = await at_name(bot)
    await bot.say(user, "山田 花子")
    return user


async def at_role(bot) -> str:
    user = await at_fields(bot)
    await bot.say(user, "防災")
    await bot.say(user, T.DONE)
    return user


def editing(part: str, *typed: str):
    """A registered member changing one part of their profile: that part's first question, then `typed`."""
    async def reach(bot) -> str:
        member = (await partnership(bot))["npo"]
        await bot.say(member, T.PROFILE)
        await bot.press(member, part)
        for text in typed:
            await bot.say(member, text)
        return member
    return reach


async def at_kind(bot) -> str:
    staff = (await partnership(bot))["staff"]
    await bot.say(staff, T.INVITE_ISSUE)
    await bot.say(staff, "みどり")
    return staff


async def at_org(bot) -> str:
    staff = (await partnership(bot))["staff"]
    await bot.say(staff, T.INVITE_ISSUE)
    return staff


SAVE_OR_REDO = T.CONFIRM_INVALID.format(ok=T.CONFIRM_SAVE, redo=T.REDO)
NOTE_TOO_LONG = T.NOTE_TOO_LONG.format(max=MAX_NOTE)
PHONE_INVALID = "\n".join((T.PHONE_INVALID_EDIT, T.EDIT_CURRENT.format(value=T.NOT_SET), T.EDIT_KEEP_EMPTY))

STEPS = [
    Step("Registration:invite_code", at_invite_code, (
        (CODE, moves("Registration:name")), ("kmnp-2345", moves("Registration:name")),
        ("ＫＭＮＰ２３４５", moves("Registration:name")), ("KMNP2346", refused(T.INVITE_NOT_FOUND.format(left=4))),
        (NONSENSE, refused(T.INVITE_NOT_FOUND.format(left=4))), (EMOJI, refused()), (CONTROL, refused(T.ASK_INVITE)),
        (TOO_LONG, refused(T.INVITE_NOT_FOUND.format(left=4))))),
    Step("Registration:name", at_name, (
        ("山田 花子", moves("Registration:fields")), ("　山田　花子　", moves("Registration:fields")),
        (NUL_INSIDE, moves("Registration:fields")), ("あ" * (MAX_NAME + 1), refused(T.NAME_INVALID.format(max=MAX_NAME))),
        (CONTROL, refused(T.NAME_INVALID.format(max=MAX_NAME))), (TOO_LONG, refused(T.NAME_INVALID.format(max=MAX_NAME))))),
    Step("Registration:fields", at_fields, (
        ("防災", moves("Registration:fields")), (" 子 育 て ", moves("Registration:fields")),
        (T.DONE, refused(T.FIELDS_EMPTY)), ("完了です", refused(T.FIELDS_EMPTY)), *odd(T.FIELD_UNKNOWN))),
    Step("Registration:role", at_role, (
        # No areas are listed here, so the area step is skipped: the next question is the needs.
        (T.ROLE_PRIMARY, moves("Registration:needs")), ("副", moves("Registration:needs")),
        ("ｻﾌﾞ", moves("Registration:needs")), ("正担当です。", moves("Registration:needs")), *odd(T.ROLE_INVALID))),
    Step("Registration:needs", editing(T.EDIT_NEEDS), (
        ("人手", moves("Registration:needs")), (T.DONE, moves("Registration:needs_note")),
        ("おわり", moves("Registration:needs_note")), *odd(T.CATEGORY_UNKNOWN))),
    Step("Registration:needs_note", editing(T.EDIT_NEEDS, T.DONE), (
        (T.SKIP, moves("Registration:confirm")), ("特になし", moves("Registration:confirm")),
        ("週末の会場", moves("Registration:confirm")), ("あ" * (MAX_NOTE + 1), refused(NOTE_TOO_LONG)),
        (CONTROL, refused(T.TEXT_ONLY)), (TOO_LONG, refused(NOTE_TOO_LONG)))),
    Step("Registration:intro_now", editing(T.EDIT_INTRO), (
        ("子ども食堂を月2回", moves("Registration:intro_worry")), (T.SKIP, moves("Registration:intro_worry")),
        (EMOJI, moves("Registration:intro_worry")), (CONTROL, refused(T.TEXT_ONLY)),
        (TOO_LONG, refused(T.NOTE_TOO_LONG.format(max=MAX_INTRO))))),
    Step("Registration:phone", editing(T.EDIT_PHONE), (
        ("090-1234-5678", moves("Registration:confirm")), ("０９０１２３４５６７８", moves("Registration:confirm")),
        ("03 (1234) 5678", moves("Registration:confirm")), (T.SKIP, moves("Registration:confirm")),
        ("12", refused(PHONE_INVALID)), *odd(PHONE_INVALID))),
    Step("Registration:confirm", editing(T.EDIT_NAME, "山田 次郎"), (
        (T.CONFIRM_SAVE, moves(None)), ("はい", moves(None)), ("保存", moves(None)),
        (T.REDO, moves("Registration:name")), ("やり直し", moves("Registration:name")), *odd(SAVE_OR_REDO))),
    Step("IssueInvite:organization", at_org, (
        ("みどり", moves("IssueInvite:kind")), ("ＮＰＯ法人", moves("IssueInvite:kind")),
        ("市", refused(T.ASK_INVITE_ORG_PICK)), *odd(T.INVITE_ORG_NO_MATCH, (NONSENSE, EMOJI, TOO_LONG)),
        (CONTROL, refused(T.INVITE_ORG_NO_MATCH)))),
    Step("IssueInvite:kind", at_kind, (
        (T.INVITE_FOR_MEMBER, moves(None)), ("職員", moves(None)), ("スタッフ", moves(None)),
        *odd(T.INVITE_KIND_HINT))),
]


@pytest.mark.parametrize("step, typed, outcome", rows(*STEPS))
async def test_what_is_typed_at_each_step(bot, step, typed, outcome):
    await check(bot, step, typed, outcome)
