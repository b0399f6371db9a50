"""Migration 0009_areas on real-looking data: today's free-text areas become the list and the links,
and what could not be mapped stays as typed and is reported."""

import logging
import os
import uuid

import psycopg
import pytest
import sqlalchemy as sa

from db.migrate import upgrade

TYPED = {  # what members typed, as they typed it
    "U1": "北地区",
    "U2": "北地区・中央地区",
    "U3": "中央",                 # 中央地区 without its suffix
    "U4": "南地区／東地区",
    "U5": "ＮＥ地区、 北地区",      # full-width, a stray space
    "U6": "未定",                 # names no area
    "U7": None,
    "U8": "東地区,西地区 北地区",
    "U9": "市内のどこでも対応できますが主に北側の地域が中心になります",  # a sentence, not a name
}


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


def sync_engine(url: str) -> sa.Engine:
    return sa.create_engine(url if url.startswith("postgresql+psycopg") else url.replace("sqlite+aiosqlite", "sqlite"))


def test_typed_areas_become_the_list_and_the_links(fresh_url, caplog):
    upgrade(fresh_url, "0008")
    engine = sync_engine(fresh_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO organizations (id, name, org_type, created_at) "
                                 "VALUES (1, 'NPO', 'npo', CURRENT_TIMESTAMP)"))
            for i, (user, area) in enumerate(TYPED.items(), 1):
                conn.execute(sa.text(
                    "INSERT INTO members (id, line_user_id, organization_id, name, fields, role, is_staff, area, needs, "
                    "offers, status, registered_at, updated_at) VALUES (:id, :user, 1, :name, '[]', 'primary', false, "
                    ":area, '[]', '[]', 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                    {"id": i, "user": user, "name": f"会員{i}", "area": area})
        with caplog.at_level(logging.INFO, logger="alembic.runtime.migration"):
            upgrade(fresh_url)
        with engine.connect() as conn:
            areas = [name for (name,) in conn.execute(sa.text("SELECT name FROM areas ORDER BY name"))]
            links = {}
            for member_id, name in conn.execute(sa.text(
                    "SELECT ma.member_id, a.name FROM member_areas ma JOIN areas a ON a.id = ma.area_id")):
                links.setdefault(member_id, set()).add(name)
            left = dict(conn.execute(sa.text("SELECT id, area FROM members WHERE area IS NOT NULL")).all())
    finally:
        engine.dispose()
    assert sorted(areas) == sorted(["NE地区", "中央地区", "北地区", "南地区", "東地区", "西地区"])
    assert links == {1: {"北地区"}, 2: {"北地区", "中央地区"}, 3: {"中央地区"}, 4: {"南地区", "東地区"},
                     5: {"NE地区", "北地区"}, 8: {"東地区", "西地区", "北地区"}}
    # What could not be mapped keeps its text, and is reported by member.
    assert left == {6: "未定", 9: TYPED["U9"]}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and any("member 6" in w for w in warnings) and any("member 9" in w for w in warnings)
