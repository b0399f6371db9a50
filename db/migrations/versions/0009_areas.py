"""areas: the list of areas (地区) the secretariat keeps, members' links to it, and today's free text mapped

Revision ID: 0009_areas
Revises: 0008
Create Date: 2026-12-01 12:30:00

Members typed their area as free text (「北地区・中央地区」). Each is split on ・、,／/ and
spaces; each part becomes a listed area (「中央」 joins 中央地区 when both were typed) and the
member is linked to it. Members whose text named no area (「未定」) or a part too long for a
name keep their text, and are logged here; `renkei area map` links them once the area is listed.
"""
import logging
from datetime import UTC, datetime
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from db.rules.areas import MAX_TYPED_NAME, clean_name, match_area, split_areas
from db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = '0009_areas'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('areas',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('name', sa.String(length=30), nullable=False),
                    sa.Column('created_at', UTCDateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('name'))
    op.create_table('member_areas',
                    sa.Column('member_id', sa.Integer(), nullable=False),
                    sa.Column('area_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('member_id', 'area_id'))
    op.create_index('ix_member_areas_area', 'member_areas', ['area_id'], unique=False)
    map_typed_areas()


def map_typed_areas() -> None:
    bind = op.get_bind()
    areas = sa.table('areas', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('created_at', UTCDateTime()))
    links = sa.table('member_areas', sa.column('member_id', sa.Integer), sa.column('area_id', sa.Integer))
    members = sa.table('members', sa.column('id', sa.Integer), sa.column('area', sa.String))
    rows = bind.execute(sa.select(members.c.id, members.c.area).where(members.c.area.is_not(None))
                        .order_by(members.c.id)).all()
    # Names written in full first, so that 「中央」 finds 中央地区 rather than becoming an area of its own.
    parts = {part for _, typed in rows for part in split_areas(typed)}
    ids: dict[str, int] = {}
    now = datetime.now(UTC)
    for part in sorted(parts, key=lambda p: (-len(clean_name(p)), clean_name(p))):
        name = clean_name(part)
        if len(name) <= MAX_TYPED_NAME and match_area(name, list(ids)) is None:
            ids[name] = bind.execute(sa.insert(areas).values(name=name, created_at=now).returning(areas.c.id)).scalar_one()
    for member_id, typed in rows:
        found = {part: match_area(part, list(ids)) for part in split_areas(typed)}
        for area_id in sorted({ids[name] for name in found.values() if name}):
            bind.execute(sa.insert(links).values(member_id=member_id, area_id=area_id))
        missing = [part for part, name in found.items() if name is None]
        if found and not missing:
            bind.execute(sa.update(members).where(members.c.id == member_id).values(area=None))
        elif typed.strip():
            log.warning("member %s: area %r not mapped (%s); list the area and run `renkei area map`",
                        member_id, typed, "、".join(missing) or "no area named")
    log.info("areas: %d listed from %d members' typed areas", len(ids), len(rows))


def downgrade() -> None:
    """Downgrade schema: members' areas go back to text (「北地区・中央地区」) where it was cleared."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT ma.member_id, a.name FROM member_areas ma JOIN areas a ON a.id = ma.area_id "
                                "ORDER BY ma.member_id, a.id")).all()
    typed: dict[int, list[str]] = {}
    for member_id, name in rows:
        typed.setdefault(member_id, []).append(name)
    for member_id, names in typed.items():
        bind.execute(sa.text("UPDATE members SET area = :area WHERE id = :id AND area IS NULL"),
                     {"area": "・".join(names)[:50], "id": member_id})
    op.drop_index('ix_member_areas_area', table_name='member_areas')
    op.drop_table('member_areas')
    op.drop_table('areas')
