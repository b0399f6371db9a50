"""`renkei member handover`: a contact role passed to a successor from the command line, and undone."""

import asyncio
import getpass
import socket
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli.checks import _send_now
from bot.cli.commands import member_app
from bot.cli.support import fail, load_settings, run
from db.audit import Actor, Door
from db.handovers import HandoverError, start, undo
from db.models import Member
from handlers.handover.messages import queue_completion, queue_undone


def _operator() -> Actor:
    return Actor(door=Door.cli, label=getpass.getuser(), origin=socket.gethostname())


def _hand_to_line(ids: list[int]) -> None:
    settings = load_settings()
    if not ids:
        return
    if settings.missing_line_credentials():
        typer.echo("The running service sends the messages (LINE credentials are not set here).")
    else:
        asyncio.run(_send_now(settings, ids))
        typer.echo("Messages handed to LINE.")


@member_app.command("handover")
def member_handover(
    member: Annotated[int, typer.Option("--member", help="Id of the departing primary or deputy contact.")],
    to: Annotated[int | None, typer.Option("--to", help="Id of the successor, a member of the same organization.")] = None,
    invite: Annotated[bool, typer.Option("--invite", help="The successor is not registered yet: issue a handover "
                                                          "invite; the handover completes when they register.")] = False,
) -> None:
    """Hand a contact role over to a successor, with everything waiting on the departing member."""
    if (to is None) == (not invite):
        fail("give either --to ID or --invite")
    settings = load_settings()

    async def work(session):
        now = datetime.now(UTC)
        try:
            handover, code, moved = await start(session, member_id=member, successor_id=to, actor=_operator(), now=now)
        except HandoverError as exc:
            fail(str(exc))
        if code is not None:
            return handover.id, code.code, None, []
        rows = await queue_completion(session, moved, settings, now)
        await session.flush()
        successor = await session.get(Member, handover.to_member_id)
        return handover.id, None, f"{successor.name} (moved {moved.count} waiting item(s))", [r.id for r in rows]

    handover_id, code, done, ids = run(work)
    if code is not None:
        typer.echo(f"Handover {handover_id} waits for its successor: pass on this invite code (valid 14 days).")
        typer.echo(code)
        return
    typer.echo(f"Handover {handover_id} completed: the role is now {done}.")
    _hand_to_line(ids)


@member_app.command("handover-undo")
def member_handover_undo(
    handover: Annotated[int, typer.Option("--handover", help="Id of a handover completed within the last day.")],
) -> None:
    """Undo a handover within a day: the role and the moved items go back, and everyone concerned is told."""
    async def work(session):
        now = datetime.now(UTC)
        try:
            done = await undo(session, handover_id=handover, actor=_operator(), actor_member=None, now=now)
        except HandoverError as exc:
            fail(str(exc))
        rows = await queue_undone(session, done, now)
        await session.flush()
        return [r.id for r in rows]

    ids = run(work)
    typer.echo(f"Handover {handover} undone.")
    _hand_to_line(ids)
