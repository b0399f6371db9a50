"""The `renkei` command: run the service and do the secretariat's operator tasks."""

import asyncio
import json
import secrets
from datetime import timedelta
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot import texts as T
from bot.clock import SystemClock
from bot.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import current_revision, head_revision, upgrade
from db.models import Invite, LineProfile, Member, Organization, OrgType

app = typer.Typer(help="Renkei: a LINE bot for regional partnerships.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
org_app = typer.Typer(help="Organizations in the partnership.", no_args_is_help=True)
invite_app = typer.Typer(help="Invite codes for registration.", no_args_is_help=True)
member_app = typer.Typer(help="Registered members.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(invite_app, name="invite")
app.add_typer(member_app, name="member")

# Invite codes avoid characters that are easy to misread (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


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
        revision = await current_revision(engine)
        if revision != head_revision():
            fail("the database schema is not up to date; run `renkei db upgrade` first")
        async with session_factory(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def run(work):
    settings = load_settings()
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
    name = name.strip()
    if not name:
        fail("the name is empty")

    async def work(session):
        if await session.scalar(select(Organization).where(Organization.name == name)):
            fail(f"an organization named {name!r} already exists")
        org = Organization(name=name, org_type=org_type.value, created_at=SystemClock().now())
        session.add(org)
        await session.flush()
        return org.id

    org_id = run(work)
    typer.echo(f"Added organization {org_id}: {name} ({org_type.value})")
    typer.echo(org_id)


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
        organization = await session.get(Organization, org)
        if organization is None:
            fail(f"no organization with id {org} (see `renkei org list`)")
        now = SystemClock().now()
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        session.add(Invite(code=code, organization_id=org, is_staff=staff, max_uses=uses, uses=0,
                           expires_at=now + timedelta(days=expires), created_at=now))
        return organization.name, code

    name, code = run(work)
    kind = "staff invite" if staff else "invite"
    typer.echo(f"Created {kind} for {name}: {uses} use(s), expires in {expires} day(s).")
    typer.echo(code)


@member_app.command("list")
def member_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List members with organization, fields, role and status."""
    async def work(session):
        rows = await session.execute(
            select(Member, LineProfile.display_name)
            .outerjoin(LineProfile, LineProfile.line_user_id == Member.line_user_id)
            .options(selectinload(Member.organization)).order_by(Member.id))
        return [{
            "id": member.id, "name": member.name, "display_name": display, "organization": member.organization.name,
            "organization_id": member.organization_id, "fields": member.fields or [], "role": member.role,
            "staff": member.is_staff, "area": member.area, "status": member.status,
            "registered_at": member.registered_at.isoformat(),
        } for member, display in rows]

    members = run(work)
    if as_json:
        typer.echo(json.dumps(members, ensure_ascii=False, indent=2))
        return
    if not members:
        typer.echo("No members yet.")
        return
    for row in members:
        role = T.ROLE_LABELS.get(row["role"], row["role"]) + ("・事務局" if row["staff"] else "")
        typer.echo(f"{row['id']}\t{row['name']}\t{row['organization']}\t{'、'.join(row['fields'])}\t{role}\t{row['status']}")
