"""notices: an optional title, which the card shows above the text and the audit log names the notice by

Revision ID: 0018_noticesweb
Revises: 0017_board
Create Date: 2026-12-01 15:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0018_noticesweb'
down_revision: Union[str, Sequence[str], None] = '0017_board'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('notices', sa.Column('title', sa.String(length=40), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('notices', 'title')
