"""`renkei intro`: introduction rounds, the question of the week, and the network they grow."""

import re
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.support import cli_actor, fail, load_settings, run, write_csv
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.audit import record
from db.intro_network import edge_rows, network_stats
from db.intros import DEFAULT_FOLLOWUP_DAYS, schedule, set_schedule, stop_schedule
from db.weekly_questions import MAX_QUESTION, clean_line
from handlers.intros.messages import call_off_announced, schedule_text, send_weekly_question, stats_text

intro_app = typer.Typer(help="Introductions between members (get-to-know-you exchanges).", no_args_is_help=True)

WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}
_DAYS = re.compile(r"^(\d{1,3})d?$")


def _days(value: str, option: str, low: int, high: int) -> int:
    match = _DAYS.match(value.strip().lower())
    if match is None or not low <= int(match.group(1)) <= high:
        fail(f"{option} must be a number of days from {low} to {high}, like 14d, not {value!r}")
    return int(match.group(1))


@intro_app.command("schedule")
def intro_schedule(
    every: Annotated[str | None, typer.Option("--every", help="Days between rounds, e.g. 14d.")] = None,
    weekday: Annotated[str | None, typer.Option("--weekday", help="mon, tue, wed, thu or fri.")] = None,
    at: Annotated[str | None, typer.Option("--time", help="Local time of day, e.g. 12:00.")] = None,
    followup: Annotated[str, typer.Option("--followup", help="Days after a round to ask whether the pairs "
                                                              "talked.")] = f"{DEFAULT_FOLLOWUP_DAYS}d",
    off: Annotated[bool, typer.Option("--off", help="Stop the rounds.")] = False,
) -> None:
    """Set when rounds happen (members hear a day ahead); without options, show the schedule."""
    settings = load_settings()
    now = datetime.now(UTC)
    if off:
        async def stop(session):
            stopped = await stop_schedule(session, now)
            await call_off_announced(session, now, settings.tz)  # the running service tells its members
            if stopped:
                await record(session, actor=cli_actor(), action="intro.schedule", now=now, target_kind="intro",
                             details={"stopped": True})
            return stopped

        stopped = run(stop)
        typer.echo("Introduction rounds stopped." if stopped else "Introduction rounds were not running.")
        return
    if every is None and weekday is None and at is None:
        row = run(schedule)
        if row is None or not row.active:
            typer.echo("Introduction rounds are off; set them with --every, --weekday and --time.")
        else:
            typer.echo(f"{schedule_text(row)}; next round {moment_label(row.next_round_at, settings.tz, now)}")
        return
    if every is None or weekday is None or at is None:
        fail("give --every, --weekday and --time together")
    days, followup_days = _days(every, "--every", 7, 364), _days(followup, "--followup", 1, 30)
    if days % 7:
        fail(f"--every must be whole weeks (7d, 14d, 28d ...), so that rounds stay on their weekday, not {every!r}")
    if weekday.strip().lower()[:3] not in WEEKDAYS:
        fail(f"--weekday must be one of {', '.join(WEEKDAYS)} (rounds are on business days), not {weekday!r}")
    try:
        local = time.fromisoformat(at.strip())
    except ValueError:
        fail(f"--time must be a time like 12:00, not {at!r}")

    async def work(session):
        await call_off_announced(session, now, settings.tz)
        row = await set_schedule(session, every_days=days, weekday=WEEKDAYS[weekday.strip().lower()[:3]],
                                 at=local.replace(second=0, microsecond=0), now=now, tz=settings.tz,
                                 followup_days=followup_days)
        await record(session, actor=cli_actor(), action="intro.schedule", now=now, target_kind="intro",
                     details={"every_days": days, "weekday": T.WEEKDAYS[WEEKDAYS[weekday.strip().lower()[:3]]],
                              "at": local.isoformat("minutes")})
        return row

    row = run(work)
    typer.echo(f"{schedule_text(row)}; next round {moment_label(row.next_round_at, settings.tz, now)} "
               f"(members hear a day ahead)")


@intro_app.command("stats")
def intro_stats() -> None:
    """Members, ties, cross-field ties, members without a tie, organizations bridging fields."""
    typer.echo(stats_text(run(network_stats)))


@intro_app.command("export")
def intro_export(
    fmt: Annotated[str, typer.Option("--format", help="csv")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", help="Write to this file instead of printing.")] = None,
) -> None:
    """Every introduction as an edge of the network (who, fields, whether they talked), as CSV."""
    if fmt != "csv":
        fail("--format must be csv")
    settings = load_settings()
    rows = run(edge_rows)
    columns = ["pair_id", "round_id", "introduced_at", "member_a_id", "member_a", "organization_a", "fields_a",
               "member_b_id", "member_b", "organization_b", "fields_b", "cross_field", "score", "outcome_a",
               "outcome_b", "tie", "tie_at", "line_ids_exchanged"]
    write_csv([{**row, **{key: row[key].astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
                          for key in ("introduced_at", "tie_at") if row[key]}} for row in rows], columns, output)


@intro_app.command("ask")
def intro_ask(
    text: Annotated[str | None, typer.Option(
        "--text", help=f"The question (one line, up to {MAX_QUESTION} characters); without it one is picked "
                       "from the bank.")] = None,
) -> None:
    """Send a question of the week (ひとこと); the answers go as one digest to those who answered."""
    settings = load_settings()
    if text is not None and clean_line(text, MAX_QUESTION) is None:
        fail(f"--text must be one line of 1 to {MAX_QUESTION} characters")

    async def work(session):
        question, _, count = await send_weekly_question(session, text=clean_line(text, MAX_QUESTION) if text else None,
                                                        now=datetime.now(UTC), tz=settings.tz)
        return question.id, question.text, count, question.digest_at

    question_id, asked, count, digest_at = run(work)
    typer.echo(f"Question {question_id} 「{asked}」 queued for {count} member(s); the running service sends it, "
               f"and the digest {moment_label(digest_at, settings.tz, datetime.now(UTC))}.")
    typer.echo(question_id)
