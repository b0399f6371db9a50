"""Staff's changes to members and invites, with their audit entries: the one place the console,
LINE dialogs and the command line make them, so the same rules and refusals apply to each door."""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import DataError, create_invite
from db.audit import Actor, record
from db.models import Invite, Member, MemberRole, MemberStatus, Organization


class LastStaff(DataError):
    """The partnership would be left with no active staff member, so no one could run it."""


async def _member(session: AsyncSession, member_id: int) -> Member:
    member = await session.get(Member, member_id)
    if member is None:
        raise DataError(f"no member with id {member_id}")
    return member


async def _other_active_staff(session: AsyncSession, member: Member) -> int:
    return await session.scalar(select(func.count()).select_from(Member).where(
        Member.is_staff.is_(True), Member.status == MemberStatus.active, Member.id != member.id))


async def set_staff(session: AsyncSession, *, member_id: int, staff: bool, actor: Actor, now: datetime) -> Member:
    """Give or take the staff role (事務局); the last active staff member keeps it."""
    member = await _member(session, member_id)
    if member.status != MemberStatus.active and staff:
        raise DataError(f"member {member_id} is not active")
    if member.is_staff == staff:
        return member
    if not staff and member.status == MemberStatus.active and not await _other_active_staff(session, member):
        raise LastStaff("the last active staff member keeps the role")
    member.is_staff, member.updated_at = staff, now
    await record(session, actor=actor, action="member.staff_on" if staff else "member.staff_off", now=now,
                 target_kind="member", target_id=member.id, target_label=member.name)
    return member


async def set_role(session: AsyncSession, *, member_id: int, role: MemberRole, actor: Actor, now: datetime) -> Member:
    """Make a member their organization's primary contact (主担当) or deputy (副担当)."""
    member = await _member(session, member_id)
    role = MemberRole(role)
    if member.role != role:
        member.role, member.updated_at = role.value, now
        await record(session, actor=actor, action="member.role", now=now, target_kind="member",
                     target_id=member.id, target_label=member.name, details={"role": role.value})
    return member


async def deactivate(session: AsyncSession, *, member_id: int, actor: Actor, now: datetime) -> Member:
    """Take a member off the partnership (退会): their history stays, nothing is sent to them any more, and
    only a new invite brings them back."""
    member = await _member(session, member_id)
    if member.status == MemberStatus.left:
        return member
    if member.is_staff and member.status == MemberStatus.active and not await _other_active_staff(session, member):
        raise LastStaff("the last active staff member cannot be taken off")
    member.status, member.is_staff, member.updated_at = MemberStatus.left.value, False, now
    member.inactive_since = member.inactive_since or now
    await record(session, actor=actor, action="member.deactivate", now=now, target_kind="member",
                 target_id=member.id, target_label=member.name)
    return member


async def revoke_invite(session: AsyncSession, *, invite_id: int, actor: Actor, now: datetime) -> Invite:
    """Withdraw an invite code so that no one else can register with it."""
    invite = await session.get(Invite, invite_id)
    if invite is None:
        raise DataError(f"no invite with id {invite_id}")
    if invite.revoked_at is None:
        invite.revoked_at = now
        organization = await session.get(Organization, invite.organization_id)
        await record(session, actor=actor, action="invite.revoke", now=now, target_kind="invite",
                     target_id=invite.id, target_label=f"{organization.name} {invite.code}")
    return invite


async def issue_invite(session: AsyncSession, *, organization_id: int, actor: Actor, now: datetime,
                       is_staff: bool = False, max_uses: int = 1, valid_for: timedelta = timedelta(days=14)) -> Invite:
    """A new invite code for one organization's people, recorded in the audit log (by id, never the code's
    users)."""
    invite = await create_invite(session, organization_id=organization_id, now=now, is_staff=is_staff,
                                 max_uses=max_uses, valid_for=valid_for)
    organization = await session.get(Organization, organization_id)
    await record(session, actor=actor, action="invite.create", now=now, target_kind="invite", target_id=invite.id,
                 target_label=f"{organization.name} {invite.code}",
                 details={"staff": is_staff, "uses": max_uses, "days": valid_for.days})
    return invite
