"""Staff define a KPI in LINE (KPI設定): agreement, reporting organization, name, unit, target,
target date, cadence, then a preview with the first prompt's date."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.dialogs.words import folded
from bot.texts.formats import date_label, local_day_label
from db.rules.kpi_numbers import NotANumber, format_value, parse_value
from db.audit import record
from db.kpis import KpiError, create_kpi, first_prompt_at, name_taken
from db.models import Agreement, AgreementOrganization, Kpi, KpiCadence, KpiTargetKind, Organization
from db.rules.dates import DateError, read_day
from handlers.dates import date_problem
from handlers.segments import MAX_OPTIONS

router = Router("kpi.setup", access=Access.staff, refusal=T.KPI_STAFF_ONLY)
router.help_action(T.KPI_SETUP, T.KPI_SETUP, staff_only=True)

MAX_DATES = 12
MAX_YEARS_AHEAD = 10


class Define(StatesGroup):
    agreement = State()
    organization = State()
    name = State()
    unit = State()
    target = State()
    kind = State()
    target_date = State()
    cadence = State()
    dates = State()
    confirm = State()


class ChooseAgreement(PostbackData, prefix="kpis:ag"):
    agreement_id: int


class ChooseOrganization(PostbackData, prefix="kpis:org"):
    organization_id: int


class ChooseKind(PostbackData, prefix="kpis:kind"):
    kind: str  # a KpiTargetKind


class PickTargetDate(PostbackData, prefix="kpis:date"):
    """The date picker's button; the day comes in the postback's params."""


class ChooseCadence(PostbackData, prefix="kpis:cad"):
    cadence: str


class Save(PostbackData, prefix="kpis:save"):
    """保存する under the preview."""


CANCEL = m.message_action(T.CANCEL)


@router.command(T.KPI_SETUP)
async def begin_kpi_setup(ctx: Context) -> None:
    """KPI設定: pick the agreement first."""
    agreements = list(await ctx.session.scalars(select(Agreement).order_by(Agreement.id.desc()).limit(MAX_OPTIONS)))
    if not agreements:
        ctx.clear()
        ctx.reply(await ctx.help(T.KPI_SETUP_NO_AGREEMENTS))
        return
    ctx.begin(Define.agreement)
    ctx.reply(m.text(T.KPI_SETUP_ASK_AGREEMENT, quick=[
        m.postback_action(a.name, ChooseAgreement(agreement_id=a.id), display_text=m.label(a.name)) for a in agreements] + [CANCEL]))


async def ask_organization(ctx: Context, agreement: Agreement, *before: dict) -> None:
    orgs = list(await ctx.session.scalars(
        select(Organization).join(AgreementOrganization, AgreementOrganization.organization_id == Organization.id)
        .where(AgreementOrganization.agreement_id == agreement.id).order_by(Organization.id).limit(MAX_OPTIONS)))
    ctx.set_state(Define.organization)
    ctx.update_data(agreement=agreement.id)
    ctx.reply(*before, m.text(T.KPI_SETUP_ASK_ORG, quick=[
        m.postback_action(o.name, ChooseOrganization(organization_id=o.id), display_text=m.label(o.name)) for o in orgs] + [CANCEL]))


def ask_cadence(ctx: Context, *before: dict) -> None:
    ctx.set_state(Define.cadence)
    ctx.reply(*before, m.text(T.KPI_SETUP_ASK_CADENCE, quick=[
        m.postback_action(label, ChooseCadence(cadence=cadence), display_text=label)
        for cadence, label in T.KPI_CADENCE_LABELS.items()] + [CANCEL]))


# Steps answered with buttons: typed text gets the same buttons again.

@router.message(Define.agreement)
async def agreement_typed(ctx: Context) -> None:
    """An agreement's name typed works like its button; other text gets the agreements again."""
    agreements = await ctx.session.scalars(select(Agreement).order_by(Agreement.id.desc()))
    found = next((a for a in agreements if folded(a.name) == folded(ctx.text)), None)
    if found is not None:
        await ask_organization(ctx, found)
        return
    ctx.reply(m.text(T.KPI_SETUP_PICK_HINT))
    await begin_kpi_setup(ctx)


@router.message(Define.organization)
async def organization_typed(ctx: Context) -> None:
    """A party's name typed works like its button; other text gets the organizations again."""
    agreement_id = ctx.data["agreement"]
    parties = await ctx.session.execute(
        select(Organization.id, Organization.name).join(AgreementOrganization,
                                                        AgreementOrganization.organization_id == Organization.id)
        .where(AgreementOrganization.agreement_id == agreement_id))
    found = next((org_id for org_id, name in parties if folded(name) == folded(ctx.text)), None)
    if found is not None:
        await choose_organization(ctx, ChooseOrganization(organization_id=found))
        return
    await ask_organization(ctx, await ctx.session.get(Agreement, agreement_id), m.text(T.KPI_SETUP_PICK_HINT))


router.step(Define.cadence, ask=ask_cadence, hint=T.KPI_SETUP_PICK_HINT)
router.step(Define.confirm, ask=lambda ctx: preview(ctx), hint=T.KPI_SETUP_CONFIRM_HINT)


@router.postback(ChooseAgreement, state=Define.agreement)
async def choose_agreement(ctx: Context, choice: ChooseAgreement) -> None:
    """The agreement the KPI belongs to."""
    agreement = await ctx.session.get(Agreement, choice.agreement_id)
    if agreement is None:
        raise StaleButton(choice.agreement_id)
    await ask_organization(ctx, agreement)


@router.postback(ChooseOrganization, state=Define.organization)
async def choose_organization(ctx: Context, choice: ChooseOrganization) -> None:
    """The party to the agreement that reports the KPI."""
    party = await ctx.session.get(AgreementOrganization, (ctx.data.get("agreement"), choice.organization_id))
    if party is None:
        raise StaleButton(choice.organization_id)
    ctx.set_state(Define.name)
    ctx.update_data(organization=choice.organization_id)
    ctx.reply(m.text(T.KPI_SETUP_ASK_NAME, quick=[CANCEL]))


@router.message(Define.name)
async def receive_kpi_name(ctx: Context) -> None:
    """The KPI's name, unique among the organization's KPIs."""
    name = (ctx.text or "").strip()
    if not 1 <= len(name) <= 40:
        ctx.reply(m.text(T.KPI_SETUP_NAME_INVALID, quick=[CANCEL]))
        return
    if await name_taken(ctx.session, agreement_id=ctx.data["agreement"], organization_id=ctx.data["organization"],
                        name=name):
        ctx.reply(m.text(T.KPI_SETUP_NAME_TAKEN.format(name=name), quick=[CANCEL]))
        return
    ctx.set_state(Define.unit)
    ctx.update_data(name=name)
    ctx.reply(m.text(T.KPI_SETUP_ASK_UNIT, quick=[m.message_action(T.NONE_SELECTED), CANCEL]))


@router.message(Define.unit)
async def receive_unit(ctx: Context) -> None:
    """The unit its values are counted in (なし for none)."""
    unit = (ctx.text or "").strip()
    if len(unit) > 10 or not unit:
        ctx.reply(m.text(T.KPI_SETUP_UNIT_INVALID, quick=[CANCEL]))
        return
    ctx.set_state(Define.target)
    ctx.update_data(unit="" if unit == T.NONE_SELECTED else unit)
    ctx.reply(m.text(T.KPI_SETUP_ASK_TARGET, quick=[CANCEL]))


@router.message(Define.target)
async def receive_target(ctx: Context) -> None:
    """The target value, a positive number."""
    try:
        reading = parse_value(ctx.text or "", ctx.data.get("unit"))
    except NotANumber:
        reading = None
    if reading is None or reading.value <= 0 or reading.comment:  # parse_value refuses the absurdly large
        ctx.reply(m.text(T.KPI_SETUP_TARGET_INVALID, quick=[CANCEL]))
        return
    ctx.update_data(target=str(reading.value))
    ask_kind(ctx)


def ask_kind(ctx: Context, *before: dict) -> None:
    """Whether the target is reached by adding the periods up, or is a level each period should reach."""
    ctx.set_state(Define.kind)
    target = format_value(Decimal(ctx.data["target"]), ctx.data.get("unit"))
    ctx.reply(*before, m.text(T.KPI_SETUP_ASK_KIND.format(target=target), quick=[
        *(m.postback_action(label, ChooseKind(kind=kind), display_text=label) for kind, label in T.KPI_KIND_LABELS.items()),
        CANCEL]))


def _kind_chosen(ctx: Context, kind: str) -> None:
    ctx.update_data(kind=kind)
    ctx.set_state(Define.target_date)
    ask_target_date(ctx)


router.step(Define.kind, ask=ask_kind, hint=T.KPI_SETUP_KIND_BUTTON)


@router.typed(Define.kind, {(T.KPI_KIND_LABELS[kind], *words): ChooseKind(kind=kind)
                            for kind, words in T.KPI_KIND_WORDS.items()})
@router.postback(ChooseKind, state=Define.kind)
async def choose_kind(ctx: Context, choice: ChooseKind) -> None:
    """期間の合計 or 毎回の水準, tapped or typed (合計, 累計, 水準, 毎回…)."""
    if choice.kind not in set(KpiTargetKind):
        raise StaleButton(choice.kind)
    _kind_chosen(ctx, choice.kind)


def ask_target_date(ctx: Context, *before: dict) -> None:
    today = ctx.now().astimezone(ctx.settings.tz).date()
    picker = {"type": "datetimepicker", "label": T.KPI_SETUP_DATE_BUTTON, "data": PickTargetDate().pack(), "mode": "date",
              "initial": date(today.year + 1, 3, 31).isoformat(), "min": (today + timedelta(days=1)).isoformat()}
    ctx.reply(*before, m.text(T.KPI_SETUP_ASK_TARGET_DATE, quick=[picker, CANCEL]))


async def _target_date(ctx: Context, day: date | None) -> None:
    today = ctx.now().astimezone(ctx.settings.tz).date()
    if day is not None and day.year > today.year + MAX_YEARS_AHEAD:  # 9999 for 2029: a slip of the finger
        ask_target_date(ctx, m.text(T.KPI_SETUP_DATE_TOO_FAR.format(years=MAX_YEARS_AHEAD)))
        return
    if day is None or day <= today:
        ask_target_date(ctx, m.text(T.KPI_SETUP_DATE_INVALID))
        return
    ctx.update_data(target_date=day.isoformat())
    ask_cadence(ctx)


@router.message(Define.target_date)
async def receive_target_date(ctx: Context) -> None:
    """The target date, typed (「2027/3/31」, 「令和9年3月31日」)."""
    tz, now = ctx.settings.tz, ctx.now()
    try:
        day = read_day(ctx.text or "", now.astimezone(tz).date())
    except DateError as exc:
        ask_target_date(ctx, m.text(date_problem(exc, now, tz, T.EXAMPLE_DAY)))
        return
    await _target_date(ctx, day)


@router.postback(PickTargetDate, state=Define.target_date)
async def pick_target_date(ctx: Context, _: PickTargetDate) -> None:
    """The day picked in LINE's date picker."""
    try:
        day = date.fromisoformat(ctx.event.postback_params.get("date", ""))
    except ValueError:
        day = None
    await _target_date(ctx, day)


@router.typed(Define.cadence, {(label, *T.KPI_CADENCE_WORDS[cadence]): ChooseCadence(cadence=cadence)
                               for cadence, label in T.KPI_CADENCE_LABELS.items()})
@router.postback(ChooseCadence, state=Define.cadence)
async def choose_cadence(ctx: Context, choice: ChooseCadence) -> None:
    """How often the KPI is reported; on given dates asks for the dates."""
    cadence = choice.cadence
    if cadence not in set(KpiCadence):
        raise StaleButton(cadence)
    if cadence == KpiCadence.dates:
        ctx.set_state(Define.dates)
        ctx.update_data(cadence=cadence)
        ctx.reply(m.text(T.KPI_SETUP_ASK_DATES, quick=[CANCEL]))
        return
    ctx.set_state(Define.confirm)
    ctx.update_data(cadence=cadence, dates=[])
    await preview(ctx)


@router.message(Define.dates)
async def receive_dates(ctx: Context) -> None:
    """The report dates, for a KPI reported on given dates (「12/15 3/15」, 「12月15日、3月15日」)."""
    tz, now = ctx.settings.tz, ctx.now()
    today = now.astimezone(tz).date()
    words = (ctx.text or "").replace("、", " ").replace(",", " ").split()
    try:
        days = sorted({read_day(word, today) for word in words})
    except DateError as exc:
        ctx.reply(m.text(date_problem(exc, now, tz, T.EXAMPLE_DAYS) + "\n" + T.KPI_SETUP_ASK_DATES, quick=[CANCEL]))
        return
    if not days or len(days) > MAX_DATES or days[0] <= today:
        ctx.reply(m.text(T.KPI_SETUP_DATES_INVALID, quick=[CANCEL]))
        return
    ctx.set_state(Define.confirm)
    ctx.update_data(dates=[d.isoformat() for d in days])
    await preview(ctx)


def _draft(ctx: Context) -> Kpi:
    data = ctx.data
    return Kpi(name=data["name"], unit=data["unit"], target_value=float(data["target"]), cadence=data["cadence"],
               target_kind=data.get("kind", KpiTargetKind.level),
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
        kind=T.KPI_KIND_PREVIEW[kpi.target_kind],
        cadence=T.KPI_CADENCE_LABELS[kpi.cadence], first=local_day_label(first, tz, ctx.now())),
        quick=[m.postback_action(T.KPI_SETUP_SAVE, Save(), display_text=T.KPI_SETUP_SAVE), CANCEL]))


@router.typed(Define.confirm, {(T.KPI_SETUP_SAVE, *T.WORDS_CONFIRM): Save()})
@router.postback(Save, state=Define.confirm)
async def save_kpi(ctx: Context, _: Save) -> None:
    """保存する: store the KPI as previewed."""
    draft, data = _draft(ctx), ctx.data
    try:
        kpi = await create_kpi(ctx.session, agreement_id=data["agreement"], organization_id=data["organization"],
                               name=draft.name, unit=draft.unit, target_value=draft.target_value,
                               target_date=draft.target_date, cadence=draft.cadence, target_kind=draft.target_kind,
                               due_dates=[date.fromisoformat(d) for d in draft.due_dates], now=ctx.now())
    except KpiError as exc:
        ctx.clear()
        raise StaleButton(str(exc)) from None
    org = await ctx.session.get(Organization, kpi.organization_id)
    await record(ctx.session, actor=await ctx.actor(), action="kpi.create", now=ctx.now(), target_kind="kpi",
                 target_id=kpi.id, target_label=f"{org.name} {kpi.name}")
    ctx.clear()
    ctx.reply(await ctx.help(T.KPI_SETUP_SAVED.format(name=kpi.name, org=org.name)))
