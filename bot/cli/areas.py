"""`renkei area`: the list of areas (地区) members choose from, and mapping the areas typed before it."""

from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli.support import cli_actor, fail, run
from db.audit import record
from db.areas import AreaError, AreaExists, add_area, area_counts, map_free_text, remove_area

area_app = typer.Typer(help="Areas (地区) members choose at registration and notices can target.", no_args_is_help=True)


@area_app.command("add")
def area_add(names: list[str]) -> None:
    """Add one or more areas to the list (e.g. 北地区 中央地区)."""
    async def work(session):
        added, skipped = [], []
        for name in names:
            try:
                area = await add_area(session, name, datetime.now(UTC))
                added.append(area.name)
                await record(session, actor=cli_actor(), action="area.create", now=area.created_at,
                             target_kind="area", target_id=area.id, target_label=area.name)
            except AreaExists as exc:
                skipped.append(f"{name} (listed as {exc})")
        return added, skipped

    try:
        added, skipped = run(work)
    except AreaError as exc:
        fail(str(exc))
    for name in added:
        typer.echo(f"Added area {name}")
    for line in skipped:
        typer.echo(f"Already listed: {line}")


@area_app.command("list")
def area_list() -> None:
    """The areas with the number of active members in each."""
    rows = run(area_counts)
    if not rows:
        typer.echo("No areas yet; add them with: renkei area add 北地区 中央地区")
        return
    for area, count in rows:
        typer.echo(f"{area.name}\t{count} member(s)")


@area_app.command("remove")
def area_remove(name: str) -> None:
    """Remove an area from the list and from the members who chose it."""
    async def work(session):
        had = await remove_area(session, name)
        await record(session, actor=cli_actor(), action="area.remove", now=datetime.now(UTC), target_kind="area",
                     target_label=name.strip(), details={"members": had})
        return had

    try:
        had = run(work)
    except AreaError as exc:
        fail(str(exc))
    typer.echo(f"Removed area {name}; {had} member(s) had chosen it.")


@area_app.command("map")
def area_map(create: Annotated[bool, typer.Option("--create", help="List each area that is typed but not listed.")] = False,
             dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; change nothing.")] = False) -> None:
    """Link members whose area was typed as text (北地区・中央地区) to the listed areas it names."""
    async def work(session):
        return await map_free_text(session, datetime.now(UTC), create=create, dry_run=dry_run)

    report = run(work)
    verb = "would link" if dry_run else "linked"
    typer.echo(f"{report.members} member(s) with a typed area: {verb} {report.linked} member-area pair(s).")
    if report.created:
        typer.echo(f"{'Would add' if dry_run else 'Added'} area(s): {'、'.join(report.created)}")
    for row in report.unmapped:
        missing = "、".join(row.parts) if row.parts else "no area named"
        typer.echo(f"Not mapped: member {row.member_id} {row.name}: {row.typed!r} ({missing})")
    if report.unmapped:
        typer.echo("Add the missing areas (renkei area add) and run renkei area map again.")
