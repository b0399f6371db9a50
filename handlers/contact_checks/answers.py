"""Disaster-time contact checks (安否確認): members' answers to the question, what they can provide, a note.

Open to anyone: someone who was not asked is told so (not invited to register), as they are
when the check is over or the button is not theirs. An answer typed instead of tapped
(「無事です」) counts as the tap, in whatever dialog the member is, while they have not answered.
"""

from collections.abc import Callable
from datetime import timedelta

from bot.dialogs import UNHANDLED, Context, Router, State, StatesGroup
from bot.dialogs.words import fold_all, folded
from bot.line import messages as m
from bot.line.outbox import CHECK_ANSWER_REPLY
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.contact_checks import ANSWERS, MAX_NOTE, hold_targets, open_check_asking, record_answer, set_answer_details
from db.models import ContactCheckTarget
from handlers.contact_checks.buttons import Provide, provision_tap, provisions_question, provision_words
from handlers.contact_checks.messages import Answer

router = Router("contact_checks.answers")

NOTE_WINDOW = timedelta(hours=1)  # how long after an answer free words are taken as its note
ANSWER_WORDS = {"safe": T.WORDS_SAFE, "damaged": T.WORDS_DAMAGED, "help": T.WORDS_HELP}
# The answer each typed word stands for, folded once as the dispatcher folds what is typed.
_ANSWER_OF = {word: code for code, words in ANSWER_WORDS.items() for word in fold_all(words)}


class Answering(StatesGroup):
    provisions = State()
    note = State()


def provide_data(check_id: int) -> Callable[[str], Provide]:
    return lambda code: Provide(check_id=check_id, code=code)


def _in_own_steps(ctx: Context) -> bool:
    """No other dialog is under way: the answer's own steps may follow."""
    return ctx.state is None or ctx.state in {s.name for s in Answering.states()}


@router.prefetch(Answer)
async def answers_in_batch(session, taps: list) -> None:
    """A flood of answers: their targets read in one statement for the batch."""
    await hold_targets(session, [(button.check_id, member.id) for member, button in taps if member is not None])


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
    if _in_own_steps(ctx):  # never interrupt another dialog; the buttons work without it
        ctx.begin(Answering.provisions, check_id=button.check_id)
    ctx.reply_purpose = CHECK_ANSWER_REPLY  # the member must know the answer was taken
    ctx.reply(m.text(said), provisions_question(target.provisions or [], provide_data(button.check_id)))


@router.command(*(word for words in ANSWER_WORDS.values() for word in words))
async def typed_answer(ctx: Context) -> object:
    """「無事です」 typed by someone a running check asks: the same as tapping 無事 on its card.

    In another dialog it counts only while they have not answered (their words are that
    dialog's otherwise); once answered, typing again changes the answer as a tap would.
    """
    member = await ctx.active_member()
    code = _ANSWER_OF[folded(ctx.text)]
    check_id = member and await open_check_asking(ctx.session, member.id, unanswered_only=not _in_own_steps(ctx))
    if not check_id:
        return UNHANDLED
    await answer(ctx, Answer(check_id=check_id, code=code))
    return None


def _typed_provision(code: str):
    return lambda ctx: provide_data(int(ctx.data["check_id"]))(code)


@router.typed(Answering.provisions, {words: _typed_provision(code) for code, words in provision_words().items()})
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
    if _in_own_steps(ctx):  # never interrupt another dialog for the optional note
        ctx.begin(Answering.note, check_id=button.check_id)
        ctx.reply(m.text(T.ASK_CHECK_NOTE.format(max=MAX_NOTE), quick=[m.message_action(T.CHECK_NOTE_NONE)]))
    else:
        ctx.reply(m.text(T.CHECK_THANKS))


@router.message(Answering.provisions)
async def note_instead_of_provisions(ctx: Context) -> object:
    """Words where the list is asked for are what the member wants staff to know: kept as the note.

    Only soon after the answer: words typed hours later are meant for something else (a KPI
    value, say), so the step is left and they go on as if no dialog were under way.
    """
    member = await ctx.member()
    check_id = int(ctx.data["check_id"])
    text = (ctx.text or "").strip()
    target = member and await ctx.session.get(ContactCheckTarget, (check_id, member.id))
    if target is not None and target.answered_at is not None and ctx.now() - target.answered_at > NOTE_WINDOW:
        ctx.clear()
        return UNHANDLED
    if not text or target is None or len(text) > MAX_NOTE:
        ctx.reply(m.text(T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE) if text else T.CHECK_PROVISIONS_HINT),
                  provisions_question(target.provisions or [] if target else [], provide_data(check_id)))
        return None
    await set_answer_details(ctx.session, check_id=check_id, member_id=member.id, note=text)
    ctx.clear()  # the buttons still work; later words are not taken as the note
    ctx.reply(m.text(T.CHECK_NOTE_TAKEN), provisions_question(target.provisions or [], provide_data(check_id)))
    return None


@router.message(Answering.note)
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
    if folded(text) not in fold_all(T.WORDS_SKIP) and member is not None:
        await set_answer_details(ctx.session, check_id=int(ctx.data["check_id"]), member_id=member.id, note=text)
    ctx.clear()
    ctx.reply(m.text(T.CHECK_THANKS))
