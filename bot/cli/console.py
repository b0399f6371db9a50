"""The web console from the server: a sign-in link for a staff member's first sign-in."""

from typing import Annotated

import typer

from bot.clock import SystemClock
from bot.cli.support import cli_actor, fail, load_settings, run
from db.access import DataError
from db.console import LINK_TTL, issue_link, link_url
from db.models import Member

console_app = typer.Typer(help="The secretariat's web console.", no_args_is_help=True)
# Where `renkei serve` listens by default, for local mode without PUBLIC_BASE_URL.
LOCAL_ADDRESS = "http://127.0.0.1:8000"


@console_app.command("link")
def console_link(member_id: Annotated[int, typer.Option("--member", help="The staff member's id "
                                                                          "(see `renkei member list`).")]) -> None:
    """Print a one-time sign-in link to the console (valid 10 minutes); only active staff get one."""
    settings = load_settings()
    base = settings.public_base_url or (LOCAL_ADDRESS if settings.local_mode else None)
    if not base:
        fail("PUBLIC_BASE_URL is not set: the link needs the address where Renkei is reachable")

    async def work(session):
        member = await session.get(Member, member_id)
        if member is None:
            raise DataError(f"no member with id {member_id} (see `renkei member list`)")
        return member.name, await issue_link(session, member=member, actor=cli_actor(), now=SystemClock().now())

    name, token = run(work)
    minutes = int(LINK_TTL.total_seconds() // 60)
    typer.echo(f"Sign-in link for {name}, usable once within {minutes} minutes:")
    typer.echo(link_url(base, token))
