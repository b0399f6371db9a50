"""Staff issuing an invite code in LINE (招待コード): which organization, for a member or for staff, then the code.

The same domain function as the command line makes the code, one use, valid for two weeks.
"""

from datetime import timedelta

from sqlalchemy import select

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.dialogs.words import folded
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.members import issue_invite
from db.models import Organization

router = Router("registration.invites", access=Access.staff, refusal=T.INVITE_STAFF_ONLY)
router.help_action(T.INVITE_ISSUE, T.INVITE_ISSUE, staff_only=True)

MAX_ORGS_SHOWN = 12
VALID_FOR = timedelta(days=14)
KINDS = {"member": False, "staff": True}


class IssueInvite(StatesGroup):
    organization = State()
    kind = State()


class InviteOrg(PostbackData, prefix="inv:org"):
    org_id: int


class InviteKind(PostbackData, prefix="inv:kind"):
    kind: str


def _org_buttons(orgs) -> list[dict]:
    return [m.postback_action(o.name, InviteOrg(org_id=o.id), display_text=m.label(o.name))
            for o in orgs[:MAX_ORGS_SHOWN]] + [m.message_action(T.CANCEL)]


@router.command(T.INVITE_ISSUE)
async def begin(ctx: Context) -> None:
    """招待コード: the organization first (its buttons, or part of its name typed)."""
    ctx.begin(IssueInvite.organization)
    await ask_organization(ctx)


async def ask_organization(ctx: Context, *before: dict) -> None:
    orgs = list(await ctx.session.scalars(select(Organization).order_by(Organization.name).limit(MAX_ORGS_SHOWN)))
    ctx.set_state(IssueInvite.organization)
    ctx.reply(*before, m.text(T.ASK_INVITE_ORG, quick=_org_buttons(orgs)))


@router.message(IssueInvite.organization)
async def organization_typed(ctx: Context) -> None:
    """Part of an organization's name: the one that matches, or buttons for those that do."""
    form = folded(ctx.text)
    orgs = list(await ctx.session.scalars(select(Organization).order_by(Organization.name))) if form else []
    exact = [o for o in orgs if folded(o.name) == form]
    found = exact or [o for o in orgs if form in folded(o.name)]
    if len(found) == 1:
        await ask_kind(ctx, found[0])
    elif found:
        ctx.reply(m.text(T.ASK_INVITE_ORG_PICK, quick=_org_buttons(found)))
    else:
        await ask_organization(ctx, m.text(T.INVITE_ORG_NO_MATCH))


@router.postback(InviteOrg, state=IssueInvite.organization)
async def organization_tapped(ctx: Context, button: InviteOrg) -> None:
    org = await ctx.session.get(Organization, button.org_id)
    if org is None:
        raise StaleButton(button.pack())
    await ask_kind(ctx, org)


async def ask_kind(ctx: Context, org: Organization | None = None) -> None:
    if org is not None:
        ctx.begin(IssueInvite.kind, org_id=org.id, org=org.name)
    ctx.reply(m.text(T.ASK_INVITE_KIND.format(org=ctx.data["org"]), quick=[
        m.postback_action(T.INVITE_FOR_MEMBER, InviteKind(kind="member"), display_text=T.INVITE_FOR_MEMBER),
        m.postback_action(T.INVITE_FOR_STAFF, InviteKind(kind="staff"), display_text=T.INVITE_FOR_STAFF),
        m.message_action(T.CANCEL)]))


router.step(IssueInvite.kind, ask=ask_kind, hint=T.INVITE_KIND_HINT)


@router.typed(IssueInvite.kind, {T.WORDS_INVITE_MEMBER: InviteKind(kind="member"),
                                 T.WORDS_INVITE_STAFF: InviteKind(kind="staff")})
@router.postback(InviteKind, state=IssueInvite.kind)
async def issue(ctx: Context, button: InviteKind) -> None:
    """The code, for the staff member to pass on; it binds whoever uses it to the organization."""
    if button.kind not in KINDS:
        raise StaleButton(button.pack())
    org_id, org = int(ctx.data["org_id"]), ctx.data["org"]
    if await ctx.session.get(Organization, org_id) is None:
        ctx.clear()
        raise StaleButton(button.pack())
    invite = await issue_invite(ctx.session, organization_id=org_id, actor=await ctx.actor(), now=ctx.now(),
                                is_staff=KINDS[button.kind], valid_for=VALID_FOR)
    ctx.clear()
    kind = T.INVITE_FOR_STAFF if KINDS[button.kind] else T.INVITE_FOR_MEMBER
    ctx.reply(m.text(T.INVITE_ISSUED.format(org=org, kind=kind, when=moment_label(invite.expires_at, ctx.settings.tz, ctx.now()))),
              await ctx.help(invite.code))
