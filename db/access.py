"""Data access shared by the command line, the handlers and the tests."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Invite, LineProfile, Member, Organization, OrgType

# Invite codes avoid characters that are easy to misread (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class DataError(ValueError):
    """Input that the data cannot accept; the message says why, for the operator."""


async def create_organization(session: AsyncSession, *, name: str, org_type: OrgType, now: datetime) -> Organization:
    name = name.strip()
    if not name:
        raise DataError("the name is empty")
    if await session.scalar(select(Organization).where(Organization.name == name)):
        raise DataError(f"an organization named {name!r} already exists")
    organization = Organization(name=name, org_type=OrgType(org_type).value, created_at=now)
    session.add(organization)
    await session.flush()
    return organization


async def create_invite(session: AsyncSession, *, organization_id: int, now: datetime, is_staff: bool = False,
                        max_uses: int = 1, valid_for: timedelta = timedelta(days=14)) -> Invite:
    if await session.get(Organization, organization_id) is None:
        raise DataError(f"no organization with id {organization_id} (see `renkei org list`)")
    if max_uses < 1:
        raise DataError("an invite needs at least one use")
    invite = Invite(code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
                    organization_id=organization_id, is_staff=is_staff, max_uses=max_uses, uses=0,
                    expires_at=now + valid_for, created_at=now)
    session.add(invite)
    await session.flush()
    return invite


async def list_members(session: AsyncSession) -> list[dict]:
    """Every member with organization, fields, role and status, as plain data."""
    rows = await session.execute(
        select(Member, LineProfile.display_name)
        .outerjoin(LineProfile, LineProfile.line_user_id == Member.line_user_id)
        .options(selectinload(Member.organization)).order_by(Member.id))
    return [{
        "id": member.id, "name": member.name, "display_name": display_name,
        "organization": member.organization.name, "organization_id": member.organization_id,
        "fields": member.fields or [], "role": member.role, "staff": member.is_staff, "area": member.area,
        "status": member.status, "registered_at": member.registered_at.isoformat(),
    } for member, display_name in rows]
