"""Fixtures: a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL), the fake LINE
platform over real HTTP, a hand-moved clock, the real app receiving signed webhooks, and the
network cut off beyond this machine."""

import os
import shutil
import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli import app as cli_app
from bot.clock import ManualClock
from bot.fakeline.server import FakeLine
from db.engine import create_engine
from db.migrate import upgrade
from db.models import Base
from tests import network
from tests.harness import BotHarness, ACCESS_TOKEN

# 10:00 in Tokyo on a Tuesday: outside quiet hours.
START = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def network_cut_off():
    """For the whole run, only this machine can be reached (tests/network.py)."""
    with network.cut_off():
        yield


@pytest.fixture(autouse=True)
def stays_on_this_machine(network_cut_off):
    """A test that tried to reach another host fails, even where the app only logged the refusal."""
    yield
    refused = network.take_refusals()
    assert not refused, "the test tried to leave this machine:\n" + "\n".join(refused)


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session")
def postgres_url():
    """A database of this run's own on the server named by TEST_DATABASE_URL, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"renkei_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_plain(base), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    yield url
    with psycopg.connect(_plain(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "renkei.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
async def database_url(postgres_url, sqlite_template, tmp_path):
    """An empty, migrated database for one test."""
    if postgres_url is None:
        path = tmp_path / "renkei.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    engine = create_engine(postgres_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    yield postgres_url


@pytest.fixture(scope="session")
def fake_line_server():
    with FakeLine(access_token=ACCESS_TOKEN) as line:
        yield line


@pytest.fixture
def fake_line(fake_line_server, clock):
    """The fake platform, emptied, holding requests (hang_next) on the test's clock; every test ends
    by checking what the bot sent against LINE's schema."""
    fake_line_server.reset()
    fake_line_server.clock = clock
    yield fake_line_server
    errors = fake_line_server.schema_errors()
    fake_line_server.reset()
    assert not errors, f"the bot sent requests that do not match LINE's OpenAPI schema: {errors}"


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
async def bot(database_url, fake_line, clock):
    """The real app, started, with its LINE calls going to the fake platform."""
    async with BotHarness(database_url=database_url, line=fake_line, clock=clock) as harness:
        yield harness


@pytest.fixture
def renkei(database_url, monkeypatch, tmp_path):
    """Run a `renkei` command as an operator would, against the test database."""
    monkeypatch.chdir(tmp_path)  # away from any developer's .env

    def run(*args: str, **env: str):
        environment = {"DATABASE_URL": database_url, "LINE_CHANNEL_SECRET": "", "LINE_CHANNEL_ACCESS_TOKEN": ""}
        environment.update(env)
        return CliRunner().invoke(cli_app, list(args), env=environment)

    return run
