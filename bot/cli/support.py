"""What every `renkei` command shares: failing with one clear line, settings, a database session."""

import asyncio
import csv
import getpass
import socket
import sys
from pathlib import Path

import typer
from pydantic import ValidationError

from bot.settings import Settings
from db.rules.business_days import close_year_end
from db.access import DataError
from db.audit import Actor, Door
from db.engine import create_engine, session_factory
from db.migrate import current_revision, head_revision, upgrade


def fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        # A check of several settings together (a placeholder secret) names its variable itself.
        fail(f"{str(error['loc'][0]).upper()}: {error['msg']}" if error["loc"] else error["msg"])
    close_year_end(settings.year_end)
    return settings


async def with_session(settings: Settings, work):
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
    return asyncio.run(with_session(settings, work))


def write_csv(rows: list[dict], columns: list[str], output: Path | None) -> None:
    """Rows as CSV on stdout, or in a file that starts with a byte-order mark so that spreadsheet
    programs read the Japanese right."""
    handle = output.open("w", newline="", encoding="utf-8-sig") if output else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if output:
            handle.close()


def cli_actor() -> Actor:
    """Who acts from the command line, for the audit log: the server account and the host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a bare container)
        user = "?"
    host = socket.gethostname()
    return Actor(door=Door.cli, label=f"{user}@{host}", origin=host)
