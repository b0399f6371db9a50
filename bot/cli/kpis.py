"""`renkei kpi`: KPI definitions and the export of every report."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from bot.cli.support import cli_actor, fail, load_settings, run, write_csv
from db.rules.kpi_numbers import NotANumber, format_value, parse_value
from db.audit import record
from db.kpis import KpiError, archive_kpi, create_kpi, export_rows, first_prompt_at, series
from db.models import Agreement, Kpi, KpiCadence, KpiTargetKind, Organization

kpi_app = typer.Typer(help="KPIs of the partnership agreements.", no_args_is_help=True)

COLUMNS = ["agreement", "kpi_id", "kpi", "unit", "target", "organization", "period", "value", "comment", "reported_by",
           "reported_at", "replaced_at"]


@kpi_app.command("add")
def kpi_add(
    name: str,
    agreement: Annotated[int, typer.Option("--agreement", help="The agreement id the KPI belongs to.")],
    org: Annotated[int, typer.Option("--org", help="The organization id that reports it (a party to the agreement).")],
    target: Annotated[str, typer.Option("--target", help="The target value, e.g. 500 or 1.2万.")],
    target_date: Annotated[str, typer.Option("--target-date", help="When the target should be reached, 2027-03-31.")],
    cadence: Annotated[KpiCadence, typer.Option("--cadence", help="monthly, quarterly, or dates (one-off dates).")],
    kind: Annotated[KpiTargetKind, typer.Option("--kind", help="total: the periods' values add up to the target "
                                                "over the term; level: each period's value should reach it.")]
    = KpiTargetKind.level,
    unit: Annotated[str, typer.Option("--unit", help="The unit shown after values, e.g. 人 or %.")] = "",
    dates: Annotated[list[str] | None, typer.Option("--date", help="A report date for --cadence dates; repeat.")] = None,
) -> None:
    """Add a KPI; when each period closes, the organization's primary contact is asked for the value."""
    try:
        target_value = parse_value(target).value
        goal = date.fromisoformat(target_date)
        due = [date.fromisoformat(d) for d in dates or []]
    except NotANumber:
        fail(f"--target must be a number, not {target!r}")
    except ValueError as exc:
        fail(f"dates must look like 2027-03-31 ({exc})")

    async def work(session):
        kpi = await create_kpi(session, agreement_id=agreement, organization_id=org, name=name, unit=unit,
                               target_value=target_value, target_date=goal, cadence=cadence, due_dates=due,
                               now=datetime.now(UTC), target_kind=kind)
        organization = await session.get(Organization, org)
        await record(session, actor=cli_actor(), action="kpi.create", now=kpi.created_at, target_kind="kpi",
                     target_id=kpi.id, target_label=f"{organization.name} {kpi.name}")
        return kpi.id, first_prompt_at(kpi, kpi.created_at, settings.tz)

    settings = load_settings()
    try:
        kpi_id, first = run(work)
    except KpiError as exc:
        fail(str(exc))
    typer.echo(f"KPI {kpi_id} added; the first report is asked for on {first.astimezone(settings.tz):%Y-%m-%d %H:%M}.")
    typer.echo(kpi_id)


@kpi_app.command("kind")
def kpi_kind(kpi_id: int, kind: KpiTargetKind) -> None:
    """Say whether a KPI's target is a total over its term or a level each period should reach."""
    async def work(session):
        kpi = await session.get(Kpi, kpi_id)
        if kpi is None:
            fail(f"no KPI with id {kpi_id}")
        kpi.target_kind = kind
        return kpi.name

    name = run(work)
    typer.echo(f"KPI {kpi_id} {name}: the target is now a {kind.value}.")


@kpi_app.command("list")
def kpi_list(archived: Annotated[bool, typer.Option("--archived", help="Include archived KPIs.")] = False) -> None:
    """KPIs with their agreement, reporting organization, target and latest value."""
    async def work(session):
        query = (select(Kpi, Agreement.name, Organization.name).join(Agreement, Agreement.id == Kpi.agreement_id)
                 .join(Organization, Organization.id == Kpi.organization_id).order_by(Kpi.id))
        out = []
        for kpi, agreement, org in await session.execute(query):
            if kpi.status == "archived" and not archived:
                continue
            valued = [r for r in await series(session, kpi.id) if r.value is not None]
            latest = f"{format_value(valued[-1].value, kpi.unit)} ({valued[-1].period})" if valued else "-"
            out.append(f"{kpi.id}\t{kpi.status}\t{agreement}\t{org}\t{kpi.name}\t{kpi.cadence}\t"
                       f"target {format_value(kpi.target_value, kpi.unit)} by {kpi.target_date}\tlatest {latest}")
        return out

    for line in run(work):
        typer.echo(line)


@kpi_app.command("archive")
def kpi_archive(kpi_id: int) -> None:
    """Stop asking for a KPI; its reports are kept and still exported."""
    async def work(session):
        now = datetime.now(UTC)
        kpi = await archive_kpi(session, kpi_id, now)
        await record(session, actor=cli_actor(), action="kpi.archive", now=now, target_kind="kpi", target_id=kpi.id,
                     target_label=kpi.name)
        return kpi.name

    try:
        name = run(work)
    except KpiError as exc:
        fail(str(exc))
    typer.echo(f"KPI {kpi_id} ({name}) archived.")


TEXT_COLUMNS = ("agreement", "kpi", "unit", "organization", "comment", "reported_by")


def _inert(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(moment: datetime | None, tz) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


@kpi_app.command("export")
def kpi_export(
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx.")],
    agreement: Annotated[int | None, typer.Option("--agreement", help="Only this agreement's KPIs.")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="The file to write (required for xlsx).")] = None,
) -> None:
    """Every report, corrections included (replaced_at set), with its period, value, reporter and time."""
    if fmt not in ("csv", "xlsx"):
        fail("--format must be csv or xlsx")
    if fmt == "xlsx" and output is None:
        fail("--format xlsx needs --output FILE")
    settings = load_settings()
    rows = [{**row, **{column: _inert(row[column]) for column in TEXT_COLUMNS},
             "reported_at": _local(row["reported_at"], settings.tz), "replaced_at": _local(row["replaced_at"], settings.tz)}
            for row in run(lambda session: export_rows(session, agreement))]
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "KPI"
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append([row[column] for column in COLUMNS])
        book.save(output)
    else:
        write_csv(rows, COLUMNS, output)
    if output:
        typer.echo(f"{len(rows)} report(s) written to {output}")
