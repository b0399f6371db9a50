"""Disaster-time contact checks (安否確認): the question members get, and their answers.

The staff side is in contact_check_staff (start, status, close) and contact_check_proxy
(answers received by phone); the texts staff read are built in contact_check_views.
"""

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, Router, State, StatesGroup
from bot.texts.formats import moment_label
from db.contact_checks import (
    ANSWERS,
    MAX_NOTE,
    NO_PROVISION,
    PROVISIONS,
    CheckError,
    record_answer,
    set_answer_details,
    toggle_provision,
)
from handlers.shared import postback_parts

router = Router("contact_checks")


class Note(StatesGroup):
    text = State()


def provisions_question(prefix: str, chosen: list[str]) -> dict:
    """What the organization can provide, one toggle per tap; each button's data is `prefix` + its code."""
    labels = T.CHECK_PROVISION_LABELS
    selected = "、".join(labels[c] for c in chosen) or T.NONE_SELECTED
    buttons = [m.postback_action(("✓" if code in chosen else "") + labels[code], f"{prefix}{code}")
               for code in (*PROVISIONS, NO_PROVISION)]
    buttons.append(m.postback_action(T.DONE, f"{prefix}done", display_text=T.DONE))
    return m.text(T.ASK_CHECK_PROVISIONS.format(selected=selected), quick=buttons)


async def provision_tap(ctx: Context, *, check_id: int, member_id: int, code: str, prefix: str) -> bool:
    """One tap on the list of what can be provided: the list again, or True once it is finished
    (完了, or なし which leaves nothing else to choose)."""
    if code == "done":
        return True
    try:
        chosen = await toggle_provision(ctx.session, check_id=check_id, member_id=member_id, code=code)
    except CheckError:
        chosen = None
    if chosen is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return False
    if code == NO_PROVISION:
        return True
    ctx.reply(provisions_question(prefix, chosen))
    return False


# Answering

@router.postback("chk:ans:")
async def answer(ctx: Context) -> None:
    """無事 / 被害あり / 支援が必要: stored at once; the latest counts and the first is kept."""
    parts = postback_parts(ctx, "chk:ans:", 2)
    member = await ctx.member()
    if parts is None or member is None or parts[1] not in ANSWERS:
        ctx.reply(m.text(T.CHECK_NOT_TARGET))
        return
    check_id = int(parts[0])
    done = await record_answer(ctx.session, check_id=check_id, member_id=member.id, status=parts[1], now=ctx.now(),
                               source_key=f"line:{ctx.event.webhook_event_id}")
    if done is None:
        ctx.reply(m.text(T.CHECK_NOT_TARGET))
        return
    if done.late:
        ctx.reply(m.text(T.CHECK_LATE_THANKS))
        return
    target = done.target
    if done.changed:
        said = T.CHECK_CHANGED.format(answer=T.CHECK_ANSWER_LABELS[target.status],
                                      first=T.CHECK_ANSWER_LABELS[target.first_status],
                                      first_when=moment_label(target.first_answered_at, ctx.settings.tz))
    else:
        said = T.CHECK_RECORDED.format(answer=T.CHECK_ANSWER_LABELS[target.status], when=moment_label(ctx.now(), ctx.settings.tz))
    if done.check.drill:
        said = T.CHECK_DRILL_NOTE + said
    ctx.reply(m.text(said), provisions_question(f"chk:prv:{check_id}:", target.provisions or []))


@router.postback("chk:prv:")
async def provision(ctx: Context) -> None:
    """What the organization can provide now: toggled one tap at a time, then 完了 (or なし)."""
    parts = postback_parts(ctx, "chk:prv:", 2)
    member = await ctx.member()
    if parts is None or member is None:
        ctx.reply(m.text(T.CHECK_NOT_TARGET))
        return
    check_id = int(parts[0])
    if not await provision_tap(ctx, check_id=check_id, member_id=member.id, code=parts[1],
                               prefix=f"chk:prv:{check_id}:"):
        return
    if ctx.state is None:  # never interrupt another dialog for the optional note
        ctx.set_state(Note.text, check_id=check_id)
        ctx.reply(m.text(T.ASK_CHECK_NOTE.format(max=MAX_NOTE), quick=[m.message_action(T.CHECK_NOTE_NONE)]))
    else:
        ctx.reply(m.text(T.CHECK_THANKS))


@router.state(Note.text)
async def note(ctx: Context) -> None:
    text = (ctx.text or "").strip()
    if not text:
        ctx.reply(m.text(T.TEXT_ONLY))
        return
    if len(text) > MAX_NOTE:
        ctx.reply(m.text(T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE), quick=[m.message_action(T.CHECK_NOTE_NONE)]))
        return
    member = await ctx.member()
    if text not in (T.CHECK_NOTE_NONE, T.SKIP) and member is not None:
        await set_answer_details(ctx.session, check_id=int(ctx.data["check_id"]), member_id=member.id, note=text)
    ctx.clear_state()
    ctx.reply(m.text(T.CHECK_THANKS))
