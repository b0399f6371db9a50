"""Jobs that find due work in the database and claim it, so that any number of instances
running them at once send each thing exactly once, and nothing due is missed."""

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.line import messages as m
from bot.line.outbox import queue_multicast
from bot.settings import Settings
from db import intros, meetings
from db.handovers import claim_fragile_note, fragile_organizations
from db.kpis import claim_due_prompts, due_prompt_orgs, is_asking_time, open_due_prompts, staff_users
from db.contact_checks import claim_reask, due_reask_ids
from db.models import EventStatus, FragileNote, InboundEvent, Notice, Reminder, ReminderStatus
from db.notices import claim_ack_reminders, due_notice_ids
from db.segments import Segment
from db.weekly_questions import claim_digest, due_digests
from handlers.contact_checks.messages import queue_questions
from handlers.handover.messages import queue_fragile_note
from handlers.kpi.messages import queue_prompts
from handlers.intros.messages import (ICEBREAKER_COUNT, digest_messages, queue_followups, queue_intro_cards,
                                      queue_left_out, queue_round_notice)
from handlers.meetings.messages import announce, close_and_decide, remind_attendees, remind_to_answer
from handlers.notices.messages import remind_unacknowledged, send_notice

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]

EVENT_RETENTION = timedelta(days=30)


async def each_in_its_own_transaction(sessions: Sessions, ids: list[int], act) -> list[int]:
    """Run `act(session, id)` for each due item, each in a transaction of its own (one item's
    claim and messages commit together); returns the ids of the outbox rows queued."""
    queued: list[int] = []
    for item_id in ids:
        async with sessions() as session, session.begin():
            rows = await act(session, item_id) or []
            await session.flush()
            queued += [row.id for row in rows]
    return queued


async def send_due_notices(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """Send every scheduled notice whose time has come; returns the outbox rows queued."""
    async with sessions() as session:
        due = await due_notice_ids(session, now)
    return await each_in_its_own_transaction(sessions, due, lambda session, notice_id: send_notice(session, notice_id, now))


async def send_ack_reminders(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """One reminder to each recipient who has not acknowledged a notice in time."""
    async with sessions() as session, session.begin():
        due = await claim_ack_reminders(session, now)
        rows = []
        for notice_id, users in due.items():
            rows += remind_unacknowledged(session, await session.get(Notice, notice_id), users, now)
        await session.flush()
        return [row.id for row in rows]


async def send_due_reminders(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """Send every reminder whose time has come, once, to the members its segment covers then."""
    async with sessions() as session:
        due = list(await session.scalars(
            select(Reminder.id).where(Reminder.status == ReminderStatus.pending, Reminder.due_at <= now)
            .order_by(Reminder.due_at)))

    async def send(session, reminder_id):
        claimed = await session.execute(
            update(Reminder).where(Reminder.id == reminder_id, Reminder.status == ReminderStatus.pending)
            .values(status=ReminderStatus.sent, sent_at=now))
        if claimed.rowcount != 1:
            return []
        reminder = await session.get(Reminder, reminder_id)
        recipients = await Segment.parse(reminder.segment).members(session)
        reminder.recipients = len(recipients)
        if not recipients:
            reminder.status = ReminderStatus.skipped
            return []
        return queue_multicast(session, to=[r.line_user_id for r in recipients], messages=[m.text(reminder.text)],
                               purpose=reminder.purpose, now=now, urgent=reminder.urgent)

    return await each_in_its_own_transaction(sessions, due, send)


async def reask_contact_checks(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """Ask again those who have not answered a running contact check, and deputies whose primary stays silent."""
    async with sessions() as session:
        due = await due_reask_ids(session, now)

    async def reask(session, check_id):
        taken = await claim_reask(session, check_id, now)
        if taken is None:
            return []
        log.info("contact check %d: re-ask %d sent to %d, first ask to %d deputies", check_id, taken.round,
                 len(taken.again), len(taken.deputies))
        return (queue_questions(session, taken.check, taken.again, now, again=True)
                + queue_questions(session, taken.check, taken.deputies, now, deputy=True))

    return await each_in_its_own_transaction(sessions, due, reask)


async def forget_handled_events(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """Delete handled and failed webhook events after their retention: they carry members' messages.

    Pending events are kept; a handled one is long past redelivery by then, and a failed one
    has had a month for someone to look at what went wrong (its log line stays).
    """
    async with sessions() as session, session.begin():
        gone = await session.execute(
            delete(InboundEvent).where(InboundEvent.status.in_([EventStatus.done, EventStatus.failed]),
                                       InboundEvent.handled_at < now - EVENT_RETENTION))
    if gone.rowcount:
        log.info("deleted %d handled or failed webhook events past their retention", gone.rowcount)
    return []


async def meeting_work(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """Polls past their deadline, reminders to answer, decisions left to stand, reminders before meetings."""
    async with sessions() as session:
        work = await meetings.due(session, now, settings.tz)
    queued: list[int] = []

    async def each(ids: list[int], act) -> None:
        queued.extend(await each_in_its_own_transaction(sessions, ids, act))

    async def remind(session, meeting_id):
        meeting = await meetings.claim(session, meeting_id, "reminded_at", now)
        to = await meetings.invitees(session, meeting_id, unanswered=True) if meeting else []
        if not to:
            return []
        return await remind_to_answer(session, meeting, to, now, settings.tz)

    async def let_stand(session, meeting_id):
        meeting = await meetings.decide(session, meeting_id, None, now)
        return await announce(session, meeting, settings, now) if meeting else []

    def before(column: str, hour_before: bool):
        async def act(session, meeting_id):
            meeting = await meetings.claim(session, meeting_id, column, now)
            to = await meetings.attendees(session, meeting) if meeting else []
            if not to:
                return []
            day_before = meeting.starts_at.astimezone(settings.tz).date() - timedelta(days=1)
            if column == "day_before_sent_at" and now.astimezone(settings.tz).date() != day_before:
                return []  # decided or moved too late for "tomorrow": the hour-before reminder remains
            return remind_attendees(session, meeting, to, now, settings.tz, hour_before=hour_before)
        return act

    await each(work.close, lambda session, meeting_id: close_and_decide(session, meeting_id, settings, now))
    await each(work.remind, remind)
    await each(work.confirm, let_stand)
    # An hour before is too late to wait out quiet hours: a 23:30 meeting's reminder goes at 22:30.
    await each(work.hour_before, before("hour_before_sent_at", hour_before=True))
    await each(work.day_before, before("day_before_sent_at", hour_before=False))
    return queued


async def send_due_kpi_prompts(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """Ask for each closed period's KPI values on business days; then remind, ask the deputies, tell the secretariat."""
    tz = settings.tz
    async with sessions() as session, session.begin():
        opened = await open_due_prompts(session, now, tz)
    if opened:
        log.info("%d KPI period(s) closed; their prompts are due", opened)
    if not is_asking_time(now, tz):
        return []  # nights, weekends and public holidays: the prompts wait for the next business morning
    async with sessions() as session:
        due = await due_prompt_orgs(session, now)

    async def step(session, organization_id):
        claimed = await claim_due_prompts(session, organization_id, now, tz, timedelta(days=settings.kpi_escalate_days))
        return await queue_prompts(session, organization_id, claimed, now, tz)

    return await each_in_its_own_transaction(sessions, due, step)


async def send_due_intro_notices(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """A day before each introduction round: create it and tell everyone taking part, with a skip button."""
    async with sessions() as session, session.begin():
        intro_round = await intros.claim_next_round(session, now, settings.tz)
        rows = await queue_round_notice(session, intro_round, now, settings.tz) if intro_round else []
        await session.flush()
        return [row.id for row in rows]


async def send_due_intros(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """At a round's time: pair those taking part and send each the card about the other."""
    async with sessions() as session:
        due, _ = await intros.due_rounds(session, now)

    async def pair(session, round_id):
        made = await intros.make_pairs(session, round_id, now, ICEBREAKER_COUNT)
        if made is None:
            return []
        pairs, unpaired = made
        log.info("introduction round %d: %d pairs, %d without a partner", round_id, len(pairs), len(unpaired))
        return await queue_intro_cards(session, pairs, now) + await queue_left_out(session, round_id, unpaired, now)

    return await each_in_its_own_transaction(sessions, due, pair)


async def send_intro_followups(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """A few days after a round: ask each member of each pair, with one tap, whether they talked."""
    async with sessions() as session:
        _, due = await intros.due_rounds(session, now)

    async def follow_up(session, round_id):
        return await queue_followups(session, await intros.claim_followups(session, round_id, now), now)

    return await each_in_its_own_transaction(sessions, due, follow_up)


async def send_weekly_question_digest(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """The answers to a question of the week, grouped by field, to everyone who answered."""
    async with sessions() as session:
        due = await due_digests(session, now)

    async def digest(session, question_id):
        claimed = await claim_digest(session, question_id, now)
        if claimed is None or not claimed[1]:
            return []
        question, answers = claimed
        messages = digest_messages(question.text, answers)
        return queue_multicast(session, to=[a.line_user_id for a in answers], messages=messages,
                               purpose=f"weekly:{question_id}", now=now)

    return await each_in_its_own_transaction(sessions, due, digest)


# Mondays, local time, before the working day; a week whose hour passed while nothing ran has no note
# (the next one lists the same organizations), so a late start never sends it in the middle of the week.
FRAGILE_NOTE_FROM, FRAGILE_NOTE_UNTIL = time(8, 0), time(9, 0)


async def send_fragile_note(sessions: Sessions, now: datetime, settings: Settings) -> list[int]:
    """Mondays 08:00-09:00: staff hear which organizations depend on one person; the week's row is claimed once."""
    local = now.astimezone(settings.tz)
    if local.weekday() != 0 or not FRAGILE_NOTE_FROM <= local.time() < FRAGILE_NOTE_UNTIL:
        return []
    iso = local.date().isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    async with sessions() as session, session.begin():
        if await session.get(FragileNote, week) is not None:
            return []
        fragile = await fragile_organizations(session, now)
        if not await claim_fragile_note(session, week, now, len(fragile)):
            return []
        staff = await staff_users(session) if fragile else []
        rows = queue_fragile_note(session, staff, fragile, now) if staff else []
        await session.flush()
        return [row.id for row in rows]


JOBS = [reask_contact_checks, meeting_work, send_due_kpi_prompts, send_due_notices, send_ack_reminders, send_due_reminders,
        send_due_intro_notices, send_due_intros, send_intro_followups, send_weekly_question_digest,
        send_fragile_note, forget_handled_events]
