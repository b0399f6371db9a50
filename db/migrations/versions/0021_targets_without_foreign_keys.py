"""contact_check_targets: no foreign keys, which a check's start checked once per member

A check's targets are written only by its start, in one INSERT ... SELECT from the members
(or from the member rows it has just read, for a field segment), in the transaction that
creates the check; no code deletes a check, a member or an organization (a member who leaves
keeps their row, status left). The three keys could not fail, and checking them was most of
a start on PostgreSQL: 10,000 targets took 250 ms with them and 60 ms without.

Revision ID: 0021_targets_nofk
Revises: 0018_noticesweb
Create Date: 2026-12-01 23:10:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0021_targets_nofk'
down_revision: Union[str, Sequence[str], None] = '0018_noticesweb'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

REFERENCES = (("check_id", "contact_checks"), ("member_id", "members"), ("organization_id", "organizations"))
# How batch mode (SQLite, where the table is copied) names the keys 0003 created without names.
NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _name(column: str, table: str) -> str:
    """The key's name: PostgreSQL's own for an unnamed one, batch mode's (NAMES) on SQLite."""
    if op.get_bind().dialect.name == "sqlite":
        return f"fk_contact_check_targets_{column}_{table}"
    return f"contact_check_targets_{column}_fkey"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('contact_check_targets', naming_convention=NAMES) as batch:
        for column, table in REFERENCES:
            batch.drop_constraint(_name(column, table), type_="foreignkey")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('contact_check_targets', naming_convention=NAMES) as batch:
        for column, table in REFERENCES:
            batch.create_foreign_key(_name(column, table), table, [column], ["id"])
