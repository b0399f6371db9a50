"""Jobs that find due work in the database and claim it, so that any number of instances
running them at once send each thing exactly once, and nothing due is missed."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import messages as m
from bot.outbox import queue_multicast
from db.contact_checks import claim_reask, due_reask_ids
from db.models import EventStatus, InboundEvent, Notice, Reminder, ReminderStatus
from db.notices import claim_ack_reminders, due_notice_ids
from db.segments import Segment
from handlers.contact_checks import queue_questions
from handlers.notices import remind_unacknowledged, send_notice

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]

EVENT_RETENTION = timedelta(days=30)


async def send_due_notices(sessions: Sessions, now: datetime) -> list[int]:
    """Send every scheduled notice whose time has come; returns the outbox rows queued."""
    async with sessions() as session:
        due = await due_notice_ids(session, now)
    queued: list[int] = []
    for notice_id in due:
        async with sessions() as session, session.begin():
            rows = await send_notice(session, notice_id, now)
            await session.flush()
            queued += [row.id for row in rows or []]
    return queued


async def send_ack_reminders(sessions: Sessions, now: datetime) -> list[int]:
    """One reminder to each recipient who has not acknowledged a notice in time."""
    async with sessions() as session, session.begin():
        due = await claim_ack_reminders(session, now)
        rows = []
        for notice_id, users in due.items():
            rows += remind_unacknowledged(session, await session.get(Notice, notice_id), users, now)
        await session.flush()
        return [row.id for row in rows]


async def send_due_reminders(sessions: Sessions, now: datetime) -> list[int]:
    """Send every reminder whose time has come, once, to the members its segment covers then."""
    async with sessions() as session:
        due = list(await session.scalars(
            select(Reminder.id).where(Reminder.status == ReminderStatus.pending, Reminder.due_at <= now)
            .order_by(Reminder.due_at)))
    queued: list[int] = []
    for reminder_id in due:
        async with sessions() as session, session.begin():
            claimed = await session.execute(
                update(Reminder).where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.pending)
                .values(status=ReminderStatus.sent, sent_at=now))
            if claimed.rowcount != 1:
                continue
            reminder = await session.get(Reminder, reminder_id)
            recipients = await Segment.parse(reminder.segment).members(session)
            reminder.recipients = len(recipients)
            if not recipients:
                reminder.status = ReminderStatus.skipped
                continue
            rows = queue_multicast(session, to=[r.line_user_id for r in recipients], messages=[m.text(reminder.text)],
                                   purpose=reminder.purpose, now=now, urgent=reminder.urgent)
            await session.flush()
            queued += [row.id for row in rows]
    return queued


async def reask_contact_checks(sessions: Sessions, now: datetime) -> list[int]:
    """Ask again those who have not answered a running contact check, and deputies whose primary stays silent."""
    async with sessions() as session:
        due = await due_reask_ids(session, now)
    queued: list[int] = []
    for check_id in due:
        async with sessions() as session, session.begin():
            reask = await claim_reask(session, check_id, now)
            if reask is None:
                continue
            rows = queue_questions(session, reask.check, reask.again, now, again=True)
            rows += queue_questions(session, reask.check, reask.deputies, now, deputy=True)
            await session.flush()
            queued += [row.id for row in rows]
            log.info("contact check %d: re-ask %d sent to %d, first ask to %d deputies", check_id, reask.round,
                     len(reask.again), len(reask.deputies))
    return queued


async def forget_handled_events(sessions: Sessions, now: datetime) -> list[int]:
    """Delete handled webhook events after their retention: they carry members' messages.

    Failed and pending events are kept; a handled one is long past redelivery by then.
    """
    async with sessions() as session, session.begin():
        gone = await session.execute(
            delete(InboundEvent).where(InboundEvent.status == EventStatus.done,
                                       InboundEvent.handled_at < now - EVENT_RETENTION))
    if gone.rowcount:
        log.info("deleted %d handled webhook events past their retention", gone.rowcount)
    return []


JOBS = [reask_contact_checks, send_due_notices, send_ack_reminders, send_due_reminders, forget_handled_events]
