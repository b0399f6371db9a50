"""Data access shared by the command line, the handlers and the tests."""

import secrets
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.segments import Segment
from db.models import Agreement, Invite, InviteAttempt, LineProfile, Member, Organization, OrgType, Reminder, ReminderStatus

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
