"""Staff define a KPI in LINE (KPI設定): agreement, reporting organization, name, unit, target,
target date, cadence, then a preview with the first prompt's date."""

from datetime import date, timedelta

from sqlalchemy import select

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, Router, State, StatesGroup
from bot.texts.formats import date_label, local_day_label
from db.rules.kpi_numbers import NotANumber, format_value, parse_value
from db.kpis import KpiError, create_kpi, first_prompt_at, name_taken, parse_day
from db.models import Agreement, AgreementOrganization, Kpi, KpiCadence, Organization
from handlers.segments import MAX_OPTIONS
from handlers.shared import postback_ids, require_staff

router = Router("kpi_setup")
router.help_action(T.KPI_SETUP, T.KPI_SETUP, staff_only=True)

MAX_DATES = 12


class Define(StatesGroup):
    agreement = State()
    organization = State()
    name = State()
    unit = State()
    target = State()
    target_date = State()
    cadence = State()
    dates = State()
    confirm = State()


CANCEL = m.message_action(T.CANCEL)


@router.command(T.KPI_SETUP)
async def begin_kpi_setup(ctx: Context) -> None:
    """KPI設定: pick the agreement first."""
    if await require_staff(ctx, T.KPI_STAFF_ONLY) is None:
        return
    agreements = list(await ctx.session.scalars(select(Agreement).order_by(Agreement.id.desc()).limit(MAX_OPTIONS)))
    if not agreements:
        ctx.clear_state()
        ctx.reply(await ctx.help(T.KPI_SETUP_NO_AGREEMENTS))
        return
    ctx.clear_state()
    ctx.set_state(Define.agreement)
    ctx.reply(m.text(T.KPI_SETUP_ASK_AGREEMENT, quick=[
        m.postback_action(a.name, f"kpis:ag:{a.id}", display_text=m.label(a.name)) for a in agreements] + [CANCEL]))


async def ask_organization(ctx: Context, agreement: Agreement, *before: dict) -> None:
    orgs = list(await ctx.session.scalars(
        select(Organization).join(AgreementOrganization, AgreementOrganization.organization_id == Organization.id)
        .where(AgreementOrganization.agreement_id == agreement.id).order_by(Organization.id).limit(MAX_OPTIONS)))
    ctx.set_state(Define.organization, agreement=agreement.id)
    ctx.reply(*before, m.text(T.KPI_SETUP_ASK_ORG, quick=[
        m.postback_action(o.name, f"kpis:org:{o.id}", display_text=m.label(o.name)) for o in orgs] + [CANCEL]))


def ask_cadence(ctx: Context, *before: dict) -> None:
    ctx.set_state(Define.cadence)
    ctx.reply(*before, m.text(T.KPI_SETUP_ASK_CADENCE, quick=[
        m.postback_action(label, f"kpis:cad:{cadence}", display_text=label)
        for cadence, label in T.KPI_CADENCE_LABELS.items()] + [CANCEL]))


@router.state(Define.agreement)
@router.state(Define.organization)
@router.state(Define.cadence)
@router.state(Define.confirm)
async def press_a_button(ctx: Context) -> None:
    """Steps answered with buttons: typed text gets the same buttons again."""
    hint = m.text(T.CATEGORY_UNKNOWN)
    if ctx.in_state(Define.agreement):
        await begin_kpi_setup(ctx)
    elif ctx.in_state(Define.organization):
        await ask_organization(ctx, await ctx.session.get(Agreement, ctx.data["agreement"]), hint)
    elif ctx.in_state(Define.cadence):
        ask_cadence(ctx, hint)
    else:
        await preview(ctx)


@router.postback("kpis:ag:")
async def choose_agreement(ctx: Context) -> None:
    ids = postback_ids(ctx, "kpis:ag:", 1)
    agreement = await ctx.session.get(Agreement, ids[0]) if ids else None
    if agreement is None or not ctx.in_state(Define.agreement) or await require_staff(ctx, T.KPI_STAFF_ONLY) is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    await ask_organization(ctx, agreement)


@router.postback("kpis:org:")
async def choose_organization(ctx: Context) -> None:
    ids = postback_ids(ctx, "kpis:org:", 1)
    party = (await ctx.session.get(AgreementOrganization, (ctx.data.get("agreement"), ids[0]))
             if ids and ctx.in_state(Define.organization) else None)
    if party is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    ctx.set_state(Define.name, organization=ids[0])
    ctx.reply(m.text(T.KPI_SETUP_ASK_NAME, quick=[CANCEL]))


@router.state(Define.name)
async def receive_kpi_name(ctx: Context) -> None:
    name = (ctx.text or "").strip()
    if not 1 <= len(name) <= 40:
        ctx.reply(m.text(T.KPI_SETUP_NAME_INVALID, quick=[CANCEL]))
        return
    if await name_taken(ctx.session, agreement_id=ctx.data["agreement"], organization_id=ctx.data["organization"],
                        name=name):
        ctx.reply(m.text(T.KPI_SETUP_NAME_TAKEN.format(name=name), quick=[CANCEL]))
        return
    ctx.set_state(Define.unit, name=name)
    ctx.reply(m.text(T.KPI_SETUP_ASK_UNIT, quick=[m.message_action(T.NONE_SELECTED), CANCEL]))


@router.state(Define.unit)
async def receive_unit(ctx: Context) -> None:
    unit = (ctx.text or "").strip()
    if len(unit) > 10 or not unit:
        ctx.reply(m.text(T.KPI_SETUP_UNIT_INVALID, quick=[CANCEL]))
        return
    ctx.set_state(Define.target, unit="" if unit == T.NONE_SELECTED else unit)
    ctx.reply(m.text(T.KPI_SETUP_ASK_TARGET, quick=[CANCEL]))


@router.state(Define.target)
async def receive_target(ctx: Context) -> None:
    try:
        reading = parse_value(ctx.text or "", ctx.data.get("unit"))
    except NotANumber:
        reading = None
    if reading is None or reading.value <= 0 or reading.comment:  # parse_value refuses the absurdly large
        ctx.reply(m.text(T.KPI_SETUP_TARGET_INVALID, quick=[CANCEL]))
        return
    ctx.set_state(Define.target_date, target=str(reading.value))
    ask_target_date(ctx)


def ask_target_date(ctx: Context, *before: dict) -> None:
    today = ctx.now().astimezone(ctx.settings.tz).date()
    picker = {"type": "datetimepicker", "label": T.KPI_SETUP_DATE_BUTTON, "data": "kpis:date", "mode": "date",
              "initial": date(today.year + 1, 3, 31).isoformat(), "min": (today + timedelta(days=1)).isoformat()}
    ctx.reply(*before, m.text(T.KPI_SETUP_ASK_TARGET_DATE, quick=[picker, CANCEL]))


async def _target_date(ctx: Context, day: date | None) -> None:
    if day is None or day <= ctx.now().astimezone(ctx.settings.tz).date():
        ask_target_date(ctx, m.text(T.KPI_SETUP_DATE_INVALID))
        return
    ctx.data["target_date"] = day.isoformat()
    ask_cadence(ctx)


@router.state(Define.target_date)
async def receive_target_date(ctx: Context) -> None:
    try:
        day = parse_day(ctx.text or "", ctx.now().astimezone(ctx.settings.tz).date())
    except ValueError:
        day = None
    await _target_date(ctx, day)


@router.postback("kpis:date")
async def pick_target_date(ctx: Context) -> None:
    if not ctx.in_state(Define.target_date):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    try:
        day = date.fromisoformat(ctx.event.postback_params.get("date", ""))
    except ValueError:
        day = None
    await _target_date(ctx, day)


@router.postback("kpis:cad:")
async def choose_cadence(ctx: Context) -> None:
    cadence = (ctx.event.postback_data or "").removeprefix("kpis:cad:")
    if not ctx.in_state(Define.cadence) or cadence not in set(KpiCadence):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    if cadence == KpiCadence.dates:
        ctx.set_state(Define.dates, cadence=cadence)
        ctx.reply(m.text(T.KPI_SETUP_ASK_DATES, quick=[CANCEL]))
        return
    ctx.set_state(Define.confirm, cadence=cadence, dates=[])
    await preview(ctx)


@router.state(Define.dates)
async def receive_dates(ctx: Context) -> None:
    today = ctx.now().astimezone(ctx.settings.tz).date()
    try:
        days = sorted({parse_day(word, today) for word in (ctx.text or "").replace("、", " ").split()})
    except ValueError:
        days = []
    if not days or len(days) > MAX_DATES or days[0] <= today:
        ctx.reply(m.text(T.KPI_SETUP_DATES_INVALID, quick=[CANCEL]))
        return
    ctx.set_state(Define.confirm, dates=[d.isoformat() for d in days])
    await preview(ctx)


def _draft(ctx: Context) -> Kpi:
    data = ctx.data
    return Kpi(name=data["name"], unit=data["unit"], target_value=float(data["target"]), cadence=data["cadence"],
               target_date=date.fromisoformat(data["target_date"]), due_dates=data["dates"])


async def preview(ctx: Context) -> None:
    """What will be stored, and when the first report will be asked for."""
    kpi, tz = _draft(ctx), ctx.settings.tz
    first = first_prompt_at(kpi, ctx.now(), tz)
    agreement = await ctx.session.get(Agreement, ctx.data["agreement"])
    org = await ctx.session.get(Organization, ctx.data["organization"])
    ctx.reply(m.text(T.KPI_SETUP_PREVIEW.format(
        agreement=agreement.name, org=org.name, name=kpi.name, unit=kpi.unit or T.NONE_SELECTED,
        target=format_value(kpi.target_value, kpi.unit), date=date_label(kpi.target_date),
        cadence=T.KPI_CADENCE_LABELS[kpi.cadence], first=local_day_label(first, tz)),
        quick=[m.postback_action(T.KPI_SETUP_SAVE, "kpis:save", display_text=T.KPI_SETUP_SAVE), CANCEL]))


@router.postback("kpis:save")
async def save_kpi(ctx: Context) -> None:
    if not ctx.in_state(Define.confirm) or await require_staff(ctx, T.KPI_STAFF_ONLY) is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    draft, data = _draft(ctx), ctx.data
    try:
        kpi = await create_kpi(ctx.session, agreement_id=data["agreement"], organization_id=data["organization"],
                               name=draft.name, unit=draft.unit, target_value=draft.target_value,
                               target_date=draft.target_date, cadence=draft.cadence,
                               due_dates=[date.fromisoformat(d) for d in draft.due_dates], now=ctx.now())
    except KpiError:
        ctx.clear_state()
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    org = await ctx.session.get(Organization, kpi.organization_id)
    ctx.clear_state()
    ctx.reply(await ctx.help(T.KPI_SETUP_SAVED.format(name=kpi.name, org=org.name)))
