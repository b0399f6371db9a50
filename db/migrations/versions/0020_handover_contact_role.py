"""handovers: a contact role passed to a successor, what moved with it, the weekly note on fragile organizations

Revision ID: 0020_handover
Revises: 0016_console
Create Date: 2026-12-01 15:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import db.types


# revision identifiers, used by Alembic.
revision: str = '0020_handover'
down_revision: Union[str, Sequence[str], None] = '0016_console'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('from_member_id', sa.Integer(), nullable=False),
    sa.Column('to_member_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('successor_role_before', sa.String(length=10), nullable=True),
    sa.Column('started_by_member_id', sa.Integer(), nullable=True),
    sa.Column('door', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('started_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('undone_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('partners_told_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('departing_choice', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.ForeignKeyConstraint(['from_member_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['to_member_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['started_by_member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ux_handovers_waiting', 'handovers', ['from_member_id'], unique=True,
                    postgresql_where=sa.text("status = 'waiting'"), sqlite_where=sa.text("status = 'waiting'"))
    op.create_index('ix_handovers_org', 'handovers', ['organization_id', 'started_at'], unique=False)
    op.create_table('handover_moves',
    sa.Column('id', BIG, autoincrement=True, nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref_id', BIG, nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('moved_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handover_id'], ['handovers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_handover_moves_handover', 'handover_moves', ['handover_id'], unique=False)
    op.create_table('fragile_notes',
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('sent_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('organizations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('week')
    )
    with op.batch_alter_table('invites') as batch:
        batch.add_column(sa.Column('handover_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_invites_handover_id', 'handovers', ['handover_id'], ['id'])
    with op.batch_alter_table('intro_pairs') as batch:
        batch.alter_column('round_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('handover_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_intro_pairs_handover_id', 'handovers', ['handover_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM intro_pairs WHERE round_id IS NULL")
    with op.batch_alter_table('intro_pairs') as batch:
        batch.drop_constraint('fk_intro_pairs_handover_id', type_='foreignkey')
        batch.drop_column('handover_id')
        batch.alter_column('round_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('invites') as batch:
        batch.drop_constraint('fk_invites_handover_id', type_='foreignkey')
        batch.drop_column('handover_id')
    op.drop_table('fragile_notes')
    op.drop_index('ix_handover_moves_handover', table_name='handover_moves')
    op.drop_table('handover_moves')
    op.drop_index('ix_handovers_org', table_name='handovers')
    op.drop_index('ux_handovers_waiting', table_name='handovers')
    op.drop_table('handovers')
