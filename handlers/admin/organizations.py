"""Staff register an organization in LINE (団体登録): its name, its type, a preview, then its invite code if
they want one now; through the same domain function as the command line, with its audit entry."""

from sqlalchemy import select

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from db.access import DataError
from db.audit import Actor, Door
from db.models import Organization, OrgType
from db.organizations import MAX_NAME, register_organization
from handlers.registration.invites import ask_kind

router = Router("admin.organizations", access=Access.staff, refusal=T.ORG_STAFF_ONLY)

CANCEL = m.message_action(T.CANCEL)


class AddOrganization(StatesGroup):
    name = State()
    org_type = State()
    confirm = State()
    invite = State()


class OrgKind(PostbackData, prefix="org:type"):
    code: str


class SaveOrg(PostbackData, prefix="org:save"):
    pass


class InviteNow(PostbackData, prefix="org:inv"):
    org_id: int


class InviteLater(PostbackData, prefix="org:later"):
    pass


def ask_name(ctx: Context, *before: dict) -> None:
    ctx.reply(*before, m.text(T.ASK_ORG_NAME.format(max=MAX_NAME), quick=[CANCEL]))


@router.command(T.ORG_ADD)
async def begin(ctx: Context) -> None:
    """団体登録: the name first."""
    ctx.begin(AddOrganization.name)
    ask_name(ctx)


@router.message(AddOrganization.name)
async def receive_name(ctx: Context) -> None:
    name = " ".join((ctx.text or "").split())
    if not name or len(name) > MAX_NAME:
        ask_name(ctx, m.text(T.ORG_NAME_INVALID.format(max=MAX_NAME)))
        return
    if await ctx.session.scalar(select(Organization.id).where(Organization.name == name)):
        ctx.reply(m.text(T.ORG_NAME_TAKEN.format(name=name), quick=[CANCEL]))
        return
    ctx.update_data(name=name)
    ask_type(ctx)


def ask_type(ctx: Context) -> None:
    ctx.set_state(AddOrganization.org_type)
    ctx.reply(m.text(T.ASK_ORG_TYPE.format(name=ctx.data["name"]), quick=[
        *(m.postback_action(label, OrgKind(code=code), display_text=label) for code, label in T.ORG_TYPE_LABELS.items()),
        CANCEL]))


router.step(AddOrganization.org_type, ask=ask_type, hint=T.ORG_TYPE_HINT)


@router.typed(AddOrganization.org_type, {(T.ORG_TYPE_LABELS[code], *words): OrgKind(code=code)
                                         for code, words in T.ORG_TYPE_WORDS.items()})
@router.postback(OrgKind, state=AddOrganization.org_type)
async def type_chosen(ctx: Context, button: OrgKind) -> None:
    if button.code not in T.ORG_TYPE_LABELS:
        raise StaleButton(button.pack())
    ctx.update_data(org_type=button.code)
    preview(ctx)


def preview(ctx: Context) -> None:
    ctx.set_state(AddOrganization.confirm)
    ctx.reply(m.text(T.ORG_PREVIEW.format(name=ctx.data["name"], type=T.ORG_TYPE_LABELS[ctx.data["org_type"]]),
                     quick=[m.postback_action(T.ORG_SAVE, SaveOrg(), display_text=T.ORG_SAVE), CANCEL]))


router.step(AddOrganization.confirm, ask=preview, hint=T.ORG_CONFIRM_HINT)


@router.typed(AddOrganization.confirm, {(T.ORG_SAVE, *T.WORDS_CONFIRM): SaveOrg()})
@router.postback(SaveOrg, state=AddOrganization.confirm)
async def save(ctx: Context, _: SaveOrg) -> None:
    """登録する: the organization and its audit entry; then offer its invite code."""
    staff = await ctx.active_member()
    try:
        org = await register_organization(ctx.session, name=ctx.data["name"], org_type=OrgType(ctx.data["org_type"]),
                                          actor=Actor.of(staff, Door.line), now=ctx.now())
    except DataError:  # another staff member registered the name meanwhile
        ctx.clear()
        ctx.reply(await ctx.help(T.ORG_NOT_SAVED))
        return
    ctx.begin(AddOrganization.invite, org_id=org.id, name=org.name)
    offer_invite(ctx)


def offer_invite(ctx: Context) -> None:
    ctx.reply(m.text(T.ORG_SAVED.format(name=ctx.data["name"]), quick=[
        m.postback_action(T.ORG_INVITE_NOW, InviteNow(org_id=int(ctx.data["org_id"])), display_text=T.ORG_INVITE_NOW),
        m.postback_action(T.ORG_INVITE_LATER, InviteLater(), display_text=T.ORG_INVITE_LATER)]))


router.step(AddOrganization.invite, ask=offer_invite, hint=T.ORG_INVITE_HINT)


@router.typed(AddOrganization.invite, {T.WORDS_ORG_INVITE: lambda ctx: InviteNow(org_id=int(ctx.data["org_id"]))})
@router.postback(InviteNow, state=AddOrganization.invite)
async def invite_now(ctx: Context, button: InviteNow) -> None:
    """招待コードを発行: on to 招待コード's question of who it is for, with this organization."""
    org = await ctx.session.get(Organization, button.org_id)
    if org is None:
        raise StaleButton(button.pack())
    await ask_kind(ctx, org)


@router.typed(AddOrganization.invite, {T.WORDS_ORG_LATER: InviteLater()})
@router.postback(InviteLater, state=AddOrganization.invite)
async def invite_later(ctx: Context, _: InviteLater) -> None:
    ctx.clear()
    ctx.reply(await ctx.help(T.ORG_INVITE_LATER_DONE))
