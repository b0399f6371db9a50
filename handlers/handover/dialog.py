"""引継ぎ in LINE: the departing contact (or staff, for any contact) picks the successor, or a handover
invite for someone not yet registered, and confirms; 引継ぎ資料; staying or leaving; undoing within a day."""

from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.dialogs.words import folded
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.audit import Actor, Door
from db.handovers import CONTACT_ROLES, HandoverError, check_start, choose, start, undo
from db.members import LastStaff
from db.models import Handover, Member, MemberRole, MemberStatus
from handlers.handover.messages import (
    Leave,
    Stay,
    Undo,
    departing_question,
    material_message,
    queue_completion,
    queue_undone,
    role_label,
)

router = Router("handover", access=Access.member)
router.help_action(T.HANDOVER_MATERIAL, T.HANDOVER_MATERIAL)

MAX_SHOWN = 11  # with the new-person button and キャンセル, within LINE's 13 quick replies
CANCEL = m.message_action(T.CANCEL)


class HandoverDialog(StatesGroup):
    departing = State()  # staff: whose role
    successor = State()
    confirm = State()


class PickDeparting(PostbackData, prefix="hand:from"):
    member_id: int


class PickSuccessor(PostbackData, prefix="hand:to"):
    member_id: int  # 0: someone not yet registered (a handover invite)


class Go(PostbackData, prefix="hand:go"):
    """引き継ぐ."""


NEW_PERSON = PickSuccessor(member_id=0)
# Successors offered deputies first (the usual heir), then other members, then other primary contacts.
ROLE_ORDER = case((Member.role == MemberRole.deputy, 0), (Member.role == MemberRole.member, 1), else_=2)


def _refusal(exc: HandoverError) -> dict:
    return m.text(T.HANDOVER_REFUSED.get(exc.reason, T.HANDOVER_REFUSED["no-member"]))


async def _with_org(ctx: Context, query) -> list[Member]:
    return list(await ctx.session.scalars(query.options(selectinload(Member.organization))))


@router.command(T.HANDOVER)
async def begin(ctx: Context) -> None:
    """引継ぎ: a contact hands over their own role; staff choose whose."""
    member = await ctx.active_member()
    if member.is_staff:
        ctx.begin(HandoverDialog.departing)
        await ask_departing(ctx)
        return
    if member.role not in CONTACT_ROLES:
        ctx.reply(m.text(T.HANDOVER_NOT_CONTACT))
        return
    await _departing_chosen(ctx, member)


async def _contacts(ctx: Context) -> list[Member]:
    return await _with_org(ctx, select(Member).where(Member.status == MemberStatus.active,
                                                    Member.role.in_(CONTACT_ROLES)).order_by(Member.organization_id,
                                                                                            Member.role.desc(), Member.id))


async def _with_organization(ctx: Context, member_id: int) -> Member:
    return (await _with_org(ctx, select(Member).where(Member.id == member_id)))[0]


def _person_label(member: Member) -> str:
    return f"{member.name}（{member.organization.name}）"


async def ask_departing(ctx: Context, *before: dict, shown: list[Member] | None = None) -> None:
    contacts = shown if shown is not None else await _contacts(ctx)
    if not contacts:
        ctx.clear()
        ctx.reply(*before, m.text(T.HANDOVER_NO_CONTACTS))
        return
    ctx.reply(*before, m.text(T.HANDOVER_ASK_DEPARTING, quick=[
        m.postback_action(_person_label(c), PickDeparting(member_id=c.id), display_text=m.label(c.name))
        for c in contacts[:MAX_SHOWN]] + [CANCEL]))


@router.message(HandoverDialog.departing)
async def departing_typed(ctx: Context) -> None:
    """Part of a contact's name: the one it matches, or buttons for those it does."""
    form = folded(ctx.text or "")
    found = [c for c in await _contacts(ctx) if form and form in folded(c.name)] if form else []
    if len(found) == 1:
        await _departing_chosen(ctx, found[0])
    elif found:
        await ask_departing(ctx, shown=found)
    else:
        await ask_departing(ctx, m.text(T.HANDOVER_DEPARTING_NO_MATCH))


@router.postback(PickDeparting, state=HandoverDialog.departing)
async def departing_tapped(ctx: Context, button: PickDeparting) -> None:
    member = await ctx.session.get(Member, button.member_id)
    if member is None:
        raise StaleButton(button.pack())
    await _departing_chosen(ctx, member)


async def _departing_chosen(ctx: Context, departing: Member) -> None:
    try:
        await check_start(ctx.session, member_id=departing.id, successor_id=None, now=ctx.now())
    except HandoverError as exc:
        ctx.clear()
        ctx.reply(_refusal(exc))
        return
    ctx.begin(HandoverDialog.successor, departing=departing.id)
    await ask_successor(ctx)


async def _candidates(ctx: Context, departing: Member) -> list[Member]:
    return await _with_org(ctx, select(Member).where(
        Member.organization_id == departing.organization_id, Member.id != departing.id,
        Member.status == MemberStatus.active).order_by(ROLE_ORDER, Member.id))


async def ask_successor(ctx: Context, *before: dict, shown: list[Member] | None = None) -> None:
    departing = await _with_organization(ctx, ctx.data["departing"])
    people = shown if shown is not None else await _candidates(ctx, departing)
    ctx.set_state(HandoverDialog.successor)
    ctx.reply(*before, m.text(T.HANDOVER_ASK_SUCCESSOR.format(
        name=departing.name, org=departing.organization.name, role=role_label(departing.role), invite=T.HANDOVER_NEW_PERSON),
        quick=[m.postback_action(f"{p.name}（{role_label(p.role)}）", PickSuccessor(member_id=p.id), display_text=m.label(p.name))
               for p in people[:MAX_SHOWN]]
        + [m.postback_action(T.HANDOVER_NEW_PERSON, NEW_PERSON, display_text=T.HANDOVER_NEW_PERSON), CANCEL]))


@router.message(HandoverDialog.successor)
async def successor_typed(ctx: Context) -> None:
    """Part of a member's name, among the same organization's members."""
    departing = await ctx.session.get(Member, ctx.data["departing"])
    form = folded(ctx.text or "")
    found = [p for p in await _candidates(ctx, departing) if form in folded(p.name)] if form else []
    if len(found) == 1:
        await _successor_chosen(ctx, found[0].id)
    elif found:
        await ask_successor(ctx, shown=found)
    else:
        await ask_successor(ctx, m.text(T.HANDOVER_SUCCESSOR_NO_MATCH))


@router.typed(HandoverDialog.successor, {T.WORDS_HANDOVER_NEW_PERSON: NEW_PERSON})
@router.postback(PickSuccessor, state=HandoverDialog.successor)
async def successor_tapped(ctx: Context, button: PickSuccessor) -> None:
    await _successor_chosen(ctx, button.member_id)


async def _successor_chosen(ctx: Context, successor_id: int) -> None:
    departing = await _with_organization(ctx, ctx.data["departing"])
    try:
        await check_start(ctx.session, member_id=departing.id, successor_id=successor_id or None, now=ctx.now())
    except HandoverError as exc:
        ctx.reply(_refusal(exc))
        if exc.reason in ("same", "other-org", "inactive") and successor_id:
            await ask_successor(ctx)
        else:
            ctx.clear()
        return
    ctx.update_data(successor=successor_id)
    await ask_confirm(ctx)


async def ask_confirm(ctx: Context) -> None:
    departing = await _with_organization(ctx, ctx.data["departing"])
    successor = ctx.data.get("successor") and await ctx.session.get(Member, ctx.data["successor"])
    values = dict(before=departing.name, role=role_label(departing.role), org=departing.organization.name,
                  ok=T.HANDOVER_OK)
    text = (T.HANDOVER_CONFIRM.format(after=successor.name, **values) if successor
            else T.HANDOVER_CONFIRM_INVITE.format(**values))
    ctx.set_state(HandoverDialog.confirm)
    ctx.reply(m.text(text, quick=[m.postback_action(T.HANDOVER_OK, Go(), display_text=T.HANDOVER_OK), CANCEL]))


router.step(HandoverDialog.confirm, ask=ask_confirm, hint=T.HANDOVER_CONFIRM_HINT)


@router.typed(HandoverDialog.confirm, {T.WORDS_HANDOVER_OK: Go()})
@router.postback(Go, state=HandoverDialog.confirm)
async def hand_over(ctx: Context, _: Go) -> None:
    """引き継ぐ: the role moves now (to a member), or the handover invite is issued."""
    me = await ctx.active_member()
    departing_id, successor_id = ctx.data["departing"], ctx.data.get("successor") or None
    ctx.clear()
    try:
        handover, invite, moved = await start(ctx.session, member_id=departing_id, successor_id=successor_id,
                                              actor=Actor.of(me, Door.line), now=ctx.now())
    except HandoverError as exc:
        ctx.reply(_refusal(exc))
        return
    if invite is not None:
        ctx.reply(m.text(T.HANDOVER_INVITE_ISSUED.format(when=moment_label(invite.expires_at, ctx.settings.tz, ctx.now()),
                                                         role=role_label(handover.role))), m.text(invite.code))
        return
    await _completed(ctx, moved)


async def _completed(ctx: Context, moved) -> None:
    """The one who started it hears what moved, with the undo button; a departing contact who started it
    is asked in the same reply whether to stay (LINE shows the last message's buttons only)."""
    handover, me = moved.handover, await ctx.active_member()
    successor = await _with_organization(ctx, handover.to_member_id)
    mine = me.id == handover.from_member_id
    ctx.queued += await queue_completion(ctx.session, moved, ctx.settings, ctx.now(), ask_departing=not mine)
    undo_button = m.postback_action(T.HANDOVER_UNDO_BUTTON, Undo(handover_id=handover.id),
                                    display_text=T.HANDOVER_UNDO_BUTTON)
    done = T.HANDOVER_DONE.format(after=successor.name, org=successor.organization.name,
                                  role=role_label(handover.role), moved=moved.count)
    if mine:
        ctx.reply(m.text(done), departing_question(handover, successor.organization.name, successor.name, undo_button))
    else:
        ctx.reply(m.text(done, quick=[undo_button]))


@router.command(T.HANDOVER_MATERIAL)
async def show_material(ctx: Context) -> None:
    """引継ぎ資料: the organization's agreements, KPIs, meetings, notices and partners' contacts."""
    member = await ctx.active_member()
    ctx.reply(await material_message(ctx.session, member.organization_id, ctx.settings.tz, ctx.now()))


async def _my_handover(ctx: Context, handover_id: int) -> tuple[Member, Handover]:
    member = await ctx.active_member()
    handover = await ctx.session.get(Handover, handover_id)
    if handover is None:
        raise StaleButton(handover_id)
    return member, handover


@router.postback(Stay)
async def stay(ctx: Context, button: Stay) -> None:
    """メンバーとして残る: the former contact stays on without the role."""
    await _choose(ctx, button.handover_id, "stay", T.HANDOVER_STAYED)


@router.postback(Leave)
async def leave(ctx: Context, button: Leave) -> None:
    """退会する: the former contact leaves the partnership; their history stays."""
    await _choose(ctx, button.handover_id, "leave", T.HANDOVER_LEFT)


async def _choose(ctx: Context, handover_id: int, choice: str, done: str) -> None:
    member, _ = await _my_handover(ctx, handover_id)
    try:
        await choose(ctx.session, handover_id=handover_id, member=member, choice=choice, now=ctx.now())
    except LastStaff:
        ctx.reply(m.text(T.HANDOVER_LEAVE_REFUSED))
        return
    except HandoverError as exc:
        if exc.reason != "answered":
            raise StaleButton(handover_id) from exc
        ctx.reply(m.text(T.HANDOVER_CHOICE_DONE))
        return
    ctx.reply(m.text(done))


@router.postback(Undo)
async def undo_handover(ctx: Context, button: Undo) -> None:
    """引継ぎを取り消す: within a day, by who started it or staff; everyone concerned is told."""
    member, handover = await _my_handover(ctx, button.handover_id)
    try:
        await undo(ctx.session, handover_id=handover.id, actor=Actor.of(member, Door.line), actor_member=member,
                   now=ctx.now())
    except HandoverError as exc:
        ctx.reply(m.text(T.HANDOVER_UNDO_REFUSED.get(exc.reason, T.HANDOVER_UNDO_REFUSED["not-done"])))
        return
    departing = await _with_organization(ctx, handover.from_member_id)
    ctx.queued += await queue_undone(ctx.session, handover, ctx.now(), except_user=ctx.user_id)
    ctx.reply(m.text(T.HANDOVER_UNDONE.format(org=departing.organization.name, role=role_label(handover.role),
                                              before=departing.name)))

