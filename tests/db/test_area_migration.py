"""Migration 0009_areas on real-looking data: today's free-text areas become the list and the links,
and what could not be mapped stays as typed and is reported."""

import logging

import sqlalchemy as sa

from alembic.command import downgrade

from db.migrate import alembic_config, upgrade

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


def insert_members(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO organizations (id, name, org_type, created_at) "
                             "VALUES (1, 'NPO', 'npo', CURRENT_TIMESTAMP)"))
        for i, (user, area) in enumerate(TYPED.items(), 1):
            conn.execute(sa.text(
                "INSERT INTO members (id, line_user_id, organization_id, name, fields, role, is_staff, area, needs, "
                "offers, status, registered_at, updated_at) VALUES (:id, :user, 1, :name, '[]', 'primary', false, "
                ":area, '[]', '[]', 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"id": i, "user": user, "name": f"会員{i}", "area": area})


def test_typed_areas_become_the_list_and_the_links(fresh_url, fresh_engine, caplog):
    upgrade(fresh_url, "0008")
    insert_members(fresh_engine)
    with caplog.at_level(logging.INFO, logger="alembic.runtime.migration"):
        upgrade(fresh_url, "0009_areas")
    with fresh_engine.connect() as conn:
        areas = [name for (name,) in conn.execute(sa.text("SELECT name FROM areas ORDER BY name"))]
        links = {}
        for member_id, name in conn.execute(sa.text(
                "SELECT ma.member_id, a.name FROM member_areas ma JOIN areas a ON a.id = ma.area_id")):
            links.setdefault(member_id, set()).add(name)
        left = dict(conn.execute(sa.text("SELECT id, area FROM members WHERE area IS NOT NULL")).all())
    assert sorted(areas) == sorted(["NE地区", "中央地区", "北地区", "南地区", "東地区", "西地区"])
    assert links == {1: {"北地区"}, 2: {"北地区", "中央地区"}, 3: {"中央地区"}, 4: {"南地区", "東地区"},
                     5: {"NE地区", "北地区"}, 8: {"東地区", "西地区", "北地区"}}
    # What could not be mapped keeps its text, and is reported by member.
    assert left == {6: "未定", 9: TYPED["U9"]}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and any("member 6" in w for w in warnings) and any("member 9" in w for w in warnings)

    downgrade(alembic_config(fresh_url), "0008")  # the links go back to text, nothing is lost
    with fresh_engine.connect() as conn:
        typed = dict(conn.execute(sa.text("SELECT id, area FROM members WHERE area IS NOT NULL")).all())
    assert set(typed[2].split("・")) == {"北地区", "中央地区"} and typed[3] == "中央地区" and typed[6] == "未定"
    assert 7 not in typed


def test_existing_kpis_are_read_as_totals_or_levels(fresh_url, fresh_engine):
    upgrade(fresh_url, "0009_areas")
    with fresh_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO organizations (id, name, org_type, created_at) "
                             "VALUES (1, 'NPO', 'npo', CURRENT_TIMESTAMP)"))
        conn.execute(sa.text("INSERT INTO agreements (id, name, start_date, created_at) "
                             "VALUES (1, '協定', '2026-04-01', CURRENT_TIMESTAMP)"))
        for i, (name, unit, cadence) in enumerate([("講座参加者数", "人", "monthly"), ("相談件数", "件", "quarterly"),
                                                   ("満足度", "点", "monthly"), ("参加率", "％", "monthly"),
                                                   ("報告会の開催", "", "dates")], 1):
            conn.execute(sa.text(
                "INSERT INTO kpis (id, agreement_id, organization_id, name, unit, target_value, target_date, cadence, "
                "due_dates, status, created_at) VALUES (:id, 1, 1, :name, :unit, 10, '2027-03-31', :cadence, '[]', "
                "'active', CURRENT_TIMESTAMP)"), {"id": i, "name": name, "unit": unit, "cadence": cadence})
    upgrade(fresh_url, "0010_kpi_target_kind")
    with fresh_engine.connect() as conn:
        kinds = dict(conn.execute(sa.text("SELECT name, target_kind FROM kpis")).all())
    assert kinds == {"講座参加者数": "total", "相談件数": "total", "満足度": "level", "参加率": "level",
                     "報告会の開催": "level"}
