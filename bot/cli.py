"""The `renkei` command: run the service and do the secretariat's operator tasks."""

import asyncio
import json
import logging
from datetime import timedelta
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy import select

from bot import texts as T
from bot.clock import SystemClock
from bot.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import current_revision, head_revision, upgrade
from db.access import DataError, create_invite, create_organization, list_members
from db.models import Organization, OrgType

app = typer.Typer(help="Renkei: a LINE bot for regional partnerships.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
org_app = typer.Typer(help="Organizations in the partnership.", no_args_is_help=True)
invite_app = typer.Typer(help="Invite codes for registration.", no_args_is_help=True)
member_app = typer.Typer(help="Registered members.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(invite_app, name="invite")
app.add_typer(member_app, name="member")

def fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        fail(f"{str(error['loc'][0]).upper()}: {error['msg']}")


async def _with_session(settings: Settings, work):
    engine = create_engine(settings.database_url)
    try:
        if await current_revision(engine) != head_revision():
            fail("the database schema is not up to date; run `renkei db upgrade` first")
        async with session_factory(engine)() as session, session.begin():
            return await work(session)
    except DataError as exc:
        fail(str(exc))
    finally:
        await engine.dispose()


def run(work):
    settings = load_settings()
    if settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)  # the embedded database needs no separate set-up step
    return asyncio.run(_with_session(settings, work))


@app.command()
def serve(host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000) -> None:
    """Run the webhook service."""
    import uvicorn

    from bot.app import create_app

    settings = load_settings()
    missing = settings.missing_line_credentials()
    if missing:
        fail(f"{missing[0]} is not set (see README: connecting a LINE channel)")
    if settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)
    elif asyncio.run(_revision_is_head(settings)) is False:
        fail("the database schema is not up to date; run `renkei db upgrade` first")
    # Access logs stay off: request lines carry LINE user ids in profile lookups' paths.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=False)


async def _revision_is_head(settings: Settings) -> bool:
    engine = create_engine(settings.database_url)
    try:
        return await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the schema migrations to DATABASE_URL."""
    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo(f"Database is at revision {head_revision()}.")


@org_app.command("add")
def org_add(name: str,
            org_type: Annotated[OrgType, typer.Option("--type", help="Kind of organization.")]) -> None:
    """Add an organization and print its id."""
    async def work(session):
        return await create_organization(session, name=name, org_type=org_type, now=SystemClock().now())

    org = run(work)
    typer.echo(f"Added organization {org.id}: {org.name} ({org.org_type})")
    typer.echo(org.id)


@org_app.command("list")
def org_list() -> None:
    """List organizations."""
    async def work(session):
        return list(await session.scalars(select(Organization).order_by(Organization.id)))

    for org in run(work):
        typer.echo(f"{org.id}\t{org.org_type}\t{org.name}")


@invite_app.command("create")
def invite_create(
    org: Annotated[int, typer.Option("--org", help="Organization id the invite binds members to.")],
    staff: Annotated[bool, typer.Option("--staff", help="Members who use it become secretariat staff.")] = False,
    uses: Annotated[int, typer.Option("--uses", min=1, max=1000, help="How many people may use it.")] = 1,
    expires: Annotated[int, typer.Option("--expires", min=1, max=365, help="Days until it expires.")] = 14,
) -> None:
    """Create an invite code; the code alone is printed on the last line."""
    async def work(session):
        invite = await create_invite(session, organization_id=org, now=SystemClock().now(), is_staff=staff,
                                     max_uses=uses, valid_for=timedelta(days=expires))
        return (await session.get(Organization, org)).name, invite.code

    name, code = run(work)
    kind = "staff invite" if staff else "invite"
    typer.echo(f"Created {kind} for {name}: {uses} use(s), expires in {expires} day(s).")
    typer.echo(code)


@member_app.command("list")
def member_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List members with organization, fields, role and status."""
    members = run(list_members)
    if as_json:
        typer.echo(json.dumps(members, ensure_ascii=False, indent=2))
        return
    if not members:
        typer.echo("No members yet.")
        return
    for row in members:
        role = T.ROLE_LABELS.get(row["role"], row["role"]) + ("・事務局" if row["staff"] else "")
        typer.echo("\t".join([str(row["id"]), row["name"], row["organization"], "、".join(row["fields"]), role,
                              row["status"]]))
