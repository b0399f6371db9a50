"""Introductions, the member's side: the round's notice and skipping it, the card about the other,
a hello and messages passed through the bot, exchanging LINE IDs by mutual consent, the
follow-up, opting out, and answering the question of the week (ひとこと).

What the scheduled jobs send is in messages; setting rounds up and the network's figures are in
staff.
"""

import re
import unicodedata

from bot.dialogs import UNHANDLED, Access, Context, Router, StaleButton, State, StatesGroup
from bot.dialogs.words import folded
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.intros import awaiting_outcome, opted_out, other, pair_of, record_outcome, set_opt_out, set_skip, side
from db.models import IntroPair, IntroRound, Member, MemberStatus
from db.weekly_questions import MAX_ANSWER, clean_line, open_question, open_question_for, record_answer
from handlers.delivery import sent_text
from handlers.intros.buttons import (
    AnswerWeekly,
    ExchangeIds,
    Followup,
    Hello,
    JoinRound,
    SendHeld,
    SkipRound,
    WriteMessage,
)
from handlers.intros.messages import OUTCOME_CODES, members_by_id

router = Router("intros.dialog", access=Access.member)

MAX_MESSAGE = 200
LINE_ID = re.compile(r"^[A-Za-z0-9._-]{4,20}$")


class IntroDialog(StatesGroup):
    message = State()
    line_id = State()
    weekly_answer = State()
    # What was typed waits for 送信する: a message typed for something else (a KPI value, say)
    # must never reach the other member, nor the digest.
    confirm = State()


SEND = m.postback_action(T.INTRO_SEND, SendHeld(), display_text=T.INTRO_SEND)


def _hold(ctx: Context, kind: str, text: str, preview: str) -> None:
    ctx.set_state(IntroDialog.confirm)
    ctx.update_data(kind=kind, draft=text)
    ctx.reply(m.text(preview, quick=[SEND, m.message_action(T.CANCEL)]))


# Taking part

@router.command(T.INTRO_STOP, T.INTRO_RESUME)
async def stop_or_resume_intros(ctx: Context) -> None:
    """紹介を停止 leaves introductions and the question of the week; 紹介を再開 rejoins."""
    member = await ctx.active_member()
    stop = ctx.text == T.INTRO_STOP
    await set_opt_out(ctx.session, member.id, stop, ctx.now())
    ctx.reply(await ctx.help(T.INTRO_STOPPED if stop else T.INTRO_RESUMED))


@router.postback(SkipRound)
async def skip_round(ctx: Context, button: SkipRound) -> None:
    await _skip(ctx, button.round_id, True)


@router.postback(JoinRound)
async def join_round(ctx: Context, button: JoinRound) -> None:
    await _skip(ctx, button.round_id, False)


async def _skip(ctx: Context, round_id: int, skip: bool) -> None:
    member = await ctx.active_member()
    if await ctx.session.get(IntroRound, round_id) is None:
        raise StaleButton(round_id)
    if not await set_skip(ctx.session, round_id, member.id, skip, ctx.now()):
        ctx.reply(m.text(T.INTRO_ROUND_STARTED))
        return
    if skip:
        ctx.reply(m.text(T.INTRO_SKIPPED, quick=[m.postback_action(T.INTRO_JOIN_BUTTON, JoinRound(round_id=round_id),
                                                                   display_text=T.INTRO_JOIN_BUTTON)]))
    else:
        ctx.reply(m.text(T.INTRO_JOINED))


# Between the two of a pair

async def _load_pair(ctx: Context, pair_id: int | None) -> tuple[IntroPair, Member, Member] | None:
    """The pair, its sender and the other (both active); None, once told, if the other stopped introductions."""
    member = await ctx.active_member()
    pair = await pair_of(ctx.session, pair_id, member.id) if pair_id else None
    them = pair and (await members_by_id(ctx.session, {other(pair, member.id)})).get(other(pair, member.id))
    if pair is None or them is None or them.status != MemberStatus.active:
        ctx.clear()
        raise StaleButton(pair_id)
    if await opted_out(ctx.session, {them.id}):  # 紹介を停止 also stops messages from past partners
        ctx.clear()
        ctx.reply(m.text(T.INTRO_OTHER_STOPPED.format(name=them.name)))
        return None
    me = (await members_by_id(ctx.session, {member.id}))[member.id]
    return pair, me, them


def _reply_button(pair: IntroPair) -> dict:
    return m.postback_action(T.INTRO_MESSAGE_BUTTON, WriteMessage(pair_id=pair.id), display_text=T.INTRO_MESSAGE_BUTTON)


def _pass_on(ctx: Context, pair: IntroPair, me: Member, them: Member, text: str) -> None:
    ctx.push(them.line_user_id, m.text(T.INTRO_FROM.format(name=me.name, org=me.organization.name, text=text),
                                       quick=[_reply_button(pair)]), purpose=f"intro:{pair.round_id}")
    hello = f"{side(pair, me.id)}_hello_at"
    if getattr(pair, hello) is None:
        setattr(pair, hello, ctx.now())


@router.postback(Hello)
async def say_hello(ctx: Context, button: Hello) -> None:
    """The bot passes a short greeting to the other, who can answer through the bot."""
    found = await _load_pair(ctx, button.pair_id)
    if found is None:
        return
    pair, me, them = found
    if getattr(pair, f"{side(pair, me.id)}_hello_at") is not None:
        ctx.reply(m.text(T.INTRO_HELLO_ALREADY, quick=[_reply_button(pair)]))
        return
    _pass_on(ctx, pair, me, them, T.INTRO_HELLO)
    if ctx.state is None:  # their own words may follow the greeting; never interrupt another dialog
        ctx.begin(IntroDialog.message, pair=pair.id)
    ctx.reply(m.text(sent_text(ctx, T.INTRO_HELLO_SENT, T.INTRO_HELLO_HELD, name=them.name) + "\n"
                     + T.INTRO_HELLO_MORE.format(name=them.name),
                     quick=[m.message_action(T.CANCEL)]))


@router.postback(WriteMessage)
async def ask_message(ctx: Context, button: WriteMessage) -> None:
    found = await _load_pair(ctx, button.pair_id)
    if found is None:
        return
    pair, _, them = found
    ctx.set_state(IntroDialog.message)
    ctx.update_data(pair=pair.id)
    ctx.reply(m.text(T.INTRO_ASK_MESSAGE.format(name=them.name, max=MAX_MESSAGE), quick=[m.message_action(T.CANCEL)]))


@router.message(IntroDialog.message)
async def receive_message(ctx: Context) -> None:
    """One message to the other, shown back before it is passed on."""
    text = (ctx.text or "").strip()
    if not text or len(text) > MAX_MESSAGE:
        ctx.reply(m.text(T.INTRO_MESSAGE_INVALID.format(max=MAX_MESSAGE), quick=[m.message_action(T.CANCEL)]))
        return
    found = await _load_pair(ctx, ctx.data.get("pair"))
    if found is not None:
        _hold(ctx, "message", text, T.INTRO_CONFIRM_MESSAGE.format(name=found[2].name, text=text))


@router.typed(IntroDialog.confirm, {T.WORDS_SEND: SendHeld()})
@router.postback(SendHeld, state=IntroDialog.confirm)
async def send_held(ctx: Context, button: SendHeld) -> None:
    """送信する: what was typed goes where it was typed for."""
    kind, text = ctx.data.get("kind"), ctx.data.get("draft") or ""
    if kind == "weekly":
        await _save_weekly_answer(ctx, text)
    elif kind == "line_id":
        await _give_line_id(ctx, text)
    else:
        await _send_message(ctx, text)


@router.message(IntroDialog.confirm)
async def retype_held(ctx: Context) -> None:
    """Typed instead of 送信する: the new text is held in place of the old one."""
    kind = ctx.data.get("kind")
    ctx.set_state({"weekly": IntroDialog.weekly_answer, "line_id": IntroDialog.line_id}.get(kind, IntroDialog.message))
    await {"weekly": receive_weekly_answer, "line_id": receive_line_id}.get(kind, receive_message)(ctx)
    if ctx.state is not None and ctx.state != IntroDialog.confirm.name:  # not taken: the held text still waits
        ctx.set_state(IntroDialog.confirm)


async def _send_message(ctx: Context, text: str) -> None:
    found = await _load_pair(ctx, ctx.data.get("pair"))
    if found is None:
        return
    pair, me, them = found
    _pass_on(ctx, pair, me, them, text)
    ctx.clear()
    ctx.reply(m.text(sent_text(ctx, T.INTRO_MESSAGE_SENT, T.INTRO_MESSAGE_HELD, name=them.name)))


@router.postback(ExchangeIds)
async def offer_line_id(ctx: Context, button: ExchangeIds) -> None:
    """Agree to exchange LINE IDs: the sender types theirs; nothing is passed until both have."""
    found = await _load_pair(ctx, button.pair_id)
    if found is None:
        return
    pair, _, them = found
    if pair.ids_exchanged_at is not None:
        ctx.reply(m.text(T.INTRO_LINE_ID_DONE))
        return
    ctx.set_state(IntroDialog.line_id)
    ctx.update_data(pair=pair.id)
    ctx.reply(m.text(T.INTRO_ASK_LINE_ID.format(name=them.name), quick=[m.message_action(T.CANCEL)]))


@router.message(IntroDialog.line_id)
async def receive_line_id(ctx: Context) -> None:
    line_id = unicodedata.normalize("NFKC", ctx.text or "").strip()
    if not LINE_ID.match(line_id):
        ctx.reply(m.text(T.INTRO_LINE_ID_INVALID, quick=[m.message_action(T.CANCEL)]))
        return
    found = await _load_pair(ctx, ctx.data.get("pair"))
    if found is not None:
        _hold(ctx, "line_id", line_id, T.INTRO_CONFIRM_LINE_ID.format(name=found[2].name, line_id=line_id))


async def _give_line_id(ctx: Context, line_id: str) -> None:
    found = await _load_pair(ctx, ctx.data.get("pair"))
    if found is None:
        return
    pair, me, them = found
    ctx.clear()
    if pair.ids_exchanged_at is not None:
        ctx.reply(m.text(T.INTRO_LINE_ID_DONE))
        return
    mine, theirs = side(pair, me.id), side(pair, them.id)
    first_time = getattr(pair, f"{mine}_line_id") is None
    setattr(pair, f"{mine}_line_id", line_id)
    their_id = getattr(pair, f"{theirs}_line_id")
    purpose = f"intro:{pair.round_id}"
    if their_id is None:
        ctx.reply(m.text(T.INTRO_LINE_ID_WAIT.format(name=them.name)))
        if first_time:
            ctx.push(them.line_user_id, m.text(
                T.INTRO_LINE_ID_REQUEST.format(name=me.name, org=me.organization.name),
                quick=[m.postback_action(T.INTRO_EXCHANGE_BUTTON, ExchangeIds(pair_id=pair.id),
                                         display_text=T.INTRO_EXCHANGE_BUTTON)]), purpose=purpose)
        return
    pair.ids_exchanged_at = ctx.now()
    ctx.reply(m.text(T.INTRO_LINE_ID_EXCHANGED.format(name=them.name, line_id=their_id)))
    ctx.push(them.line_user_id, m.text(T.INTRO_LINE_ID_EXCHANGED.format(name=me.name, line_id=line_id)),
             purpose=purpose)


@router.postback(Followup)
async def answer_followup(ctx: Context, button: Followup) -> None:
    """話せた / まだ / 今回はパス; the last answer counts."""
    member = await ctx.active_member()
    pair = await pair_of(ctx.session, button.pair_id, member.id)
    if pair is None or button.code not in OUTCOME_CODES:
        raise StaleButton(button.pack())
    outcome = OUTCOME_CODES[button.code]
    record_outcome(pair, member.id, outcome, ctx.now())
    ctx.reply(m.text(T.INTRO_OUTCOME_REPLIES[outcome]))


@router.command(*(word for words in T.INTRO_OUTCOME_WORDS.values() for word in words))
async def typed_followup(ctx: Context) -> object:
    """話せた / まだ / パス typed outside a dialog by someone asked the follow-up: as if tapped."""
    member = await ctx.active_member()
    pair = await awaiting_outcome(ctx.session, member.id) if ctx.state is None else None
    if pair is None:
        return UNHANDLED
    form = folded(ctx.text)
    outcome = next(o for o, words in T.INTRO_OUTCOME_WORDS.items() if form in {folded(w) for w in words})
    record_outcome(pair, member.id, outcome, ctx.now())
    ctx.reply(m.text(T.INTRO_OUTCOME_REPLIES[outcome]))
    return None


# The question of the week

@router.postback(AnswerWeekly)
async def ask_weekly_answer(ctx: Context, button: AnswerWeekly) -> None:
    question = await open_question(ctx.session, button.question_id, ctx.now())
    if question is None:
        ctx.reply(m.text(T.WEEKLY_CLOSED))
        return
    ctx.set_state(IntroDialog.weekly_answer)
    ctx.update_data(question=question.id)
    ctx.reply(m.text(T.WEEKLY_ASK_ANSWER.format(question=question.text, max=MAX_ANSWER),
                     quick=[m.message_action(T.CANCEL)]))


@router.message(IntroDialog.weekly_answer)
async def receive_weekly_answer(ctx: Context) -> None:
    """One line; answering again replaces it until the digest goes."""
    text = clean_line(ctx.text, MAX_ANSWER)
    if text is None:
        ctx.reply(m.text(T.WEEKLY_ANSWER_INVALID.format(max=MAX_ANSWER), quick=[m.message_action(T.CANCEL)]))
        return
    _hold(ctx, "weekly", text, T.WEEKLY_CONFIRM.format(text=text))


async def _save_weekly_answer(ctx: Context, text: str) -> None:
    member = await ctx.active_member()
    question = await open_question(ctx.session, ctx.data.get("question") or 0, ctx.now())
    ctx.clear()
    if question is None:
        ctx.reply(m.text(T.WEEKLY_CLOSED))
        return
    replaced = await record_answer(ctx.session, question_id=question.id, member_id=member.id, text=text, now=ctx.now())
    when = moment_label(question.digest_at, ctx.settings.tz, ctx.now())
    ctx.reply(m.text(T.WEEKLY_REPLACED.format(text=text, when=when) if replaced else T.WEEKLY_ANSWERED.format(when=when)))


@router.fallback()
async def typed_weekly_answer(ctx: Context) -> object:
    """Words typed after the question of the week, without 答える: held as the answer, to confirm with 送信する."""
    member = await ctx.active_member()
    with ctx.session.no_autoflush:  # (see receive_kpi_value)
        question = await open_question_for(ctx.session, member.id, ctx.now()) if ctx.text else None
    if question is not None and (question.digest_sent_at is not None or question.digest_at <= ctx.now()):
        question = None  # closed by another event of the batch
    if question is None or folded(ctx.text) in {folded(T.HELP)}:
        return UNHANDLED
    text = clean_line(ctx.text, MAX_ANSWER)
    ctx.begin(IntroDialog.weekly_answer, question=question.id)
    if text is None:
        ctx.reply(m.text(T.WEEKLY_ANSWER_INVALID.format(max=MAX_ANSWER), quick=[m.message_action(T.CANCEL)]))
        return None
    _hold(ctx, "weekly", text, T.WEEKLY_CONFIRM_TYPED.format(question=question.text, text=text))
    return None
