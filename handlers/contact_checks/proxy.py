"""Contact checks: answers received by phone (代理回答), entered by staff on the member's behalf:
the member, their answer, what they can provide and a note, each tapped or typed."""

import unicodedata
from collections.abc import Callable

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs.words import fold_all, folded
from db.audit import record
from db.contact_checks import ANSWERS, MAX_NOTE, find_targets, record_answer, set_answer_details
from db.models import ContactCheckTarget, Member, Organization
from handlers.contact_checks.answers import ANSWER_WORDS
from handlers.contact_checks.buttons import ProxyProvide, provision_tap, provision_words, provisions_question
from handlers.contact_checks.staff import named_check, pick_open

router = Router("contact_checks.proxy", access=Access.staff, refusal=T.CHECK_STAFF_ONLY)

MAX_PROXY_MATCHES = 12
MAX_QUERY_SHOWN = 20  # what was typed, said back when nobody matches it


class Proxy(StatesGroup):
    name = State()
    answer = State()
    provisions = State()
    note = State()


class ProxyFor(PostbackData, prefix="chks:proxyfor"):
    check_id: int


class ProxyPick(PostbackData, prefix="chks:proxy"):
    check_id: int
    member_id: int


class ProxyAnswer(PostbackData, prefix="chks:pans"):
    check_id: int
    member_id: int
    code: str


def proxy_provide_data(check_id: int, member_id: int) -> Callable[[str], ProxyProvide]:
    return lambda code: ProxyProvide(check_id=check_id, member_id=member_id, code=code)


@router.command(T.CHECK_PROXY)
async def proxy(ctx: Context) -> None:
    """Staff enter an answer for a member: first, which running check."""
    if (check := await pick_open(ctx, ProxyFor)) is not None:
        ask_proxy_name(ctx, check.id)


@router.postback(ProxyFor)
async def proxy_for(ctx: Context, button: ProxyFor) -> None:
    ask_proxy_name(ctx, (await named_check(ctx, button)).id)


def ask_proxy_name(ctx: Context, check_id: int) -> None:
    ctx.begin(Proxy.name, check_id=check_id)
    ctx.reply(m.text(T.ASK_PROXY_NAME.format(id=check_id), quick=[m.message_action(T.CANCEL)]))


@router.message(Proxy.name)
async def proxy_name(ctx: Context) -> None:
    """Part of a member's or an organization's name: the members asked in the check who match."""
    query = unicodedata.normalize("NFKC", ctx.text or "").strip()
    check_id = int(ctx.data["check_id"])
    found = await find_targets(ctx.session, check_id, query, limit=MAX_PROXY_MATCHES) if query else []
    if not found:
        ctx.reply(m.text(T.PROXY_NO_MATCH.format(query=m.truncate_utf16(query, MAX_QUERY_SHOWN)),
                         quick=[m.message_action(T.CANCEL)]))
        return
    question = T.ASK_PROXY_PICK_MORE if len(found) >= MAX_PROXY_MATCHES else T.ASK_PROXY_PICK
    ctx.reply(m.text(question, quick=[
        m.postback_action(f"{name}（{org}）", ProxyPick(check_id=check_id, member_id=member_id))
        for member_id, name, org in found]))


async def named_member(ctx: Context, button) -> tuple[Member, str]:
    """The member a proxy button is about and their organization's name; StaleButton if they are gone."""
    member = await ctx.session.get(Member, button.member_id)
    if member is None:
        raise StaleButton(button.pack())
    org = await ctx.session.get(Organization, member.organization_id)
    return member, org.name


def _picked(ctx: Context) -> dict:
    return {"check_id": int(ctx.data["check_id"]), "member_id": int(ctx.data["member_id"])}


async def ask_proxy_answer(ctx: Context, check_id: int, member: Member, org: str) -> None:
    ctx.begin(Proxy.answer, check_id=check_id, member_id=member.id)
    ctx.reply(m.text(T.ASK_PROXY_ANSWER.format(name=member.name, org=org), quick=[
        m.postback_action(T.CHECK_ANSWER_LABELS[code], ProxyAnswer(check_id=check_id, member_id=member.id, code=code),
                          display_text=T.CHECK_ANSWER_LABELS[code]) for code in ANSWERS] + [m.message_action(T.CANCEL)]))


@router.postback(ProxyPick)
async def proxy_pick(ctx: Context, button: ProxyPick) -> None:
    """The member picked: their answer next."""
    member, org = await named_member(ctx, button)
    await ask_proxy_answer(ctx, button.check_id, member, org)


async def ask_proxy_answer_again(ctx: Context) -> None:
    member, org = await named_member(ctx, ProxyPick(**_picked(ctx)))
    await ask_proxy_answer(ctx, int(ctx.data["check_id"]), member, org)


router.step(Proxy.answer, ask=ask_proxy_answer_again, hint=T.PROXY_ANSWER_HINT)


@router.typed(Proxy.answer, {words: (lambda ctx, code=code: ProxyAnswer(**_picked(ctx), code=code))
                             for code, words in ANSWER_WORDS.items()})
@router.postback(ProxyAnswer)
async def proxy_answer(ctx: Context, button: ProxyAnswer) -> None:
    """The member's answer, recorded as entered by this staff member; then what they can provide."""
    member, org = await named_member(ctx, button)
    staff = await ctx.active_member()
    done = None
    if button.code in ANSWERS:
        done = await record_answer(ctx.session, check_id=button.check_id, member_id=member.id, status=button.code,
                                   now=ctx.now(), source_key=f"line:{ctx.event.webhook_event_id}",
                                   recorded_by=staff.id)
    if done is None:
        raise StaleButton(button.pack())
    await record(ctx.session, actor=await ctx.actor(), action="check.proxy_answer", now=ctx.now(),
                 target_kind="member", target_id=member.id, target_label=member.name,
                 details={"check": button.check_id, "status": button.code})
    ctx.begin(Proxy.provisions, check_id=button.check_id, member_id=member.id)
    recorded = (T.PROXY_RECORDED_LATE if done.late else T.PROXY_RECORDED).format(
        name=member.name, org=org, answer=T.CHECK_ANSWER_LABELS[button.code])
    ctx.reply(m.text(recorded), provisions_question(done.target.provisions or [],
                                                    proxy_provide_data(button.check_id, member.id)))


async def ask_proxy_provisions_again(ctx: Context) -> None:
    target = await ctx.session.get(ContactCheckTarget, (int(ctx.data["check_id"]), int(ctx.data["member_id"])))
    ctx.reply(provisions_question(target.provisions or [] if target else [],
                                  proxy_provide_data(int(ctx.data["check_id"]), int(ctx.data["member_id"]))))


router.step(Proxy.provisions, ask=ask_proxy_provisions_again, hint=T.CHECK_PROVISIONS_HINT)


@router.typed(Proxy.provisions, {words: (lambda ctx, code=code: ProxyProvide(**_picked(ctx), code=code))
                                 for code, words in provision_words().items()})
@router.postback(ProxyProvide)
async def proxy_provision(ctx: Context, button: ProxyProvide) -> None:
    """What the member said their organization can provide, entered by staff like the member would; then a note."""
    member, _ = await named_member(ctx, button)
    if await provision_tap(ctx, check_id=button.check_id, member_id=member.id, code=button.code,
                           data_for=proxy_provide_data(button.check_id, member.id)):
        ctx.begin(Proxy.note, check_id=button.check_id, member_id=member.id)
        ctx.reply(m.text(T.ASK_PROXY_NOTE.format(name=member.name, max=MAX_NOTE),
                         quick=[m.message_action(T.CHECK_NOTE_NONE)]))


@router.message(Proxy.note)
async def proxy_note(ctx: Context) -> None:
    """What the member said on the phone, in the staff member's words (なし for nothing)."""
    text = (ctx.text or "").strip()
    if not text or len(text) > MAX_NOTE:
        ctx.reply(m.text(T.CHECK_NOTE_TOO_LONG.format(max=MAX_NOTE) if text else T.TEXT_ONLY,
                         quick=[m.message_action(T.CHECK_NOTE_NONE)]))
        return
    member, _ = await named_member(ctx, ProxyPick(**_picked(ctx)))
    if folded(text) not in fold_all(T.WORDS_SKIP):
        await set_answer_details(ctx.session, check_id=int(ctx.data["check_id"]), member_id=member.id, note=text)
    ctx.clear()
    ctx.reply(await ctx.help(T.PROXY_DONE.format(name=member.name)))
