"""Rich menus: the menus created on LINE, and the menu each LINE user should see

Revision ID: 0015_richmenus
Revises: 0020_handover
Create Date: 2026-12-01 15:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import db.types


# revision identifiers, used by Alembic.
revision: str = '0015_richmenus'
down_revision: Union[str, Sequence[str], None] = '0020_handover'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('rich_menus',
    sa.Column('key', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=True),
    sa.Column('rich_menu_id', sa.String(length=100), nullable=True),
    sa.Column('claimed_until', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('rich_menu_links',
    sa.Column('line_user_id', sa.String(length=64), nullable=False),
    sa.Column('wanted', sa.String(length=30), nullable=True),
    sa.Column('linked', sa.String(length=30), nullable=True),
    sa.Column('next_attempt_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_until', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('line_user_id')
    )
    op.create_index('ix_rich_menu_links_due', 'rich_menu_links', ['next_attempt_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_rich_menu_links_due', table_name='rich_menu_links')
    op.drop_table('rich_menu_links')
    op.drop_table('rich_menus')
