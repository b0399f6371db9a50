"""KPIs: their reporting periods, the prompts that ask for each period's value, and the reports."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.rules.business_days import business_day_from, is_business_day
from db.rules.kpi_numbers import MAX_ABS_VALUE
from db.models import (
    Agreement,
    AgreementOrganization,
    Kpi,
    KpiCadence,
    KpiPrompt,
    KpiPromptStep,
    KpiReport,
    KpiStatus,
    KpiTargetKind,
    Member,
    MemberRole,
    MemberStatus,
    Organization,
)

# Prompts go out on business days in the morning, so that they are read at work.
ASK_FROM, ASK_UNTIL = time(10, 0), time(17, 0)
# Periods that closed while nothing ran are still asked for, up to this many per KPI.
MAX_CATCH_UP = 3
OPEN_STEPS = (KpiPromptStep.waiting, KpiPromptStep.asked, KpiPromptStep.reminded, KpiPromptStep.deputies,
              KpiPromptStep.escalated)
# Each step of the escalation, and the one after it.
NEXT_STEP = {KpiPromptStep.waiting: KpiPromptStep.asked, KpiPromptStep.asked: KpiPromptStep.reminded,
             KpiPromptStep.reminded: KpiPromptStep.deputies, KpiPromptStep.deputies: KpiPromptStep.escalated}


class KpiError(ValueError):
    """A KPI definition or report that cannot be stored; the message says why."""


# Periods

def period_of(kpi: Kpi, day: date) -> str:
    """The period `day` falls in: 2026-10, 2026-Q4, or (one-off dates) the next due date on or after it."""
    if kpi.cadence == KpiCadence.monthly:
        return f"{day.year}-{day.month:02d}"
    if kpi.cadence == KpiCadence.quarterly:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    upcoming = [d for d in sorted(kpi.due_dates) if d >= day.isoformat()]
    return upcoming[0] if upcoming else sorted(kpi.due_dates)[-1]


def period_end(period: str) -> date:
    """The day a period's report falls due: the day after a month or quarter, a one-off date itself."""
    if "-Q" in period:
        year, quarter = int(period[:4]), int(period[-1])
        return date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    if len(period) == 7:
        year, month = int(period[:4]), int(period[5:])
        return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromisoformat(period)


def period_start(kpi: Kpi, period: str, created: date) -> date:
    """The first day a period covers: a month's or quarter's first, a one-off date's day after the one before."""
    if "-Q" in period:
        return date(int(period[:4]), (int(period[-1]) - 1) * 3 + 1, 1)
    if len(period) == 7:
        return date(int(period[:4]), int(period[5:]), 1)
    before = previous_period(kpi, period)
    return date.fromisoformat(before) + timedelta(days=1) if before else created


@dataclass(frozen=True)
class Progress:
    """A total KPI's running total over its term, and what the plan expected by the latest period's end."""
    total: float
    planned: float  # the target spread evenly over the term, up to the end of the latest period reported
    first: str      # the first and latest periods reported
    latest: str


def progress(kpi: Kpi, reports: list[KpiReport], tz: tzinfo) -> Progress | None:
    """The running total of the current reports against the target, and the pace against the plan."""
    valued = [r for r in reports if r.value is not None]
    if not valued:
        return None
    created = kpi.created_at.astimezone(tz).date()
    start = period_start(kpi, valued[0].period, created)
    reached = min(period_end(valued[-1].period), kpi.target_date + timedelta(days=1))
    term = max(1, (kpi.target_date + timedelta(days=1) - start).days)
    share = min(1.0, max(0.0, (reached - start).days / term))
    return Progress(total=sum(r.value for r in valued), planned=kpi.target_value * share, first=valued[0].period,
                    latest=valued[-1].period)


def previous_period(kpi: Kpi, period: str) -> str | None:
    if kpi.cadence == KpiCadence.dates:
        earlier = [d for d in sorted(kpi.due_dates) if d < period]
        return earlier[-1] if earlier else None
    if kpi.cadence == KpiCadence.quarterly:
        year, quarter = int(period[:4]), int(period[-1])
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    year, month = int(period[:4]), int(period[5:])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def first_prompt_at(kpi: Kpi, now: datetime, tz: tzinfo) -> datetime:
    """When a KPI created now is first asked for: the business morning after its first period closes."""
    today = now.astimezone(tz).date()
    period = period_of(kpi, today + timedelta(days=1) if kpi.cadence == KpiCadence.dates else today)
    return next_asking_time(datetime.combine(period_end(period), ASK_FROM, tzinfo=tz), tz)


def closed_periods(kpi: Kpi, today: date, created: date) -> list[str]:
    """The periods due by `today` that ended after the KPI was created (the latest few, oldest first)."""
    if kpi.cadence == KpiCadence.dates:
        periods = [d for d in sorted(kpi.due_dates) if created < date.fromisoformat(d) <= today]
    else:
        periods, period = [], period_of(kpi, today)
        while True:
            period = previous_period(kpi, period)
            if period is None or period_end(period) <= created:
                break
            periods.insert(0, period)
            if len(periods) == MAX_CATCH_UP:
                break
    return periods[-MAX_CATCH_UP:]


# Business days

def is_asking_time(moment: datetime, tz: tzinfo) -> bool:
    local = moment.astimezone(tz)
    return is_business_day(local.date()) and ASK_FROM <= local.time() < ASK_UNTIL


def next_asking_time(moment: datetime, tz: tzinfo) -> datetime:
    """`moment` if it is a business day's working hours, else the next business morning."""
    local = moment.astimezone(tz)
    day = local.date()
    if is_business_day(day) and local.time() < ASK_UNTIL:
        return moment if local.time() >= ASK_FROM else datetime.combine(day, ASK_FROM, tzinfo=tz)
    return datetime.combine(business_day_from(day + timedelta(days=1)), ASK_FROM, tzinfo=tz)


def next_business_morning(moment: datetime, tz: tzinfo) -> datetime:
    """"あとで": the next business day's morning, never the same day."""
    return datetime.combine(business_day_from(moment.astimezone(tz).date() + timedelta(days=1)), ASK_FROM, tzinfo=tz)


# Definitions

async def create_kpi(session: AsyncSession, *, agreement_id: int, organization_id: int, name: str, unit: str,
                     target_value: Decimal | float, target_date: date, cadence: str, due_dates: list[date],
                     now: datetime, target_kind: str = KpiTargetKind.level) -> Kpi:
    agreement = await session.get(Agreement, agreement_id)
    if agreement is None:
        raise KpiError(f"no agreement with id {agreement_id}")
    party = await session.get(AgreementOrganization, (agreement_id, organization_id))
    if party is None:
        raise KpiError(f"organization {organization_id} is not a party to agreement {agreement_id}")
    name, unit = name.strip(), unit.strip()
    if not 1 <= len(name) <= 40 or len(unit) > 10:
        raise KpiError("the name must be 1-40 characters and the unit at most 10")
    if cadence not in set(KpiCadence):
        raise KpiError(f"cadence must be one of {', '.join(KpiCadence)}")
    if target_kind not in set(KpiTargetKind):
        raise KpiError(f"the target kind must be one of {', '.join(KpiTargetKind)}")
    if cadence == KpiCadence.dates and not any(d > now.date() for d in due_dates):
        raise KpiError("a KPI reported on one-off dates needs at least one date still ahead")
    if not 0 < Decimal(str(target_value)) < MAX_ABS_VALUE:
        raise KpiError("the target must be a positive number below 10^15")
    if await name_taken(session, agreement_id=agreement_id, organization_id=organization_id, name=name):
        raise KpiError(f"agreement {agreement_id} or organization {organization_id} already has a KPI named {name!r}")
    kpi = Kpi(agreement_id=agreement_id, organization_id=organization_id, name=name, unit=unit,
              target_value=float(target_value), target_date=target_date, target_kind=target_kind, cadence=cadence,
              due_dates=sorted({d.isoformat() for d in due_dates}) if cadence == KpiCadence.dates else [],
              status=KpiStatus.active, created_at=now)
    session.add(kpi)
    await session.flush()
    return kpi


async def name_taken(session: AsyncSession, *, agreement_id: int, organization_id: int, name: str) -> bool:
    """Whether the name is in use in the agreement or among the KPIs the organization reports (the
    organization's members name a KPI in a message to say which value is which)."""
    return bool(await session.scalar(select(Kpi.id).where(
        or_(Kpi.agreement_id == agreement_id, Kpi.organization_id == organization_id), Kpi.name == name,
        Kpi.status == KpiStatus.active)))


async def archive_kpi(session: AsyncSession, kpi_id: int, now: datetime) -> Kpi:
    """Stop asking for a KPI; its reports stay. Open prompts are closed."""
    kpi = await session.get(Kpi, kpi_id)
    if kpi is None:
        raise KpiError(f"no KPI with id {kpi_id}")
    kpi.status, kpi.archived_at = KpiStatus.archived, now
    await session.execute(update(KpiPrompt).where(KpiPrompt.kpi_id == kpi_id, KpiPrompt.step.in_(OPEN_STEPS))
                          .values(step=KpiPromptStep.answered, next_at=None))
    return kpi


async def kpis_for(session: AsyncSession, member: Member) -> list[tuple[Kpi, Agreement]]:
    """The active KPIs a member may see: those of their organization's agreements (staff: all)."""
    query = (select(Kpi, Agreement).join(Agreement, Agreement.id == Kpi.agreement_id)
             .where(Kpi.status == KpiStatus.active).order_by(Agreement.id, Kpi.id))
    if not member.is_staff:
        query = query.join(AgreementOrganization, and_(AgreementOrganization.agreement_id == Agreement.id,
                                                       AgreementOrganization.organization_id == member.organization_id))
    return [(kpi, agreement) for kpi, agreement in await session.execute(query)]


async def reporting_kpis(session: AsyncSession, organization_id: int) -> list[Kpi]:
    """The active KPIs an organization is responsible for reporting."""
    return list(await session.scalars(select(Kpi).where(Kpi.organization_id == organization_id,
                                                        Kpi.status == KpiStatus.active).order_by(Kpi.id)))


# Prompts

async def _existing(session: AsyncSession, model, wanted: set[tuple[int, str]], *where) -> set[tuple[int, str]]:
    """Which of the wanted (KPI, period) pairs have a row of `model`."""
    rows = await session.execute(select(model.kpi_id, model.period).where(
        model.kpi_id.in_({kpi_id for kpi_id, _ in wanted}), model.period.in_({period for _, period in wanted}), *where))
    return {tuple(row) for row in rows} & wanted


async def open_due_prompts(session: AsyncSession, now: datetime, tz: tzinfo) -> int:
    """Create the prompt for every period that has closed; returns how many were new.

    Runs on every scheduler tick: it reads only the few recent periods' prompts, and reports
    only for periods still without one."""
    today = now.astimezone(tz).date()
    kpis = {kpi.id: kpi for kpi in await session.scalars(select(Kpi).where(Kpi.status == KpiStatus.active))}
    closed = {(kpi.id, period) for kpi in kpis.values()
              for period in closed_periods(kpi, today, kpi.created_at.astimezone(tz).date())}
    missing = closed - await _existing(session, KpiPrompt, closed) if closed else set()
    if not missing:
        return 0
    # A value sent before the period's prompt answers it: nobody is asked, nobody is late.
    reported = await _existing(session, KpiReport, missing, KpiReport.replaced_at.is_(None))
    created = 0
    for kpi_id, period in sorted(missing):
        kpi, early = kpis[kpi_id], (kpi_id, period) in reported
        due = next_asking_time(datetime.combine(period_end(period), ASK_FROM, tzinfo=tz), tz)
        try:
            async with session.begin_nested():  # another instance may create the same prompt at once
                session.add(KpiPrompt(kpi_id=kpi_id, organization_id=kpi.organization_id, period=period,
                                      step=KpiPromptStep.answered if early else KpiPromptStep.waiting,
                                      next_at=None if early else due, answered_at=now if early else None,
                                      snoozed=False, created_at=now))
            created += 1
        except IntegrityError:
            pass
    return created


async def due_prompt_orgs(session: AsyncSession, now: datetime) -> list[int]:
    """Organizations with a prompt whose next step (or snoozed ask) is due."""
    return list(await session.scalars(
        select(KpiPrompt.organization_id).where(KpiPrompt.step.in_(OPEN_STEPS), KpiPrompt.next_at <= now)
        .distinct().order_by(KpiPrompt.organization_id)))


@dataclass
class Claimed:
    prompt: KpiPrompt
    kpi: Kpi
    action: str  # ask, remind, deputies, escalate, or again (after "あとで")


async def claim_due_prompts(session: AsyncSession, organization_id: int, now: datetime, tz: tzinfo,
                            escalate_after: timedelta) -> list[Claimed]:
    """Take this organization's due prompts one step further; each is claimed once, by one instance."""
    prompts = list(await session.scalars(
        select(KpiPrompt).where(KpiPrompt.organization_id == organization_id, KpiPrompt.step.in_(OPEN_STEPS),
                                KpiPrompt.next_at <= now).order_by(KpiPrompt.kpi_id, KpiPrompt.period)))
    taken = []
    for prompt in prompts:
        step, snoozed = prompt.step, prompt.snoozed
        new_step = step if snoozed else NEXT_STEP.get(step)
        if new_step is None:
            continue
        final = new_step == KpiPromptStep.escalated
        claimed = await session.execute(
            update(KpiPrompt).where(KpiPrompt.id == prompt.id, KpiPrompt.step == step, KpiPrompt.next_at == prompt.next_at,
                                    KpiPrompt.snoozed == snoozed)
            .values(step=new_step, snoozed=False,
                    next_at=None if final else next_asking_time(now + escalate_after, tz),
                    first_asked_at=prompt.first_asked_at or now))
        if claimed.rowcount != 1:
            continue
        await session.refresh(prompt)
        action = "again" if snoozed else {KpiPromptStep.asked: "ask", KpiPromptStep.reminded: "remind",
                                          KpiPromptStep.deputies: "deputies", KpiPromptStep.escalated: "escalate"}[new_step]
        taken.append(Claimed(prompt=prompt, kpi=await session.get(Kpi, prompt.kpi_id), action=action))
    return taken


async def contacts(session: AsyncSession, organization_id: int, role: MemberRole | None) -> list[str]:
    """LINE ids of an organization's active members in a role (primary contacts: all members if none)."""
    query = select(Member.line_user_id).where(Member.organization_id == organization_id,
                                              Member.status == MemberStatus.active).order_by(Member.id)
    users = list(await session.scalars(query.where(Member.role == role) if role else query))
    if not users and role == MemberRole.primary:
        return list(await session.scalars(query))
    return users


async def staff_users(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(Member.line_user_id).where(Member.is_staff.is_(True),
                                                                        Member.status == MemberStatus.active)))


async def pending_prompts(session: AsyncSession, organization_id: int) -> list[KpiPrompt]:
    """Prompts this organization has been asked and not yet answered, the latest asked first."""
    return list(await session.scalars(
        select(KpiPrompt).where(KpiPrompt.organization_id == organization_id,
                                KpiPrompt.step.in_(OPEN_STEPS[1:]))
        .order_by(KpiPrompt.first_asked_at.desc(), KpiPrompt.period.desc())))


async def snooze(session: AsyncSession, prompt_ids: list[int], organization_id: int, now: datetime,
                 tz: tzinfo) -> list[KpiPrompt]:
    """"あとで": ask these prompts again the next business morning (escalation waits until then)."""
    later = next_business_morning(now, tz)
    rows = list(await session.scalars(
        select(KpiPrompt).where(KpiPrompt.id.in_(prompt_ids), KpiPrompt.organization_id == organization_id,
                                KpiPrompt.step.in_(OPEN_STEPS[1:])).with_for_update()))
    for prompt in rows:
        prompt.snoozed, prompt.next_at = True, later
    return rows


# Reports

async def current_report(session: AsyncSession, kpi_id: int, period: str) -> KpiReport | None:
    return await session.scalar(select(KpiReport).where(KpiReport.kpi_id == kpi_id, KpiReport.period == period,
                                                        KpiReport.replaced_at.is_(None)))


async def record_report(session: AsyncSession, *, kpi: Kpi, period: str, value: Decimal | None, comment: str | None,
                        member_id: int | None, source_key: str, now: datetime) -> KpiReport | None:
    """Store a period's value (None: nothing this period); a previous value stays, marked replaced.

    Returns None when this source was already stored (a redelivered event)."""
    if await session.scalar(select(KpiReport.id).where(KpiReport.source_key == source_key)):
        return None
    prompt = await session.scalar(select(KpiPrompt).where(KpiPrompt.kpi_id == kpi.id, KpiPrompt.period == period)
                                  .with_for_update())
    previous = await current_report(session, kpi.id, period)
    if previous is not None:
        previous.replaced_at = now
        await session.flush()
    report = KpiReport(kpi_id=kpi.id, period=period, value=None if value is None else float(value), comment=comment,
                       reported_by_member_id=member_id, reported_at=now, source_key=source_key)
    session.add(report)
    if prompt is not None and prompt.step != KpiPromptStep.answered:
        prompt.step, prompt.next_at, prompt.snoozed, prompt.answered_at = KpiPromptStep.answered, None, False, now
    await session.flush()
    return report


async def series(session: AsyncSession, kpi_id: int) -> list[KpiReport]:
    """The current report of every period, oldest period first."""
    return list(await session.scalars(select(KpiReport).where(KpiReport.kpi_id == kpi_id, KpiReport.replaced_at.is_(None))
                                      .order_by(KpiReport.period)))


def _plain(value: float | None) -> int | float | None:
    """30.0 as 30, for spreadsheets and people reading CSV."""
    return int(value) if value is not None and value.is_integer() else value


async def export_rows(session: AsyncSession, agreement_id: int | None = None) -> list[dict]:
    """Every report, corrections included, with its KPI, period, value, reporter and time."""
    query = (select(KpiReport, Kpi, Agreement, Member.name, Organization.name)
             .join(Kpi, Kpi.id == KpiReport.kpi_id).join(Agreement, Agreement.id == Kpi.agreement_id)
             .join(Organization, Organization.id == Kpi.organization_id)
             .outerjoin(Member, Member.id == KpiReport.reported_by_member_id)
             .order_by(Agreement.id, Kpi.id, KpiReport.period, KpiReport.id))
    if agreement_id is not None:
        query = query.where(Kpi.agreement_id == agreement_id)
    return [{"agreement": agreement.name, "kpi_id": kpi.id, "kpi": kpi.name, "unit": kpi.unit,
             "target": _plain(kpi.target_value), "organization": org_name, "period": report.period,
             "value": _plain(report.value),
             "comment": report.comment or "", "reported_by": member_name or "", "reported_at": report.reported_at,
             "replaced_at": report.replaced_at}
            for report, kpi, agreement, member_name, org_name in await session.execute(query)]
