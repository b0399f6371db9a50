"""Disaster-time contact checks (安否確認): members' answers to the question, what they can provide, a note.

Open to anyone: someone who was not asked is told so (not invited to register), as they are
when the check is over or the button is not theirs.
"""

from collections.abc import Callable

from bot.dialogs import Context, Router, State, StatesGroup
from bot.line import messages as m
from bot.line.outbox import CHECK_ANSWER_REPLY
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.contact_checks import ANSWERS, MAX_NOTE, record_answer, set_answer_details
from handlers.contact_checks.buttons import Provide, provision_tap, provisions_question
from handlers.contact_checks.messages import Answer

router = Router("contact_checks.answers")


class Note(StatesGroup):
    text = State()


def provide_data(check_id: int) -> Callable[[str], Provide]:
    return lambda code: Provide(check_id=check_id, code=code)


@router.postback(Answer)
async def answer(ctx: Context, button: Answer) -> None:
    """無事 / 被害あり / 支援が必要: stored at once; the latest counts and the first is kept."""
    member = await ctx.member()
    if member is None or button.code not in ANSWERS:
        ctx.reply(m.text(T.CHECK_NOT_TARGET))
        return
    done = await record_answer(ctx.session, check_id=button.check_id, member_id=member.id, status=button.code,
                               now=ctx.now(), source_key=f"line:{ctx.event.webhook_event_id}")
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
                                      first_when=moment_label(target.first_answered_at, ctx.settings.tz, ctx.now()))
    else:
        said = T.CHECK_RECORDED.format(answer=T.CHECK_ANSWER_LABELS[target.status],
                                       when=moment_label(ctx.now(), ctx.settings.tz, ctx.now()))
    if done.check.drill:
        said = T.CHECK_DRILL_NOTE + said
    ctx.reply_purpose = CHECK_ANSWER_REPLY  # the member must know the answer was taken
    ctx.reply(m.text(said), provisions_question(target.provisions or [], provide_data(button.check_id)))


@router.postback(Provide)
async def provision(ctx: Context, button: Provide) -> None:
    """What the organization can provide now: toggled one tap at a time, then 完了 (or なし)."""
    member = await ctx.member()
    if member is None:
        ctx.reply(m.text(T.CHECK_NOT_TARGET))
        return
    if not await provision_tap(ctx, check_id=button.check_id, member_id=member.id, code=button.code,
                               data_for=provide_data(button.check_id)):
        return
    if ctx.state is None:  # never interrupt another dialog for the optional note
        ctx.begin(Note.text, check_id=button.check_id)
        ctx.reply(m.text(T.ASK_CHECK_NOTE.format(max=MAX_NOTE), quick=[m.message_action(T.CHECK_NOTE_NONE)]))
    else:
        ctx.reply(m.text(T.CHECK_THANKS))


@router.message(Note.text)
async def note(ctx: Context) -> None:
    """The optional note on the answer (なし or スキップ for none)."""
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
    ctx.clear()
    ctx.reply(m.text(T.CHECK_THANKS))
