"""Staff registering an organization, with its audit entry: the one place LINE, the console and the
command line add one, so each door applies the same rules and leaves the same record."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.access import create_organization
from db.audit import Actor, record
from db.models import Organization, OrgType

MAX_NAME = 100  # what staff may type; the column holds more


async def register_organization(session: AsyncSession, *, name: str, org_type: OrgType, actor: Actor,
                                now: datetime) -> Organization:
    """Add an organization (DataError for an empty or taken name) and record who did."""
    organization = await create_organization(session, name=name, org_type=org_type, now=now)
    await record(session, actor=actor, action="organization.create", now=now, target_kind="organization",
                 target_id=organization.id, target_label=organization.name,
                 details={"type": organization.org_type})
    return organization
