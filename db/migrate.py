"""Alembic, driven from code so that an installed `renkei` needs no alembic.ini.

Alembic (and the template engine it brings) is imported by each call, not by every process
that imports this module.
"""

import re
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import async_url, create_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(database_url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", async_url(database_url).render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (blocking; call outside a running event loop)."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


_REVISION = re.compile(r"^(down_revision|revision)\b[^=]*=\s*(?:['\"]([^'\"]*)['\"]|None)", re.MULTILINE)


def head_revision() -> str:
    """The newest migration, read from the files themselves (a process that is up to date never
    imports alembic); alembic decides when the files are not one plain chain."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((name, value) for name, value in _REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            return _alembic_head()
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else _alembic_head()


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        if not await conn.run_sync(lambda sync: inspect(sync).has_table("alembic_version")):
            return None
        versions = list(await conn.scalars(text("SELECT version_num FROM alembic_version")))
    if len(versions) > 1:
        raise RuntimeError(f"the database is at several revisions at once: {', '.join(versions)}")
    return versions[0] if versions else None


async def is_current(database_url: str) -> bool:
    """Whether the database's schema is at the newest migration."""
    engine = create_engine(database_url)
    try:
        return await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()
