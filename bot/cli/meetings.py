"""`renkei meeting`: meeting polls (日程調整) from the command line."""

from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy import select

from bot.cli.support import cli_actor, fail, load_settings, run
from bot.texts.formats import span_label
from db.audit import record
from db.meetings import MAX_SLOTS, MeetingError, cancel, create_meeting, parse_slot, slot_flags, tally
from db.models import Meeting, Member
from db.segments import SEGMENT_HELP, Segment, SegmentError
from handlers.meetings.messages import cancelled_text, send_poll, tally_text, tell_invitees

meeting_app = typer.Typer(help="Meeting polls (日程調整).", no_args_is_help=True)


@meeting_app.command("create")
def meeting_create(
    title: Annotated[str, typer.Option("--title", help="The meeting's name.")],
    slots: Annotated[list[str], typer.Option("--slot", help=f"A candidate like '12/3 14:00-15:30' or "
                                             f"'2026-12-03 14:00-15:30' (local time); repeat, up to {MAX_SLOTS}.")],
    to: Annotated[str, typer.Option("--to", help=f"Who is invited: {SEGMENT_HELP}.")],
    deadline: Annotated[str, typer.Option("--deadline", help="When answering closes, '2026-12-01 18:00' (local).")],
    organizer: Annotated[int | None, typer.Option("--organizer", help="The member id who confirms the slot; "
                                                  "without one the best slot is decided at the deadline.")] = None,
) -> None:
    """Send a poll: each invitee answers ○/△/× per slot in LINE until the deadline."""
    settings = load_settings()
    now = datetime.now(UTC)
    try:
        segment = Segment.parse(to)
        candidates = [parse_slot(slot, now, settings.tz) for slot in slots]
        closes = datetime.fromisoformat(deadline.strip().replace(" ", "T", 1))
    except (SegmentError, MeetingError) as exc:
        fail(str(exc))
    except ValueError:
        fail(f"--deadline must be a time like '2026-12-01 18:00', not {deadline!r}")
    closes = closes if closes.tzinfo else closes.replace(tzinfo=settings.tz)

    async def work(session):
        await segment.check(session)
        if organizer is not None and await session.get(Member, organizer) is None:
            fail(f"no member with id {organizer}")
        meeting, invited = await create_meeting(session, title=title, slots=candidates, segment=segment,
                                                deadline=closes, now=now, organizer_id=organizer)
        await send_poll(session, meeting, invited, now, settings.tz)
        return meeting.id, len(invited)

    try:
        meeting_id, count = run(work)
    except (SegmentError, MeetingError) as exc:
        fail(str(exc))
    for start, end in candidates:
        flags = slot_flags(start, end, settings.tz)
        typer.echo(f"  {span_label(start, end, settings.tz, now)}" + (f"  ({', '.join(flags)})" if flags else ""))
    typer.echo(f"Poll {meeting_id} sent to {count} member(s); the running service sends it.")
    typer.echo(meeting_id)


@meeting_app.command("list")
def meeting_list() -> None:
    """Meetings with their status and, once decided, their time."""
    settings = load_settings()

    async def work(session):
        return list(await session.scalars(select(Meeting).order_by(Meeting.id.desc())))

    for meeting in run(work):
        when = span_label(meeting.starts_at, meeting.ends_at, settings.tz, datetime.now(UTC)) if meeting.starts_at else "-"
        typer.echo(f"{meeting.id}\t{meeting.status}\t{when}\t{meeting.title}")


@meeting_app.command("status")
def meeting_status(meeting_id: int) -> None:
    """The tally of a poll: ○ △ × per slot and how many answered."""
    settings = load_settings()

    async def work(session):
        meeting = await session.get(Meeting, meeting_id)
        if meeting is None:
            fail(f"no meeting with id {meeting_id}")
        return meeting.status, tally_text(await tally(session, meeting), settings.tz, datetime.now(UTC))

    status, text = run(work)
    typer.echo(f"status: {status}\n{text}")


@meeting_app.command("cancel")
def meeting_cancel(meeting_id: int) -> None:
    """Cancel a poll or a decided meeting; everyone invited is told once."""
    settings = load_settings()

    async def work(session):
        now = datetime.now(UTC)
        meeting = await session.get(Meeting, meeting_id)
        text = cancelled_text(meeting, settings.tz, now) if meeting else ""
        if meeting is None or not await cancel(session, meeting_id, now):
            fail(f"meeting {meeting_id} does not exist or is already cancelled")
        await record(session, actor=cli_actor(), action="meeting.cancel", now=now, target_kind="meeting",
                     target_id=meeting.id, target_label=meeting.title)
        _, count = await tell_invitees(session, meeting, text, now)
        return count

    count = run(work)
    typer.echo(f"Meeting {meeting_id} cancelled; {count} member(s) will be told by the running service.")
