"""invite attempts by time: wrong codes are counted across all accounts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:30:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index('ix_invite_attempts_at', 'invite_attempts', ['attempted_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_invite_attempts_at', table_name='invite_attempts')
