"""LINE's monthly message limit: the months it was reached, and the staff told of it

Revision ID: 0012_monthly_limit
Revises: 0011_member_phone
Create Date: 2026-12-01 12:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import db.types


# revision identifiers, used by Alembic.
revision: str = '0012_monthly_limit'
down_revision: Union[str, Sequence[str], None] = '0011_member_phone'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('line_monthly_limits',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('reached_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lifted_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('month')
    )
    op.create_table('line_monthly_limit_notices',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('told_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['month'], ['line_monthly_limits.month'], ),
    sa.PrimaryKeyConstraint('month', 'member_id')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('line_monthly_limit_notices')
    op.drop_table('line_monthly_limits')
