"""outbox: count the attempts that certainly did not reach LINE

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('outbox', sa.Column('undelivered_attempts', sa.Integer(), server_default='0',
                                               nullable=False))
    # Before, an attempt answered 429 was the one kind known not to have reached LINE.
    op.execute("UPDATE outbox SET undelivered_attempts = attempts WHERE status = 'pending' AND last_status = 429")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('outbox', 'undelivered_attempts')
