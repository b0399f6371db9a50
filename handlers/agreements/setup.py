"""Staff register a partnership agreement in LINE (協定登録): its name, its organizations, the start
and review dates, a preview, then the same domain function as the command line."""

from datetime import date

from sqlalchemy import select

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.dialogs.words import fold_all, folded
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import date_label
from db.access import REVIEW_REMINDER_TIME, DataError, create_agreement
from db.audit import record
from db.rules.dates import DateError, read_typed
from db.models import Agreement, Organization

router = Router("agreements.setup", access=Access.staff, refusal=T.AGREEMENT_STAFF_ONLY)
router.help_action(T.AGREEMENT_ADD, T.AGREEMENT_ADD, staff_only=True)

MAX_NAME = 100
MAX_ORGS_SHOWN = 11  # with 完了 and キャンセル, within LINE's 13 quick replies
MAX_YEARS = 10
CANCEL = m.message_action(T.CANCEL)


class AddAgreement(StatesGroup):
    name = State()
    organizations = State()
    start = State()
    review = State()
    confirm = State()


class ToggleOrg(PostbackData, prefix="agr:org"):
    org_id: int


class OrgsDone(PostbackData, prefix="agr:org:done"):
    pass


class Save(PostbackData, prefix="agr:save"):
    pass


@router.command(T.AGREEMENT_ADD)
async def begin(ctx: Context) -> None:
    """協定登録: the agreement's name first."""
    ctx.begin(AddAgreement.name, orgs=[])
    ctx.reply(m.text(T.ASK_AGREEMENT_NAME.format(max=MAX_NAME), quick=[CANCEL]))


@router.message(AddAgreement.name)
async def receive_name(ctx: Context) -> None:
    name = " ".join((ctx.text or "").split())
    if not name or len(name) > MAX_NAME:
        ctx.reply(m.text(T.AGREEMENT_NAME_INVALID.format(max=MAX_NAME), quick=[CANCEL]))
        return
    if await ctx.session.scalar(select(Agreement.id).where(Agreement.name == name)):
        ctx.reply(m.text(T.AGREEMENT_NAME_TAKEN.format(name=name), quick=[CANCEL]))
        return
    ctx.update_data(name=name)
    await ask_orgs(ctx)


async def ask_orgs(ctx: Context, *before: dict) -> None:
    ctx.set_state(AddAgreement.organizations)
    chosen = list(ctx.data.get("orgs") or [])
    orgs = list(await ctx.session.scalars(select(Organization).order_by(Organization.name)))
    shown = [o for o in orgs if o.id in chosen] + [o for o in orgs if o.id not in chosen]
    names = "、".join(o.name for o in orgs if o.id in chosen) or T.NONE_SELECTED
    buttons = [m.postback_action(("✓" if o.id in chosen else "") + o.name, ToggleOrg(org_id=o.id))
               for o in shown[:MAX_ORGS_SHOWN]]
    ctx.reply(*before, m.text(T.ASK_AGREEMENT_ORGS.format(selected=names), quick=[
        *buttons, m.postback_action(T.DONE, OrgsDone(), display_text=T.DONE), CANCEL]))


@router.postback(ToggleOrg, state=AddAgreement.organizations)
async def toggle_org(ctx: Context, button: ToggleOrg) -> None:
    """An organization tapped: a party to the agreement, or not again."""
    if await ctx.session.get(Organization, button.org_id) is None:
        raise StaleButton(button.pack())
    chosen = list(ctx.data.get("orgs") or [])
    ctx.update_data(orgs=[i for i in chosen if i != button.org_id] if button.org_id in chosen
                    else chosen + [button.org_id])
    await ask_orgs(ctx)


@router.message(AddAgreement.organizations)
async def org_typed(ctx: Context) -> None:
    """Part of an organization's name typed: that one, when only one matches."""
    form = folded(ctx.text)
    orgs = list(await ctx.session.scalars(select(Organization))) if form else []
    found = [o for o in orgs if folded(o.name) == form] or [o for o in orgs if form in folded(o.name)]
    if len(found) != 1:
        await ask_orgs(ctx, m.text(T.AGREEMENT_ORG_HINT))
        return
    await toggle_org(ctx, ToggleOrg(org_id=found[0].id))


@router.typed(AddAgreement.organizations, {T.WORDS_DONE: OrgsDone()})
@router.postback(OrgsDone, state=AddAgreement.organizations)
async def orgs_done(ctx: Context, _: OrgsDone) -> None:
    if not ctx.data.get("orgs"):
        await ask_orgs(ctx, m.text(T.AGREEMENT_ORGS_NONE))
        return
    ask_start(ctx)


def ask_start(ctx: Context, *before: dict) -> None:
    ctx.set_state(AddAgreement.start)
    ctx.reply(*before, m.text(T.ASK_AGREEMENT_START, quick=[m.message_action(T.AGREEMENT_TODAY), CANCEL]))


def _day(ctx: Context, text: str | None) -> date | None:
    """A date as typed (「2026/4/1」「4/1」 and 今日); None if it does not read as one or is years out."""
    today = ctx.now().astimezone(ctx.settings.tz).date()
    if folded(text) in fold_all(T.WORDS_TODAY):
        return today
    try:
        typed = read_typed(text or "", today)
    except DateError:
        return None
    day = typed.day
    return day if typed.start is None and abs(day.year - today.year) <= MAX_YEARS else None


@router.message(AddAgreement.start)
async def receive_start(ctx: Context) -> None:
    day = _day(ctx, ctx.text)
    if day is None:
        ask_start(ctx, m.text(T.AGREEMENT_DATE_INVALID))
        return
    ctx.update_data(start=day.isoformat())
    ask_review(ctx)


def ask_review(ctx: Context, *before: dict) -> None:
    ctx.set_state(AddAgreement.review)
    ctx.reply(*before, m.text(T.ASK_AGREEMENT_REVIEW, quick=[m.message_action(T.SKIP), CANCEL]))


@router.message(AddAgreement.review)
async def receive_review(ctx: Context) -> None:
    """The review date (見直し), or スキップ for none; not before the start."""
    if folded(ctx.text) in fold_all(T.WORDS_SKIP):
        ctx.update_data(review=None)
        await preview(ctx)
        return
    day = _day(ctx, ctx.text)
    if day is None or day < date.fromisoformat(ctx.data["start"]):
        ask_review(ctx, m.text(T.AGREEMENT_REVIEW_INVALID))
        return
    ctx.update_data(review=day.isoformat())
    await preview(ctx)


async def preview(ctx: Context) -> None:
    ctx.set_state(AddAgreement.confirm)
    names = await ctx.session.scalars(select(Organization.name).where(Organization.id.in_(ctx.data["orgs"]))
                                      .order_by(Organization.name))
    review = ctx.data.get("review")
    ctx.reply(m.text(T.AGREEMENT_PREVIEW.format(
        name=ctx.data["name"], orgs="、".join(names), start=date_label(date.fromisoformat(ctx.data["start"])),
        review=date_label(date.fromisoformat(review)) if review else T.NOT_SET),
        quick=[m.postback_action(T.AGREEMENT_SAVE, Save(), display_text=T.AGREEMENT_SAVE), CANCEL]))


router.step(AddAgreement.confirm, ask=preview, hint=T.AGREEMENT_CONFIRM_HINT)


@router.typed(AddAgreement.confirm, {(T.AGREEMENT_SAVE, *T.WORDS_CONFIRM): Save()})
@router.postback(Save, state=AddAgreement.confirm)
async def save(ctx: Context, _: Save) -> None:
    """登録する: the agreement, and the reminders of its review for staff."""
    data, review = ctx.data, ctx.data.get("review")
    try:
        agreement = await create_agreement(
            ctx.session, name=data["name"], organization_ids=list(data["orgs"]),
            start_date=date.fromisoformat(data["start"]), end_date=None,
            review_date=date.fromisoformat(review) if review else None, now=ctx.now(),
            reminder_time=REVIEW_REMINDER_TIME, tz=ctx.settings.tz, review_text=T.AGREEMENT_REVIEW_REMINDER)
    except DataError:  # another staff member registered the name, or an organization is gone, meanwhile
        ctx.clear()
        ctx.reply(await ctx.help(T.AGREEMENT_NOT_SAVED))
        return
    await record(ctx.session, actor=await ctx.actor(), action="agreement.create", now=ctx.now(),
                 target_kind="agreement", target_id=agreement.id, target_label=agreement.name,
                 details={"organizations": len(data["orgs"])})
    ctx.clear()
    ctx.reply(await ctx.help(T.AGREEMENT_SAVED.format(name=agreement.name)))
