"""Staff manage a member in LINE (メンバー管理): the organization, then the member (by buttons, a page at a
time, or part of a name typed), then what to do (事務局にする／外す, 主担当／副担当にする, 退会にする), a
confirmation, and the change through db/members.py, which records it and refuses to leave no staff."""

from sqlalchemy import select

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from db.audit import Actor, Door
from db.members import LastStaff, deactivate, set_role, set_staff
from db.models import Member, MemberRole, MemberStatus, Organization
from handlers.pickers import matching, page_buttons

router = Router("admin.members", access=Access.staff, refusal=T.MEMBER_STAFF_ONLY)

CANCEL = m.message_action(T.CANCEL)
MAX_LISTED = 20  # members named in the question; the buttons page through all of them


class ManageMember(StatesGroup):
    organization = State()
    member = State()
    action = State()
    confirm = State()


class PickOrg(PostbackData, prefix="mem:org"):
    org_id: int


class OrgPage(PostbackData, prefix="mem:orgs"):
    page: int


class PickMember(PostbackData, prefix="mem:pick"):
    member_id: int


class MemberPage(PostbackData, prefix="mem:page"):
    page: int


class Action(PostbackData, prefix="mem:act"):
    code: str


class Apply(PostbackData, prefix="mem:ok"):
    pass


def role_label(member: Member) -> str:
    label = T.ROLE_LABELS.get(member.role, member.role) + (T.STAFF_SUFFIX if member.is_staff else "")
    return label + (T.MEMBER_INACTIVE if member.status == MemberStatus.inactive else "")


async def _organizations(ctx: Context) -> list[Organization]:
    return list(await ctx.session.scalars(select(Organization).order_by(Organization.name)))


async def _members(ctx: Context, org_id: int) -> list[Member]:
    """The organization's members still in the partnership (those who blocked the bot included)."""
    return list(await ctx.session.scalars(select(Member).where(
        Member.organization_id == org_id, Member.status != MemberStatus.left).order_by(Member.name, Member.id)))


def _org_button(org: Organization) -> dict:
    return m.postback_action(org.name, PickOrg(org_id=org.id), display_text=m.label(org.name))


@router.command(T.MEMBER_MANAGE)
async def begin(ctx: Context) -> None:
    """メンバー管理: the organization first."""
    ctx.begin(ManageMember.organization, org_page=0)
    await ask_organization(ctx)


async def ask_organization(ctx: Context, *before: dict, orgs: list[Organization] | None = None,
                           question: str = T.ASK_MEMBER_ORG) -> None:
    ctx.set_state(ManageMember.organization)
    orgs = await _organizations(ctx) if orgs is None else orgs
    ctx.reply(*before, m.text(question, quick=page_buttons(
        orgs, int(ctx.data.get("org_page") or 0), button=_org_button, more_label=T.ORG_MORE, more=lambda p: OrgPage(page=p))))


@router.postback(OrgPage, state=ManageMember.organization)
async def next_organizations(ctx: Context, button: OrgPage) -> None:
    """次の団体: the next page of organizations."""
    ctx.update_data(org_page=button.page)
    await ask_organization(ctx)


@router.message(ManageMember.organization)
async def organization_typed(ctx: Context) -> None:
    """Part of an organization's name: the one that matches, or buttons for those that do."""
    found = matching(await _organizations(ctx), ctx.text, lambda o: o.name)
    if len(found) == 1:
        await _organization_chosen(ctx, found[0])
    elif found:
        ctx.update_data(org_page=0)
        await ask_organization(ctx, orgs=found, question=T.MEMBER_ORG_PICK)
    else:
        await ask_organization(ctx, m.text(T.MEMBER_ORG_NO_MATCH))


@router.postback(PickOrg, state=ManageMember.organization)
async def organization_tapped(ctx: Context, button: PickOrg) -> None:
    org = await ctx.session.get(Organization, button.org_id)
    if org is None:
        raise StaleButton(button.pack())
    await _organization_chosen(ctx, org)


async def _organization_chosen(ctx: Context, org: Organization) -> None:
    if not await _members(ctx, org.id):
        await ask_organization(ctx, m.text(T.MEMBER_ORG_EMPTY.format(org=org.name)))
        return
    ctx.update_data(org_id=org.id, org=org.name, member_page=0)
    await ask_member(ctx)


async def ask_member(ctx: Context, *before: dict) -> None:
    ctx.set_state(ManageMember.member)
    people = await _members(ctx, int(ctx.data["org_id"]))
    lines = "\n".join(T.MEMBER_LINE.format(name=p.name, role=role_label(p)) for p in people[:MAX_LISTED])
    if len(people) > MAX_LISTED:
        lines += "\n" + T.NOTICE_MORE_NAMES.format(count=len(people) - MAX_LISTED)
    ctx.reply(*before, m.text(T.ASK_MEMBER_PICK.format(org=ctx.data["org"], lines=lines), quick=page_buttons(
        people, int(ctx.data.get("member_page") or 0),
        button=lambda p: m.postback_action(p.name, PickMember(member_id=p.id), display_text=m.label(p.name)),
        more_label=T.MEMBER_MORE, more=lambda page: MemberPage(page=page))))


@router.postback(MemberPage, state=ManageMember.member)
async def next_members(ctx: Context, button: MemberPage) -> None:
    """次のメンバー: the next page of the organization's members."""
    ctx.update_data(member_page=button.page)
    await ask_member(ctx)


@router.message(ManageMember.member)
async def member_typed(ctx: Context) -> None:
    """Part of a member's name: that member, when only one matches."""
    found = matching(await _members(ctx, int(ctx.data["org_id"])), ctx.text, lambda p: p.name)
    if len(found) != 1:
        await ask_member(ctx, m.text(T.MEMBER_PICK_HINT))
        return
    await _member_chosen(ctx, found[0])


@router.postback(PickMember, state=ManageMember.member)
async def member_tapped(ctx: Context, button: PickMember) -> None:
    member = await ctx.session.get(Member, button.member_id)
    if member is None or member.organization_id != int(ctx.data["org_id"]) or member.status == MemberStatus.left:
        raise StaleButton(button.pack())
    await _member_chosen(ctx, member)


async def _member_chosen(ctx: Context, member: Member) -> None:
    ctx.update_data(member_id=member.id, name=member.name)
    await ask_action(ctx)


def actions_for(member: Member) -> list[str]:
    """What can be done to this member now: staff on or off, the other role, taking them off."""
    staff = ["staff_off"] if member.is_staff else (["staff_on"] if member.status == MemberStatus.active else [])
    role = ["deputy"] if member.role == MemberRole.primary else ["primary"]
    return staff + role + ["deactivate"]


async def _chosen_member(ctx: Context) -> Member | None:
    member = await ctx.session.get(Member, int(ctx.data["member_id"]))
    return member if member is not None and member.status != MemberStatus.left else None


async def ask_action(ctx: Context) -> None:
    member = await _chosen_member(ctx)
    if member is None:
        ctx.clear()
        ctx.reply(await ctx.help(T.MEMBER_GONE))
        return
    ctx.set_state(ManageMember.action)
    ctx.reply(m.text(T.ASK_MEMBER_ACTION.format(name=member.name, org=ctx.data["org"], role=role_label(member)), quick=[
        *(m.postback_action(T.MEMBER_ACTION_LABELS[code], Action(code=code), display_text=T.MEMBER_ACTION_LABELS[code])
          for code in actions_for(member)), CANCEL]))


router.step(ManageMember.action, ask=ask_action, hint=T.MEMBER_ACTION_HINT)


@router.typed(ManageMember.action, {(T.MEMBER_ACTION_LABELS[code], *words): Action(code=code)
                                    for code, words in T.MEMBER_ACTION_WORDS.items()})
@router.postback(Action, state=ManageMember.action)
async def action_chosen(ctx: Context, button: Action) -> None:
    """What to do: asked to confirm, with what it means for the member."""
    member = await _chosen_member(ctx)
    if member is None:
        ctx.clear()
        ctx.reply(await ctx.help(T.MEMBER_GONE))
        return
    if button.code not in actions_for(member):  # typed, but not one of the buttons for this member
        ctx.reply(m.text(T.MEMBER_ACTION_HINT))
        await ask_action(ctx)
        return
    ctx.update_data(action=button.code)
    confirm(ctx)


def confirm(ctx: Context) -> None:
    ctx.set_state(ManageMember.confirm)
    ctx.reply(m.text(T.MEMBER_CONFIRM[ctx.data["action"]].format(name=ctx.data["name"], org=ctx.data["org"]), quick=[
        m.postback_action(T.MEMBER_CONFIRM_OK, Apply(), display_text=T.MEMBER_CONFIRM_OK), CANCEL]))


router.step(ManageMember.confirm, ask=confirm, hint=T.MEMBER_CONFIRM_HINT)


@router.typed(ManageMember.confirm, {T.WORDS_MEMBER_CONFIRM: Apply()})
@router.postback(Apply, state=ManageMember.confirm)
async def apply(ctx: Context, _: Apply) -> None:
    """変更する: the change and its audit entry; the member hears of a new role (not of being taken off)."""
    action, name = ctx.data["action"], ctx.data["name"]
    member = await _chosen_member(ctx)
    ctx.clear()
    if member is None or action not in actions_for(member):  # changed by someone else meanwhile
        ctx.reply(await ctx.help(T.MEMBER_GONE))
        return
    actor, now = Actor.of(await ctx.active_member(), Door.line), ctx.now()
    try:
        if action in ("staff_on", "staff_off"):
            await set_staff(ctx.session, member_id=member.id, staff=action == "staff_on", actor=actor, now=now)
        elif action == "deactivate":
            await deactivate(ctx.session, member_id=member.id, actor=actor, now=now)
        else:
            await set_role(ctx.session, member_id=member.id, role=MemberRole(action), actor=actor, now=now)
    except LastStaff:
        ctx.reply(await ctx.help(T.MEMBER_LAST_STAFF.format(name=name)))
        return
    if action in T.MEMBER_TOLD and member.line_user_id != ctx.user_id and member.status == MemberStatus.active:
        ctx.push(member.line_user_id, m.text(T.MEMBER_TOLD[action]), purpose="member-changed")
    ctx.reply(await ctx.help(T.MEMBER_DONE[action].format(name=name)))
