"""`renkei check`: disaster-time contact checks from the command line."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from bot.cli.support import cli_actor, fail, load_settings, run, write_csv
from bot.clock import SystemClock
from bot.settings import Settings
from db.contact_checks import (
    ANSWERS,
    CheckError,
    close_check,
    export_rows,
    latest_check,
    open_checks,
    record_answer,
    set_answer_details,
    start_check,
    summarize,
)
from db.audit import record
from db.engine import create_engine, session_factory
from db.models import ContactCheck, Member
from db.segments import SEGMENT_HELP, Segment, SegmentError
from handlers.contact_checks.views import org_table_text, silent_text, summary_text
from handlers.contact_checks.messages import queue_questions, tell_staff_started
from handlers.segments import describe_segment

check_app = typer.Typer(help="Disaster-time contact checks (安否確認).", no_args_is_help=True)


def _local(moment: datetime | None, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if moment else ""


async def _send_now(settings: Settings, ids: list[int]) -> None:
    """Hand the questions to LINE from here; the running service's sweep would too (the claim decides)."""
    from bot.line.gateway import LineGateway

    engine = create_engine(settings.database_url)
    gateway = LineGateway(settings=settings, sessions=session_factory(engine), clock=SystemClock())
    await gateway.start(sweep=False)
    try:
        await gateway.deliver(ids)
    finally:
        await gateway.close()
        await engine.dispose()


@check_app.command("start")
def check_start(
    to: Annotated[str, typer.Option("--to", help=f"Who to ask: {SEGMENT_HELP}.")] = "all",
    drill: Annotated[bool, typer.Option("--drill", help="A drill (訓練): marked as such to everyone.")] = False,
    message: Annotated[str | None, typer.Option("--message", help="Shown above the answer buttons.")] = None,
) -> None:
    """Start a contact check now: every targeted member is asked at once, at any hour."""
    settings = load_settings()
    try:
        segment = Segment.parse(to)
    except SegmentError as exc:
        fail(str(exc))

    async def work(session):
        await segment.check(session)
        now = datetime.now(UTC)
        started = await start_check(session, segment=segment, drill=drill, now=now, source="cli",
                                    message=(message or "").strip() or None,
                                    reask_minutes=settings.check_reask_minutes, max_reasks=settings.check_max_reasks)
        rows = queue_questions(session, started.check, started.asked, now)
        if started.created:
            rows += await tell_staff_started(session, started.check, len(started.asked), now)
            await record(session, actor=cli_actor(), action="check.start", now=now, target_kind="check",
                         target_id=started.check.id, target_label=f"#{started.check.id}",
                         details={"segment": segment.spec, "drill": drill, "recipients": len(started.asked)})
        await session.flush()
        return started.check.id, started.check.started_at, started.created, len(started.asked), [r.id for r in rows]

    try:
        check_id, started_at, created, asked, ids = run(work)
    except (SegmentError, CheckError) as exc:
        fail(str(exc))
    if not created:
        typer.echo(f"A contact check for {segment.spec} is already running since {_local(started_at, settings)}; "
                   "no second one was started.")
    else:
        kind = "drill" if drill else "real"
        typer.echo(f"Contact check {check_id} ({kind}, {segment.spec}) started: {asked} member(s) asked.")
        if settings.missing_line_credentials():
            typer.echo("The running service sends the questions (LINE credentials are not set here).")
        else:
            asyncio.run(_send_now(settings, ids))
            typer.echo("Questions handed to LINE.")
    typer.echo(check_id)


async def _check_or_fail(session, check_id: int | None) -> ContactCheck:
    if check_id is None:
        running = await open_checks(session)
        check = running[0] if running else await latest_check(session)
        if check is None:
            fail("no contact check yet")
        return check
    check = await session.get(ContactCheck, check_id)
    if check is None:
        fail(f"no contact check with id {check_id}")
    return check


@check_app.command("status")
def check_status(check_id: Annotated[int | None, typer.Argument(help="Default: the running (or latest) check.")] = None
                 ) -> None:
    """Counts per answer, organizations answered and silent, what is offered."""
    settings = load_settings()

    async def work(session):
        summary = await summarize(session, await _check_or_fail(session, check_id))
        label = await describe_segment(session, Segment.parse(summary.check.segment))
        return "\n".join([summary_text(summary, label, datetime.now(UTC), settings.tz, need_limit=None),
                          silent_text(summary, limit=None), org_table_text(summary, limit=None)])

    typer.echo(run(work))


@check_app.command("list")
def check_list() -> None:
    """Every contact check, newest first."""
    settings = load_settings()

    async def work(session):
        return list(await session.scalars(select(ContactCheck).order_by(ContactCheck.started_at.desc())))

    for check in run(work):
        typer.echo(f"{check.id}\t{_local(check.started_at, settings)}\t{'drill' if check.drill else 'real'}\t"
                   f"{check.segment}\t{check.status}")


@check_app.command("answer")
def check_answer(
    check_id: int,
    member: Annotated[int, typer.Option("--member", help="The member's id (renkei member list).")],
    status: Annotated[str, typer.Option("--status", help=f"One of: {', '.join(ANSWERS)}.")],
    provide: Annotated[str | None, typer.Option("--provide", help="What the organization can provide: supplies, "
                                                "shelter, transport, people or none, separated by commas.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A short note.")] = None,
) -> None:
    """Record an answer received by phone, on the member's behalf (marked as entered by staff)."""
    if status not in ANSWERS:
        fail(f"--status must be one of {', '.join(ANSWERS)}")
    provisions = [p.strip() for p in provide.split(",") if p.strip()] if provide is not None else None

    async def work(session):
        now = datetime.now(UTC)
        done = await record_answer(session, check_id=check_id, member_id=member, status=status, now=now,
                                   source_key=f"cli:{check_id}:{member}:{now.isoformat()}", by_proxy=True)
        if done is None:
            fail(f"member {member} is not asked in contact check {check_id}")
        await set_answer_details(session, check_id=check_id, member_id=member, provisions=provisions, note=note)
        who = await session.get(Member, member)
        await record(session, actor=cli_actor(), action="check.proxy_answer", now=now, target_kind="member",
                     target_id=member, target_label=who.name if who else None,
                     details={"check": check_id, "status": status})
        return done.late

    try:
        late = run(work)
    except CheckError as exc:
        fail(str(exc))
    typer.echo(f"Recorded for member {member}: {status}" + (" (after the check was closed)" if late else "") + ".")


@check_app.command("close")
def check_close(check_id: int) -> None:
    """Close a check: re-asks stop; answers that still come are stored, marked late."""
    async def work(session):
        now = datetime.now(UTC)
        closed = await close_check(session, check_id, now)
        if closed:
            await record(session, actor=cli_actor(), action="check.close", now=now, target_kind="check",
                         target_id=check_id, target_label=f"#{check_id}")
        return closed

    if not run(work):
        fail(f"contact check {check_id} does not exist or is already closed")
    typer.echo(f"Contact check {check_id} closed.")


@check_app.command("export")
def check_export(
    check_id: int,
    fmt: Annotated[str, typer.Option("--format", help="csv")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", help="Write to this file instead of printing.")] = None,
) -> None:
    """Every member of a check with their first and latest answer, as CSV."""
    if fmt != "csv":
        fail("--format must be csv")
    settings = load_settings()

    async def work(session):
        await _check_or_fail(session, check_id)
        rows = await export_rows(session, check_id)
        await record(session, actor=cli_actor(), action="check.export", now=datetime.now(UTC), target_kind="check",
                     target_id=check_id, target_label=f"#{check_id}", details={"rows": len(rows)})
        return rows

    rows = run(work)
    columns = ["organization", "member_id", "member", "role", "asked", "first_status", "first_answered_at", "status",
               "answered_at", "answers", "by_proxy", "late", "provisions", "note"]
    write_csv([{**row, "first_answered_at": _local(row["first_answered_at"], settings),
                "answered_at": _local(row["answered_at"], settings)} for row in rows], columns, output)
    if output:
        typer.echo(f"{len(rows)} row(s) written to {output}")
