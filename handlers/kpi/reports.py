"""KPI reports by chat: the value typed after a prompt, confirming the unusual, correcting, "あとで"
and "今回は報告なし", and "KPI" to see the numbers."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from bot.dialogs import UNHANDLED, Access, Context, PostbackData, Router, StaleButton, State, StatesGroup, is_id
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import local_day_label, period_label
from db.rules.kpi_numbers import MAX_COMMENT, NotANumber, normalize, parse_value, split_by_names
from db.kpis import (
    closed_periods,
    current_report,
    kpis_for,
    pending_prompts,
    period_of,
    progress,
    record_report,
    reporting_kpis,
    series,
    snooze,
)
from db.models import Kpi, KpiPrompt, KpiPromptStep, KpiReport, KpiStatus
from handlers.kpi.messages import (
    Later,
    NothingToReport,
    example_for,
    later_button,
    prompt_message,
    stored_line,
    summary_messages,
    value_label,
)

router = Router("kpi.reports", access=Access.member)
router.help_action(T.KPI, T.KPI)


class KpiDialog(StatesGroup):
    confirm = State()  # an unusual value waits for 記録する
    fix = State()      # the correct value for a stored report


class Record(PostbackData, prefix="kpi:yes"):
    """記録する: store the values held for confirmation."""


class Discard(PostbackData, prefix="kpi:no"):
    """記録しない: drop them."""


class Fix(PostbackData, prefix="kpi:fix"):
    report_id: int


CONFIRM_BUTTONS = [m.postback_action(T.KPI_CONFIRM_YES, Record(), display_text=T.KPI_CONFIRM_YES),
                   m.postback_action(T.KPI_CONFIRM_NO, Discard(), display_text=T.KPI_CONFIRM_NO)]


@dataclass
class Entry:
    """One value read from a message, for one KPI and period, with what looks wrong about it."""

    kpi: Kpi
    period: str
    value: Decimal
    comment: str | None
    warnings: list[str]

    def as_data(self) -> dict:
        return {"kpi": self.kpi.id, "period": self.period, "value": str(self.value), "comment": self.comment}


def _warnings(kpi: Kpi, value: Decimal) -> list[str]:
    out = []
    if value < 0:
        out.append(T.KPI_WARN_NEGATIVE)
    if abs(value) > Decimal(str(kpi.target_value)) * 100:
        out.append(T.KPI_WARN_ABSURD.format(target=value_label(kpi, kpi.target_value)))
    return out


def _read(kpi: Kpi, text: str) -> tuple[Decimal, str | None]:
    """The value and comment of one KPI's part of a message (NotANumber or ValueError if unreadable)."""
    reading = parse_value(text, kpi.unit)
    if reading.comment and len(reading.comment) > MAX_COMMENT:
        raise ValueError(T.KPI_COMMENT_TOO_LONG.format(max=MAX_COMMENT))
    return reading.value, reading.comment


def _buttons(prompts: list[KpiPrompt]) -> list[dict]:
    return [later_button(prompts[:20])] if prompts else []


async def _entries(ctx: Context, kpis: list[Kpi], pending: list[KpiPrompt]) -> list[Entry] | str:
    """What the message reports, or the reply that says why it cannot be read."""
    asked = {}
    for prompt in pending:  # the latest asked period of each KPI
        asked.setdefault(prompt.kpi_id, prompt)
    by_name = {kpi.name: kpi for kpi in kpis}
    waiting = [kpi for kpi in kpis if kpi.id in asked]
    names = T.KPI_NAMES_SEP.join(T.KPI_NAME_QUOTED.format(name=kpi.name) for kpi in (waiting or kpis))
    parts = split_by_names(ctx.text, list(by_name))
    if parts[0][0] is None:
        if len(parts) > 1 or len(waiting or kpis) != 1:
            try:
                parse_value(parts[0][1])
            except NotANumber:
                return T.KPI_NOT_A_NUMBER
            return T.KPI_WHICH.format(names=names, example=example_for(waiting or kpis))
        parts = [((waiting or kpis)[0].name, parts[0][1])]
    tz, now = ctx.settings.tz, ctx.now()
    entries = []
    for name, text in parts:
        kpi = by_name[name]
        try:
            value, comment = _read(kpi, text)
        except NotANumber:
            return T.KPI_NOT_A_NUMBER
        except ValueError as exc:
            return str(exc)
        prompt = asked.get(kpi.id)
        if prompt is not None:
            period, warnings = prompt.period, []
            if prompt.first_asked_at and now - prompt.first_asked_at > timedelta(days=ctx.settings.kpi_late_days):
                warnings.append(T.KPI_WARN_LATE.format(days=ctx.settings.kpi_late_days))
        else:
            today = now.astimezone(tz).date()
            closed = closed_periods(kpi, today, kpi.created_at.astimezone(tz).date())
            period = closed[-1] if closed else period_of(kpi, today)
            warnings = [T.KPI_WARN_NOT_PENDING.format(period=period_label(period))]
            stored = await current_report(ctx.session, kpi.id, period)
            if stored is not None:
                warnings.append(T.KPI_WARN_REPLACES.format(value=value_label(kpi, stored.value)))
        entries.append(Entry(kpi, period, value, comment, warnings + _warnings(kpi, value)))
    return entries


async def _store(ctx: Context, entries: list[Entry], member_id: int) -> None:
    """Record the values and say what was stored, with a 訂正 button for each."""
    lines, fixes = [T.KPI_STORED], []
    for i, entry in enumerate(entries):
        before = await current_report(ctx.session, entry.kpi.id, entry.period)
        report = await record_report(ctx.session, kpi=entry.kpi, period=entry.period, value=entry.value,
                                     comment=entry.comment, member_id=member_id, now=ctx.now(),
                                     source_key=f"{ctx.event.webhook_event_id}:{i}")
        if report is None:
            continue
        so_far = progress(entry.kpi, await series(ctx.session, entry.kpi.id), ctx.settings.tz)
        lines.append(stored_line(entry.kpi, report, before, so_far))
        label = T.KPI_FIX if len(entries) == 1 else T.KPI_FIX_NAMED.format(name=entry.kpi.name)
        fixes.append(m.postback_action(label, Fix(report_id=report.id)))
    ctx.reply(m.text("\n".join(lines), quick=fixes[: m.MAX_QUICK_REPLY] or None))


async def _take(ctx: Context, entries: list[Entry], member_id: int) -> None:
    """Store what looks right; ask before storing anything unusual."""
    if any(entry.warnings for entry in entries):
        lines = [T.KPI_CONFIRM]
        for entry in entries:
            lines.append(T.KPI_CONFIRM_LINE.format(name=entry.kpi.name, period=period_label(entry.period),
                                                   value=value_label(entry.kpi, entry.value)))
            lines += entry.warnings
        ctx.set_state(KpiDialog.confirm)
        ctx.update_data(entries=[entry.as_data() for entry in entries])
        ctx.reply(m.text("\n".join(lines), quick=CONFIRM_BUTTONS))
        return
    ctx.clear()
    await _store(ctx, entries, member_id)


@router.fallback()
async def receive_kpi_value(ctx: Context) -> object:
    """A message outside any dialog: a KPI value when the organization reports KPIs and it has a number."""
    member = await ctx.active_member()
    # Read without first writing what the batch's other events staged, which go out together at
    # its end (this event has staged nothing yet): not a flush for every message of free text. A
    # KPI one of them changed comes back as changed (the session's own row): it is filtered again.
    with ctx.session.no_autoflush:
        kpis = await reporting_kpis(ctx.session, member.organization_id) if ctx.text else []
    kpis = [kpi for kpi in kpis if kpi.status == KpiStatus.active and kpi.organization_id == member.organization_id]
    if not kpis:
        return UNHANDLED
    pending = await pending_prompts(ctx.session, member.organization_id)
    if not any(ch.isdigit() for ch in normalize(ctx.text)):
        if not pending:
            return UNHANDLED
        ctx.reply(m.text(T.KPI_NOT_A_NUMBER, quick=_buttons(pending)))
        return None
    entries = await _entries(ctx, kpis, pending)
    if entries == T.KPI_NOT_A_NUMBER and not pending:
        return UNHANDLED  # "12月の会議は？" with no report asked for: not a KPI value at all
    if isinstance(entries, str):
        ctx.reply(m.text(entries, quick=_buttons(pending) or None))
        return None
    await _take(ctx, entries, member.id)
    return None


@router.message(KpiDialog.confirm)
async def confirm_typed(ctx: Context) -> None:
    """Text other than 記録する / 記録しない is read as a new value instead, if it has a number."""
    if not any(ch.isdigit() for ch in normalize(ctx.text or "")):  # a sticker or a photo: the held values still wait for an answer
        ctx.reply(m.text(T.KPI_CONFIRM_PENDING, quick=CONFIRM_BUTTONS))
        return
    ctx.clear()
    return await receive_kpi_value(ctx)


@router.typed(KpiDialog.confirm, {T.WORDS_KPI_RECORD: Record()})
@router.postback(Record, state=KpiDialog.confirm)
async def confirm_values(ctx: Context, _: Record) -> None:
    """Store the values that were held for confirmation."""
    member = await ctx.active_member()
    entries = []
    for item in ctx.data.get("entries", []):
        kpi = await ctx.session.get(Kpi, item["kpi"])
        if kpi is None or kpi.status != KpiStatus.active or kpi.organization_id != member.organization_id:
            ctx.clear()
            raise StaleButton(item["kpi"])
        entries.append(Entry(kpi, item["period"], Decimal(item["value"]), item["comment"], []))
    ctx.clear()
    await _store(ctx, entries, member.id)


@router.typed(KpiDialog.confirm, {T.WORDS_KPI_DISCARD: Discard()})
@router.postback(Discard, state=KpiDialog.confirm)
async def discard_values(ctx: Context, _: Discard) -> None:
    """Drop the values held for confirmation."""
    ctx.clear()
    ctx.reply(m.text(T.KPI_DISCARDED))


async def _own_report(ctx: Context, report_id: int) -> tuple[KpiReport, Kpi] | None:
    """The report and its KPI if it is still current and the sender's organization's; None otherwise."""
    member = await ctx.active_member()
    report = await ctx.session.get(KpiReport, report_id)
    kpi = await ctx.session.get(Kpi, report.kpi_id) if report else None
    if (kpi is None or report.replaced_at is not None or kpi.status != KpiStatus.active
            or kpi.organization_id != member.organization_id):
        return None
    return report, kpi


@router.postback(Fix)
async def start_fix(ctx: Context, fix: Fix) -> None:
    """訂正: ask for the correct value of a stored report."""
    found = await _own_report(ctx, fix.report_id)
    if found is None:
        raise StaleButton(fix.report_id)
    report, kpi = found
    ctx.set_state(KpiDialog.fix)
    ctx.update_data(report=report.id)
    ctx.reply(m.text(T.KPI_ASK_FIX.format(name=kpi.name, period=period_label(report.period),
                                          value=value_label(kpi, report.value)), quick=[m.message_action(T.CANCEL)]))


@router.message(KpiDialog.fix)
async def receive_correction(ctx: Context) -> None:
    """The corrected value replaces the stored one; the old one stays as history."""
    found = await _own_report(ctx, ctx.data.get("report", 0))
    if found is None:
        ctx.clear()
        raise StaleButton(ctx.data.get("report"))
    report, kpi = found
    try:
        value, comment = _read(kpi, ctx.text or "")
    except NotANumber:
        ctx.reply(m.text(T.KPI_NOT_A_NUMBER, quick=[m.message_action(T.CANCEL)]))
        return
    except ValueError as exc:
        ctx.reply(m.text(str(exc), quick=[m.message_action(T.CANCEL)]))
        return
    member = await ctx.active_member()
    await _take(ctx, [Entry(kpi, report.period, value, comment, _warnings(kpi, value))], member.id)


@router.postback(Later)
async def snooze_prompts(ctx: Context, later: Later) -> None:
    """あとで: the same prompt again the next business morning."""
    member = await ctx.active_member()
    ids = later.prompt_ids.split(",")
    if not all(is_id(part) for part in ids):
        raise StaleButton(later.prompt_ids)
    rows = await snooze(ctx.session, [int(part) for part in ids], member.organization_id, ctx.now(), ctx.settings.tz)
    if not rows:
        raise StaleButton(later.prompt_ids)
    ctx.reply(m.text(T.KPI_SNOOZED.format(when=local_day_label(rows[0].next_at, ctx.settings.tz, ctx.now()))))


@router.postback(NothingToReport)
async def report_nothing(ctx: Context, nothing: NothingToReport) -> None:
    """今回は報告なし: the period is recorded as having nothing to report."""
    member = await ctx.active_member()
    prompt = await ctx.session.get(KpiPrompt, nothing.prompt_id)
    if prompt is None or prompt.organization_id != member.organization_id or prompt.step == KpiPromptStep.answered:
        raise StaleButton(nothing.prompt_id)
    kpi = await ctx.session.get(Kpi, prompt.kpi_id)
    await record_report(ctx.session, kpi=kpi, period=prompt.period, value=None, comment=None, member_id=member.id,
                        source_key=f"{ctx.event.webhook_event_id}:0", now=ctx.now())
    ctx.reply(m.text(T.KPI_NOTHING_TO_REPORT.format(name=kpi.name, period=period_label(prompt.period))))


@router.command(T.KPI)
async def show_kpis(ctx: Context) -> None:
    """KPI: each KPI of the member's agreements against its target, with a chart."""
    rows = await kpis_for(ctx.session, await ctx.active_member())
    if not rows:
        ctx.reply(await ctx.help(T.KPI_NONE_VISIBLE))
        return
    ctx.reply(*await summary_messages(ctx.session, rows, ctx.settings, ctx.settings.tz))


@router.command(T.KPI_REPORT)
async def ask_pending_reports(ctx: Context) -> None:
    """KPI報告: the prompts waiting for this member's organization, asked again (the answer is typed as after any prompt)."""
    member = await ctx.active_member()
    prompts = await pending_prompts(ctx.session, member.organization_id)
    if not prompts:
        ctx.reply(await ctx.help(T.KPI_REPORT_NONE))
        return
    items = [(await ctx.session.get(Kpi, prompt.kpi_id), prompt) for prompt in prompts]
    ctx.reply(await prompt_message(ctx.session, T.KPI_PROMPT_HEADER, items, ctx.settings.tz))
