"""members: an optional phone number for staff to call; contact-check notes up to 1,000 characters

Revision ID: 0011_member_phone
Revises: 0010_kpi_target_kind
Create Date: 2026-12-01 12:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011_member_phone'
down_revision: Union[str, Sequence[str], None] = '0010_kpi_target_kind'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('members', sa.Column('phone', sa.String(length=20), nullable=True))
    with op.batch_alter_table('contact_check_targets') as batch:
        batch.alter_column('note', existing_type=sa.String(length=300), type_=sa.String(length=1000),
                           existing_nullable=True)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('contact_check_targets') as batch:
        batch.alter_column('note', existing_type=sa.String(length=1000), type_=sa.String(length=300),
                           existing_nullable=True)
    op.drop_column('members', 'phone')
