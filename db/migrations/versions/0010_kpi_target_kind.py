"""kpi target kind: a total to reach over the term, or a level each period should reach

Revision ID: 0010_kpi_target_kind
Revises: 0009_areas
Create Date: 2026-12-01 12:40:00

A KPI counted in people, cases or yen and reported each month or quarter (参加者数 目標1,200人)
is a total over the term; one in %, 点 or 倍, or reported on one-off dates, is a level. The
migration guesses so for the KPIs there are; `renkei kpi kind ID total|level` corrects a guess.
"""
import logging
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0010_kpi_target_kind'
down_revision: Union[str, Sequence[str], None] = '0009_areas'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LEVEL_UNITS = ("%", "％", "点", "倍", "割", "pt")
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('kpis', sa.Column('target_kind', sa.String(length=10), server_default='level', nullable=False))
    bind = op.get_bind()
    kpis = sa.table('kpis', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('unit', sa.String),
                    sa.column('cadence', sa.String), sa.column('target_kind', sa.String))
    for kpi_id, name, unit, cadence in bind.execute(sa.select(kpis.c.id, kpis.c.name, kpis.c.unit, kpis.c.cadence)):
        kind = 'level' if cadence == 'dates' or (unit or '').strip() in LEVEL_UNITS else 'total'
        bind.execute(sa.update(kpis).where(kpis.c.id == kpi_id).values(target_kind=kind))
        log.info("KPI %s %s: target read as a %s (renkei kpi kind %s total|level to change)", kpi_id, name, kind, kpi_id)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('kpis', 'target_kind')
