"""What the bot sends about KPIs: values against the target, the prompt (sent by the scheduler) and the summary."""

from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import PostbackData
from bot.line import messages as m
from bot.line.outbox import queue_multicast
from bot.texts import catalog as T
from bot.settings import Settings
from bot.texts.formats import date_label, local_day_label, period_label
from db.rules.kpi_numbers import format_value
from db.kpis import Claimed, Progress, contacts, previous_period, progress, series, staff_users
from db.models import Agreement, Kpi, KpiPrompt, KpiReport, KpiTargetKind, MemberRole, Organization, OutboxMessage
from handlers.kpi.charts import chart_urls

MAX_CHARTS = 4  # with the summary text, LINE's five messages per reply


def value_label(kpi: Kpi, value: float | None) -> str:
    return T.KPI_SUMMARY_NO_REPORT if value is None else format_value(value, kpi.unit)


def rate_label(kpi: Kpi, value: float) -> str:
    rate = value / kpi.target_value * 100
    return f"{rate:.1f}%" if abs(rate) < 10 else f"{rate:.0f}%"


def change_label(kpi: Kpi, value: float, previous: float) -> str:
    diff = value - previous
    text = ("+" if diff >= 0 else "") + format_value(round(diff, 6), kpi.unit)
    if previous:
        text += T.KPI_CHANGE_PERCENT.format(percent=f"{diff / previous * 100:+.1f}%")
    return text


def is_total(kpi: Kpi) -> bool:
    return kpi.target_kind == KpiTargetKind.total


def stored_line(kpi: Kpi, report: KpiReport, replaced: KpiReport | None = None,
                so_far: Progress | None = None) -> str:
    """What was stored; for a total, with the running total against the target."""
    value = value_label(kpi, report.value)
    target = format_value(kpi.target_value, kpi.unit)
    if is_total(kpi) and so_far is not None:
        line = T.KPI_STORED_LINE_TOTAL.format(name=kpi.name, period=period_label(report.period), value=value,
                                              total=format_value(so_far.total, kpi.unit), target=target,
                                              rate=rate_label(kpi, so_far.total))
    else:
        line = T.KPI_STORED_LINE.format(name=kpi.name, period=period_label(report.period), value=value, target=target,
                                        rate=rate_label(kpi, report.value) if report.value is not None else "-")
    if replaced is not None:
        line += "\n" + T.KPI_STORED_REPLACED.format(old=value_label(kpi, replaced.value))
    if report.comment:
        line += "\n" + T.KPI_STORED_COMMENT.format(comment=report.comment)
    return line


# The prompt

def example_for(kpis: list[Kpi]) -> str:
    return " ".join(f"{kpi.name} {n}" for kpi, n in zip(kpis[:2], ("42", "4.5")))


async def last_value(session: AsyncSession, kpi: Kpi, before: str) -> KpiReport | None:
    earlier = [r for r in await series(session, kpi.id) if r.period < before and r.value is not None]
    return earlier[-1] if earlier else None


class Later(PostbackData, prefix="kpi:later"):
    prompt_ids: str  # comma-separated KpiPrompt ids


class NothingToReport(PostbackData, prefix="kpi:none"):
    prompt_id: int


def later_button(prompts: list[KpiPrompt]) -> dict:
    """あとで for these prompts: as many as the postback data holds (the rest are asked again when due)."""
    ids: list[str] = []
    for prompt in prompts:
        if len(Later.prefix) + 1 + len(",".join([*ids, str(prompt.id)])) > m.MAX_POSTBACK_DATA:
            break
        ids.append(str(prompt.id))
    return m.postback_action(T.KPI_LATER, Later(prompt_ids=",".join(ids)), display_text=T.KPI_LATER)


async def prompt_message(session: AsyncSession, header: str, items: list[tuple[Kpi, KpiPrompt]], tz: tzinfo) -> dict:
    """One message asking for every listed KPI's value, with あとで and 報告なし buttons."""
    lines = [header]
    for kpi, prompt in items:
        target = format_value(kpi.target_value, kpi.unit)
        if is_total(kpi):
            so_far = progress(kpi, await series(session, kpi.id), tz)
            lines.append(T.KPI_PROMPT_LINE_TOTAL.format(
                name=kpi.name, period=period_label(prompt.period), target=target, date=date_label(kpi.target_date),
                total=format_value(so_far.total if so_far else 0, kpi.unit)))
            continue
        last = await last_value(session, kpi, prompt.period)
        lines.append(T.KPI_PROMPT_LINE.format(
            name=kpi.name, period=period_label(prompt.period), target=target,
            last=T.KPI_VALUE_IN_PERIOD.format(value=value_label(kpi, last.value), period=period_label(last.period))
            if last else T.KPI_PROMPT_NO_LAST))
    kpis = [kpi for kpi, _ in items]
    lines.append(T.KPI_PROMPT_ONE if len(items) == 1 else T.KPI_PROMPT_MANY.format(example=example_for(kpis)))
    quick = [later_button([prompt for _, prompt in items])]
    if len(items) == 1:
        quick.append(m.postback_action(T.KPI_NO_REPORT, NothingToReport(prompt_id=items[0][1].id), display_text=T.KPI_NO_REPORT))
    else:
        quick += [m.postback_action(T.KPI_NO_REPORT_FOR.format(name=kpi.name), NothingToReport(prompt_id=prompt.id),
                                    display_text=T.KPI_NO_REPORT_FOR.format(name=kpi.name))
                  for kpi, prompt in items[: m.MAX_QUICK_REPLY - 1]]
    return m.text("\n".join(lines), quick=quick)


# The summary ("KPI")

async def summary_messages(session: AsyncSession, rows: list[tuple[Kpi, Agreement]], settings: Settings,
                           tz: tzinfo) -> list[dict]:
    """Per KPI: the latest value against the target, the change on the previous period; then the charts."""
    lines, charts, agreement_id = [T.KPI_SUMMARY_HEADER], [], None
    for kpi, agreement in rows:
        if agreement.id != agreement_id:
            lines.append(T.KPI_SUMMARY_AGREEMENT.format(agreement=agreement.name))
            agreement_id = agreement.id
        org = await session.get(Organization, kpi.organization_id)
        lines.append(T.KPI_SUMMARY_KPI.format(name=kpi.name, org=org.name))
        reports = await series(session, kpi.id)
        valued = [r for r in reports if r.value is not None]
        target = format_value(kpi.target_value, kpi.unit)
        if not valued:
            lines.append(T.KPI_SUMMARY_NO_VALUE.format(target=target, date=date_label(kpi.target_date)))
            continue
        latest = valued[-1]
        so_far = progress(kpi, reports, tz) if is_total(kpi) else None
        if so_far is not None:
            lines.append(T.KPI_SUMMARY_TOTAL.format(
                total=format_value(so_far.total, kpi.unit), first=period_label(so_far.first),
                latest=period_label(so_far.latest), target=target, date=date_label(kpi.target_date),
                rate=rate_label(kpi, so_far.total)))
            if so_far.planned > 0:
                lines.append(T.KPI_SUMMARY_PACE.format(pace=f"{so_far.total / so_far.planned * 100:.0f}%",
                                                       period=period_label(so_far.latest),
                                                       planned=format_value(round(so_far.planned), kpi.unit)))
            lines.append(T.KPI_SUMMARY_PERIOD.format(period=period_label(latest.period),
                                                     value=value_label(kpi, latest.value)))
        else:
            lines.append(T.KPI_SUMMARY_LATEST.format(value=value_label(kpi, latest.value),
                                                     period=period_label(latest.period), target=target,
                                                     date=date_label(kpi.target_date),
                                                     rate=rate_label(kpi, latest.value)))
        previous = previous_period(kpi, latest.period)
        before = next((r for r in valued if r.period == previous), None)
        if before is not None:
            lines.append(T.KPI_SUMMARY_CHANGE.format(label=T.KPI_CHANGE_LABELS[kpi.cadence],
                                                     change=change_label(kpi, latest.value, before.value),
                                                     previous=period_label(before.period),
                                                     previous_value=value_label(kpi, before.value)))
        if latest.comment:
            lines.append(T.KPI_SUMMARY_COMMENT.format(comment=latest.comment))
        urls = chart_urls(settings, kpi.id, max(r.id for r in reports))
        if urls:
            charts.append({"type": "image", "originalContentUrl": urls[0], "previewImageUrl": urls[1]})
    if len(charts) > MAX_CHARTS:
        lines.append(T.KPI_CHARTS_FIRST.format(count=MAX_CHARTS))
    return [m.text("\n".join(lines)), *charts[:MAX_CHARTS]]


HEADERS = {"ask": T.KPI_PROMPT_HEADER, "again": T.KPI_AGAIN_HEADER, "remind": T.KPI_REMINDER_HEADER,
           "deputies": T.KPI_DEPUTY_HEADER}


async def queue_prompts(session: AsyncSession, organization_id: int, claimed: list[Claimed], now: datetime,
                        tz: tzinfo) -> list[OutboxMessage]:
    """The messages for the steps just claimed: one per kind of step to its people, late ones to the secretariat."""
    rows: list[OutboxMessage] = []
    primaries = await contacts(session, organization_id, MemberRole.primary)
    for action, header in HEADERS.items():
        items = [(c.kpi, c.prompt) for c in claimed if c.action == action]
        if not items:
            continue
        to = primaries
        if action == "deputies":
            # Without deputies, the primary contacts are reminded once more.
            to = await contacts(session, organization_id, MemberRole.deputy) or primaries
            header = header if to is not primaries else T.KPI_REMINDER_HEADER
        if to:
            rows += queue_multicast(session, to=to, messages=[await prompt_message(session, header, items, tz)],
                                    purpose=f"kpi-prompt:{organization_id}", now=now)
    late = [c for c in claimed if c.action == "escalate"]
    staff = await staff_users(session) if late else []
    if staff:
        org = await session.get(Organization, organization_id)
        # Without a deputy, the deputies' step reminded the primary contacts again: say so, not that a deputy was asked.
        template = T.KPI_LATE_STAFF if await contacts(session, organization_id, MemberRole.deputy) \
            else T.KPI_LATE_STAFF_NO_DEPUTY
        text = "\n".join(template.format(org=org.name, name=c.kpi.name, period=period_label(c.prompt.period),
                                         asked=local_day_label(c.prompt.first_asked_at, tz, now)) for c in late)
        rows += queue_multicast(session, to=staff, messages=[m.text(text)], purpose=f"kpi-late:{organization_id}", now=now)
    return rows
