"""A database of a test's own, for migrations run from an older revision."""

import os
import uuid

import psycopg
import pytest
import sqlalchemy as sa


@pytest.fixture
def fresh_url(tmp_path):
    """A database of its own, empty (the shared test databases are already at the head)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"renkei_mig_{uuid.uuid4().hex[:12]}"
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_engine(fresh_url):
    """A plain (not async) engine on it, for setting the scene between migrations."""
    engine = sa.create_engine(fresh_url)
    yield engine
    engine.dispose()
