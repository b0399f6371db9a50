"""contact_check_versions: a striped change counter per contact check, read by the live board

Revision ID: 0017_board
Revises: 0015_richmenus
Create Date: 2026-12-01 15:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0017_board'
down_revision: Union[str, Sequence[str], None] = '0015_richmenus'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('contact_check_versions',
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['contact_checks.id'], ),
    sa.PrimaryKeyConstraint('check_id', 'slot')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('contact_check_versions')
