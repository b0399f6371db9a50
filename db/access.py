"""Data access shared by the command line, the handlers and the tests."""

import secrets
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.areas import names_by_member
from db.segments import Segment
from db.models import (
    Agreement,
    Invite,
    InviteAttempt,
    LineProfile,
    Member,
    MemberRole,
    MemberStatus,
    Organization,
    OrgType,
    Reminder,
    ReminderStatus,
)
from db.vocabulary import FIELDS, RESOURCE_CATEGORIES

# Invite codes avoid characters that are easy to misread (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


async def upsert(session: AsyncSession, model, values: dict, *, keys: list[str]) -> None:
    """Insert a row, or update it where one with the same keys exists (SQLite and PostgreSQL)."""
    dialect = session.bind.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model).values(**values)
    changes = {key: value for key, value in values.items() if key not in keys}
    statement = (insert.on_conflict_do_update(index_elements=keys, set_=changes) if changes
                 else insert.on_conflict_do_nothing(index_elements=keys))
    await session.execute(statement)


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


PROFILE_KEYS = ["name", "fields", "role", "area", "needs", "needs_note", "offers", "offers_note",
                "intro_now", "intro_worry", "intro_offer", "phone"]
# What the columns hold; the registration dialog asks for less.
PROFILE_LIMITS = {"name": 100, "area": 50, "needs_note": 200, "offers_note": 200,
                  "intro_now": 300, "intro_worry": 300, "intro_offer": 300, "phone": 20}


def invite_problem(invite: Invite | None, now: datetime) -> str | None:
    """Why an invite cannot be used now ("revoked", "expired", "used-up"), or None when it can."""
    if invite is None:
        return "used-up"
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at is not None and invite.expires_at <= now:
        return "expired"
    if invite.uses >= invite.max_uses:
        return "used-up"
    return None


def check_profile(profile: dict) -> None:
    """Raise DataError for a profile registration would not produce."""
    if not (profile.get("name") or "").strip():
        raise DataError("the name is empty")
    if not profile.get("fields") or set(profile["fields"]) - set(FIELDS):
        raise DataError(f"fields must be one or more of {', '.join(FIELDS)}")
    if profile.get("role") not in set(MemberRole):
        raise DataError(f"role must be one of {', '.join(MemberRole)}")
    for key in ("needs", "offers"):
        if set(profile.get(key) or []) - set(RESOURCE_CATEGORIES):
            raise DataError(f"{key} must be among {', '.join(RESOURCE_CATEGORIES)}")
    for key, limit in PROFILE_LIMITS.items():
        if len(profile.get(key) or "") > limit:
            raise DataError(f"{key} is longer than {limit} characters")


async def register_member(session: AsyncSession, *, invite_id: int, line_user_id: str, profile: dict,
                          now: datetime) -> Member | str:
    """Make the LINE user an active member of the invite's organization with this profile, using up
    one use of the invite; or say why the invite cannot be used ("expired", "used-up").

    A user registered before (inactive, or of another organization) keeps their row and history.
    """
    check_profile(profile)
    invite = await session.get(Invite, invite_id)
    problem = invite_problem(invite, now)
    if problem is None:
        # Conditional, so that two people racing for an invite's last use cannot both have it.
        taken = await session.execute(update(Invite).where(Invite.id == invite_id, Invite.uses < Invite.max_uses)
                                      .values(uses=Invite.uses + 1))
        problem = None if taken.rowcount == 1 else "used-up"
    if problem:
        return problem
    member = await session.scalar(select(Member).where(Member.line_user_id == line_user_id))
    if member is None:
        member = Member(line_user_id=line_user_id, registered_at=now)
        session.add(member)
    member.organization_id, member.invite_id = invite.organization_id, invite.id
    member.is_staff = bool(invite.is_staff or member.is_staff)
    member.status, member.inactive_since, member.updated_at = MemberStatus.active, None, now
    for key in PROFILE_KEYS:
        setattr(member, key, profile.get(key))
    await session.flush()
    return member


async def list_members(session: AsyncSession) -> list[dict]:
    """Every member with organization, fields, role and status, as plain data."""
    rows = await session.execute(
        select(Member, LineProfile.display_name)
        .outerjoin(LineProfile, LineProfile.line_user_id == Member.line_user_id)
        .options(selectinload(Member.organization)).order_by(Member.id))
    areas = await names_by_member(session)
    return [{
        "id": member.id, "name": member.name, "display_name": display_name,
        "organization": member.organization.name, "organization_id": member.organization_id,
        "fields": member.fields or [], "role": member.role, "staff": member.is_staff,
        "areas": areas.get(member.id, []), "area_typed": member.area,
        "status": member.status, "registered_at": member.registered_at.isoformat(),
    } for member, display_name in rows]


REVIEW_REMINDER_DAYS = (90, 30)
REVIEW_REMINDER_TIME = time(9, 0)  # the local time of day review reminders go out


async def create_agreement(session: AsyncSession, *, name: str, organization_ids: list[int], start_date: date,
                           end_date: date | None, review_date: date | None, now: datetime,
                           reminder_time: time, tz: tzinfo, review_text: str) -> Agreement:
    """Create an agreement and the reminders staff get 90 and 30 days before its review date.

    `review_text` is the reminder's wording, with {name}, {review} and {days}.
    """
    name = name.strip()
    if not name:
        raise DataError("the name is empty")
    if await session.scalar(select(Agreement).where(Agreement.name == name)):
        raise DataError(f"an agreement named {name!r} already exists")
    if not organization_ids:
        raise DataError("an agreement needs at least one organization (--org)")
    organizations = list(await session.scalars(select(Organization).where(Organization.id.in_(organization_ids))))
    if missing := sorted(set(organization_ids) - {o.id for o in organizations}):
        raise DataError(f"no organization with id {', '.join(map(str, missing))}")
    if end_date and end_date < start_date:
        raise DataError("the end date is before the start date")
    if review_date and review_date < start_date:
        raise DataError("the review date is before the start date")
    agreement = Agreement(name=name, start_date=start_date, end_date=end_date, review_date=review_date,
                          created_at=now, organizations=organizations)
    session.add(agreement)
    await session.flush()
    for days in REVIEW_REMINDER_DAYS if review_date else ():
        due = datetime.combine(review_date - timedelta(days=days), reminder_time, tzinfo=tz)
        if due > now:
            await create_reminder(
                session, due_at=due, segment=Segment("staff"), purpose="agreement-review", now=now,
                text=review_text.format(name=name, review=review_date.strftime("%Y/%m/%d"), days=days),
                dedupe_key=f"agreement:{agreement.id}:review-{days}")
    return agreement


async def create_reminder(session: AsyncSession, *, due_at: datetime, segment: Segment, text: str, purpose: str,
                          now: datetime, dedupe_key: str | None = None, urgent: bool = False) -> Reminder | None:
    """Schedule a message to a segment, sent once by the scheduler; None if `dedupe_key` exists already."""
    if dedupe_key and await session.scalar(select(Reminder.id).where(Reminder.dedupe_key == dedupe_key)):
        return None
    reminder = Reminder(due_at=due_at, segment=segment.spec, text=text, purpose=purpose, dedupe_key=dedupe_key,
                        urgent=urgent, status=ReminderStatus.pending, created_at=now)
    session.add(reminder)
    await session.flush()
    return reminder


async def wrong_invite_codes(session: AsyncSession, *, since: datetime,
                             line_user_id: str | None = None) -> list[datetime]:
    """When wrong invite codes were typed since `since`, oldest first: by anyone, or by one LINE user."""
    query = select(InviteAttempt.attempted_at).where(InviteAttempt.attempted_at > since)
    if line_user_id is not None:
        query = query.where(InviteAttempt.line_user_id == line_user_id)
    return list(await session.scalars(query.order_by(InviteAttempt.attempted_at)))
