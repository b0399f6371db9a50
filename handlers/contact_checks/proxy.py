"""Contact checks: answers received by phone, entered by staff on the member's behalf."""

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, Router, State, StatesGroup
from db.contact_checks import ANSWERS, find_targets, record_answer
from db.models import Member, Organization
from handlers.contact_checks.staff import check_from_button, pick_open, staff_only
from handlers.contact_checks.answers import provision_tap, provisions_question
from handlers.shared import is_id, postback_parts

router = Router("contact_check_proxy")

MAX_PROXY_MATCHES = 12


class Proxy(StatesGroup):
    name = State()


@router.command(T.CHECK_PROXY)
async def proxy(ctx: Context) -> None:
    if await staff_only(ctx) is not None and (check := await pick_open(ctx, "chks:proxyfor:")) is not None:
        ask_proxy_name(ctx, check.id)


@router.postback("chks:proxyfor:")
async def proxy_for(ctx: Context) -> None:
    if (check := await check_from_button(ctx, "chks:proxyfor:")) is not None:
        ask_proxy_name(ctx, check.id)


def ask_proxy_name(ctx: Context, check_id: int) -> None:
    ctx.clear_state()
    ctx.set_state(Proxy.name, check_id=check_id)
    ctx.reply(m.text(T.ASK_PROXY_NAME.format(id=check_id), quick=[m.message_action(T.CANCEL)]))


@router.state(Proxy.name)
async def proxy_name(ctx: Context) -> None:
    query = (ctx.text or "").strip()
    check_id = int(ctx.data["check_id"])
    found = await find_targets(ctx.session, check_id, query, limit=MAX_PROXY_MATCHES) if query else []
    if not found:
        ctx.reply(m.text(T.PROXY_NO_MATCH.format(query=query), quick=[m.message_action(T.CANCEL)]))
        return
    question = T.ASK_PROXY_PICK_MORE if len(found) >= MAX_PROXY_MATCHES else T.ASK_PROXY_PICK
    ctx.reply(m.text(question, quick=[m.postback_action(f"{name}（{org}）", f"chks:proxy:{check_id}:{member_id}")
                                      for member_id, name, org in found]))


async def _entry(ctx: Context, prefix: str, count: int):
    """The staff member, the member the button is about, that member's organization and the
    postback values; None (with the sender answered) when any is missing."""
    staff = await staff_only(ctx)
    if staff is None:
        return None
    parts = postback_parts(ctx, prefix, count)
    member = await ctx.session.get(Member, int(parts[1])) if parts and is_id(parts[1]) else None
    if member is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return None
    org = await ctx.session.get(Organization, member.organization_id)
    return staff, member, org.name, parts


@router.postback("chks:proxy:")
async def proxy_pick(ctx: Context) -> None:
    if (entry := await _entry(ctx, "chks:proxy:", 2)) is None:
        return
    _, member, org, parts = entry
    ctx.reply(m.text(T.ASK_PROXY_ANSWER.format(name=member.name, org=org), quick=[
        m.postback_action(T.CHECK_ANSWER_LABELS[code], f"chks:pans:{parts[0]}:{member.id}:{code}",
                          display_text=T.CHECK_ANSWER_LABELS[code]) for code in ANSWERS]))


@router.postback("chks:pans:")
async def proxy_answer(ctx: Context) -> None:
    if (entry := await _entry(ctx, "chks:pans:", 3)) is None:
        return
    staff, member, org, parts = entry
    done = None
    if parts[2] in ANSWERS:
        done = await record_answer(ctx.session, check_id=int(parts[0]), member_id=member.id, status=parts[2],
                                   now=ctx.now(), source_key=f"line:{ctx.event.webhook_event_id}",
                                   recorded_by=staff.id)
    if done is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    ctx.clear_state()
    recorded = (T.PROXY_RECORDED_LATE if done.late else T.PROXY_RECORDED).format(
        name=member.name, org=org, answer=T.CHECK_ANSWER_LABELS[parts[2]])
    ctx.reply(m.text(recorded), provisions_question(f"chks:pprv:{parts[0]}:{member.id}:", done.target.provisions or []))


@router.postback("chks:pprv:")
async def proxy_provision(ctx: Context) -> None:
    """What the member said their organization can provide, entered by staff like the member would."""
    if (entry := await _entry(ctx, "chks:pprv:", 3)) is None:
        return
    _, member, _, parts = entry
    if not await provision_tap(ctx, check_id=int(parts[0]), member_id=member.id, code=parts[2],
                               prefix=f"chks:pprv:{parts[0]}:{member.id}:"):
        return
    ctx.reply(await ctx.help(T.PROXY_DONE.format(name=member.name)))
