"""Meeting scheduling: candidate slots, ○/△/× answers, the decision, reminders, the calendar file."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo

import jpholiday
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import upsert
from db.rules.dates import DateError, NotARealDate, PastDate, beyond_horizon, read_span
from db.rules.dates import TooFarAhead as DatesTooFar
from db.models import Meeting, MeetingAnswer, MeetingInvitee, MeetingSlot, MeetingStatus, Member, Organization
from db.segments import Segment

CHOICES = ("yes", "maybe", "no")  # ○ △ ×
MAX_SLOTS = 10
MAX_TITLE = 60
DEFAULT_LENGTH = timedelta(hours=1)
DECIDE_WITHIN = timedelta(hours=24)  # the organizer's time to confirm; then the best slot stands
REMIND_BEFORE_DEADLINE = timedelta(days=1)
DAY_BEFORE = timedelta(days=1)
HOUR_BEFORE = timedelta(hours=1)
EARLIEST, LATEST = time(8, 0), time(21, 0)  # slots outside these hours are flagged


class MeetingError(ValueError):
    """Input a meeting cannot take; the message says why (for the command line)."""


class TooFarAhead(MeetingError):
    """A time further ahead than anyone schedules a meeting."""


def parse_slot(text: str, now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """A slot typed as people type it (see db.rules.dates.read_span): "12/3 14:00-15:30",
    "12月3日 14時から"; without an end the slot lasts an hour. Raises MeetingError otherwise."""
    try:
        start, end = read_span(text, now, tz, DEFAULT_LENGTH)
    except DatesTooFar as exc:
        raise TooFarAhead(f"{text!r} is more than three years away") from exc
    except PastDate as exc:
        raise MeetingError(f"{text!r} is in the past") from exc
    except NotARealDate as exc:
        raise MeetingError(f"{text!r} is not a real date and time") from exc
    except DateError as exc:
        raise MeetingError(f"cannot read {text!r} as a slot like 12/3 14:00-15:30") from exc
    return start, end


def slot_flags(start: datetime, end: datetime, tz: tzinfo) -> list[str]:
    """What an organizer should know about a slot: "holiday:<name>", "weekend", "hours"."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    flags = []
    name = jpholiday.is_holiday_name(local_start.date())
    if name:
        flags.append(f"holiday:{name}")
    if local_start.weekday() >= 5:
        flags.append("weekend")
    if local_start.time() < EARLIEST or local_end.time() > LATEST or local_end.date() != local_start.date():
        flags.append("hours")
    return flags


async def create_meeting(session: AsyncSession, *, title: str, slots: list[tuple[datetime, datetime]],
                         segment: Segment, deadline: datetime, now: datetime, organizer_id: int | None = None,
                         group_id: str | None = None) -> tuple[Meeting, list[str]]:
    """Create the poll and its invitees; returns it with the LINE ids to send it to."""
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        raise MeetingError(f"the title must be 1 to {MAX_TITLE} characters")
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise MeetingError(f"a poll has 1 to {MAX_SLOTS} slots")
    slots = sorted(set(slots))
    if slots[0][0] <= now:
        raise MeetingError("a slot is in the past")
    if deadline <= now:
        raise MeetingError("the deadline is in the past")
    if deadline > slots[0][0]:
        raise MeetingError("the deadline must come before the first slot")
    people = await segment.members(session)
    if not people:
        raise MeetingError("the segment has no active members")
    meeting = Meeting(title=title, organizer_member_id=organizer_id, segment=segment.spec, group_id=group_id,
                      deadline=deadline, status=MeetingStatus.open, calendar_token=secrets.token_urlsafe(16),
                      sequence=0, created_at=now)
    session.add(meeting)
    await session.flush()
    session.add_all([MeetingSlot(meeting_id=meeting.id, position=i, starts_at=start, ends_at=end)
                     for i, (start, end) in enumerate(slots, 1)])
    session.add_all([MeetingInvitee(meeting_id=meeting.id, member_id=p.member_id, line_user_id=p.line_user_id)
                     for p in people])
    await session.flush()
    return meeting, [p.line_user_id for p in people]


async def _locked(session: AsyncSession, meeting_id: int) -> Meeting | None:
    return await session.scalar(select(Meeting).where(Meeting.id == meeting_id).with_for_update())


async def slots_of(session: AsyncSession, meeting_id: int) -> list[MeetingSlot]:
    return list(await session.scalars(select(MeetingSlot).where(MeetingSlot.meeting_id == meeting_id)
                                      .order_by(MeetingSlot.position)))


@dataclass(frozen=True)
class Choice:
    meeting: Meeting
    slot: MeetingSlot
    everyone_answered: bool


async def record_choice(session: AsyncSession, *, meeting_id: int, member_id: int, position: int, choice: str,
                        now: datetime) -> Choice | str:
    """Store one ○/△/×; the last one counts. Returns why not ("closed", "not-invited", "no-slot")."""
    # The meeting row is locked so that an answer and the closing of the poll do not cross.
    meeting = await _locked(session, meeting_id)
    invitee = await session.get(MeetingInvitee, (meeting_id, member_id))
    if meeting is None or invitee is None or choice not in CHOICES:
        return "not-invited"
    if meeting.status != MeetingStatus.open or now >= meeting.deadline:
        return "closed"
    slot = await session.scalar(select(MeetingSlot).where(MeetingSlot.meeting_id == meeting_id,
                                                          MeetingSlot.position == position))
    if slot is None:
        return "no-slot"
    await upsert(session, MeetingAnswer, {"slot_id": slot.id, "member_id": member_id, "meeting_id": meeting_id,
                                          "choice": choice, "answered_at": now}, keys=["slot_id", "member_id"])
    if invitee.answered_at is None:
        answered = await session.scalar(select(func.count()).select_from(MeetingAnswer).where(
            MeetingAnswer.meeting_id == meeting_id, MeetingAnswer.member_id == member_id))
        slots = await session.scalar(select(func.count()).select_from(MeetingSlot)
                                     .where(MeetingSlot.meeting_id == meeting_id))
        if answered >= slots:
            invitee.answered_at = now
            await session.flush()
    waiting = await session.scalar(select(func.count()).select_from(MeetingInvitee).where(
        MeetingInvitee.meeting_id == meeting_id, MeetingInvitee.answered_at.is_(None)))
    return Choice(meeting, slot, everyone_answered=waiting == 0)


@dataclass
class SlotTally:
    slot: MeetingSlot
    yes: list[str] = field(default_factory=list)    # names
    maybe: list[str] = field(default_factory=list)
    no: list[str] = field(default_factory=list)

    @property
    def rank(self) -> tuple:
        """Most ○, then most △, then earliest."""
        return (-len(self.yes), -len(self.maybe), self.slot.starts_at, self.slot.position)


@dataclass
class Tally:
    meeting: Meeting
    slots: list[SlotTally]
    invited: int
    answered: int
    mine: dict[int, str] = field(default_factory=dict)  # position -> choice, for one member

    def best(self, after: datetime | None = None) -> SlotTally | None:
        """The slot most can attend (among those after `after`); None when nobody can attend any."""
        slots = [s for s in self.slots if after is None or s.slot.starts_at > after]
        best = min(slots, key=lambda s: s.rank, default=None)
        return best if best is not None and (best.yes or best.maybe) else None

    def for_slot(self, slot_id: int) -> SlotTally:
        return next(s for s in self.slots if s.slot.id == slot_id)


async def tally(session: AsyncSession, meeting: Meeting, member_id: int | None = None) -> Tally:
    slots = {s.id: SlotTally(s) for s in await slots_of(session, meeting.id)}
    rows = await session.execute(
        select(MeetingAnswer.slot_id, MeetingAnswer.member_id, MeetingAnswer.choice, Member.name, Organization.name)
        .join(Member, Member.id == MeetingAnswer.member_id)
        .join(Organization, Organization.id == Member.organization_id)
        .where(MeetingAnswer.meeting_id == meeting.id).order_by(Organization.name, Member.name))
    mine = {}
    for slot_id, who, choice, name, org in rows:
        getattr(slots[slot_id], choice).append(f"{name}（{org}）")
        if who == member_id:
            mine[slots[slot_id].slot.position] = choice
    invited = await session.scalar(select(func.count()).select_from(MeetingInvitee)
                                   .where(MeetingInvitee.meeting_id == meeting.id))
    answered = await session.scalar(select(func.count()).select_from(MeetingInvitee).where(
        MeetingInvitee.meeting_id == meeting.id, MeetingInvitee.answered_at.is_not(None)))
    return Tally(meeting, list(slots.values()), invited, answered, mine)


# Deciding

async def close_poll(session: AsyncSession, meeting_id: int, now: datetime, *,
                     organizer_from: datetime | None = None) -> Tally | None:
    """Close answering (None if it already was) and take the best slot still ahead.

    With an organizer the slot is proposed: it stands after DECIDE_WITHIN, counted from
    `organizer_from` (the end of quiet hours, when the proposal arrives), but at the latest an
    hour before it starts. Without an organizer it is decided at once. When nobody can attend
    any slot ahead, the meeting is cancelled.
    """
    meeting = await _locked(session, meeting_id)
    if meeting is None or meeting.status != MeetingStatus.open:
        return None
    result = await tally(session, meeting)
    best = result.best(after=now)
    if best is None:
        meeting.status = MeetingStatus.cancelled
    elif meeting.organizer_member_id is not None:
        stands_at = min((organizer_from or now) + DECIDE_WITHIN, best.slot.starts_at - HOUR_BEFORE)
        meeting.status, meeting.decided_slot_id, meeting.decide_by = MeetingStatus.deciding, best.slot.id, max(
            stands_at, now)
    else:
        _fix(meeting, best.slot, now)
    await session.flush()
    return result


def _fix(meeting: Meeting, slot: MeetingSlot, now: datetime) -> None:
    meeting.status, meeting.decided_slot_id, meeting.decided_at = MeetingStatus.decided, slot.id, now
    meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at


async def decide(session: AsyncSession, meeting_id: int, slot_id: int | None, now: datetime) -> Meeting | None:
    """Fix the slot (None: the one proposed); None when the meeting is not waiting for a decision
    or the slot has already begun."""
    meeting = await _locked(session, meeting_id)
    if meeting is None or meeting.status != MeetingStatus.deciding:
        return None
    slot = await session.get(MeetingSlot, slot_id or meeting.decided_slot_id)
    if slot is None or slot.meeting_id != meeting_id or slot.starts_at <= now:
        return None
    _fix(meeting, slot, now)
    await session.flush()
    return meeting


async def attendees(session: AsyncSession, meeting: Meeting) -> list[str]:
    """Everyone invited except those who said × to the decided slot."""
    declined = select(MeetingAnswer.member_id).where(MeetingAnswer.slot_id == meeting.decided_slot_id,
                                                     MeetingAnswer.choice == "no")
    return list(await session.scalars(select(MeetingInvitee.line_user_id).where(
        MeetingInvitee.meeting_id == meeting.id, MeetingInvitee.member_id.not_in(declined))))


async def invitees(session: AsyncSession, meeting_id: int, *, unanswered: bool = False) -> list[str]:
    query = select(MeetingInvitee.line_user_id).where(MeetingInvitee.meeting_id == meeting_id)
    if unanswered:
        query = query.where(MeetingInvitee.answered_at.is_(None))
    return list(await session.scalars(query))


async def cancel(session: AsyncSession, meeting_id: int, now: datetime) -> bool:
    done = await session.execute(update(Meeting).where(
        Meeting.id == meeting_id, Meeting.status.in_([MeetingStatus.open, MeetingStatus.deciding,
                                                      MeetingStatus.decided])).values(
        status=MeetingStatus.cancelled, sequence=Meeting.sequence + 1))
    return done.rowcount == 1


async def move(session: AsyncSession, meeting_id: int, start: datetime, now: datetime) -> Meeting | None:
    """Move a decided meeting, keeping its length; its reminders go again for the new time."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != MeetingStatus.decided:
        return None
    if start <= now:
        raise MeetingError("the new time is in the past")
    if beyond_horizon(start, now):
        raise TooFarAhead("the new time is more than three years away")
    length = meeting.ends_at - meeting.starts_at
    meeting.starts_at, meeting.ends_at, meeting.sequence = start, start + length, meeting.sequence + 1
    meeting.day_before_sent_at = meeting.hour_before_sent_at = None
    await session.flush()
    return meeting


# What the scheduler claims

@dataclass
class Due:
    close: list[int] = field(default_factory=list)    # polls past their deadline
    remind: list[int] = field(default_factory=list)   # a day before the deadline: the non-responders
    confirm: list[int] = field(default_factory=list)  # the organizer did not decide in time
    day_before: list[int] = field(default_factory=list)
    hour_before: list[int] = field(default_factory=list)


DAY_BEFORE_FROM = time(9, 0)  # the day-before reminder goes from this local time on the previous day


def day_before_due(starts_at: datetime, now: datetime, tz: tzinfo) -> bool:
    """From 09:00 on the previous calendar day (and, if that passed unsent, on the day: to be skipped)."""
    start_day, local = starts_at.astimezone(tz).date(), now.astimezone(tz)
    return local.date() >= start_day or (local.date() == start_day - timedelta(days=1) and local.time() >= DAY_BEFORE_FROM)


async def due(session: AsyncSession, now: datetime, tz: tzinfo) -> Due:
    out = Due()
    rows = await session.scalars(select(Meeting).where(
        Meeting.status.in_([MeetingStatus.open, MeetingStatus.deciding])
        | ((Meeting.status == MeetingStatus.decided) & (Meeting.starts_at > now)
           & Meeting.hour_before_sent_at.is_(None))))
    for meeting in rows:
        if meeting.status == MeetingStatus.open:
            if meeting.deadline <= now:
                out.close.append(meeting.id)
            elif (meeting.reminded_at is None and meeting.deadline - REMIND_BEFORE_DEADLINE <= now
                  and meeting.created_at <= meeting.deadline - REMIND_BEFORE_DEADLINE):
                out.remind.append(meeting.id)  # (a poll open for less than a day gets no reminder)
        elif meeting.status == MeetingStatus.deciding:
            if meeting.decide_by <= now:
                out.confirm.append(meeting.id)
        elif meeting.starts_at - HOUR_BEFORE <= now:
            out.hour_before.append(meeting.id)
        elif meeting.day_before_sent_at is None and day_before_due(meeting.starts_at, now, tz):
            out.day_before.append(meeting.id)
    return out


async def claim(session: AsyncSession, meeting_id: int, column: str, now: datetime) -> Meeting | None:
    """Set one of the meeting's *_at columns if still unset, and the meeting still in that stage:
    the claim that makes a reminder go once, and not for a meeting moved or closed meanwhile.

    The hour-before claim also takes the day-before one, which is pointless by then.
    """
    values = {column: now}
    if column == "reminded_at":
        where = [Meeting.status == MeetingStatus.open, Meeting.deadline > now]
    else:
        where = [Meeting.status == MeetingStatus.decided, Meeting.starts_at > now]
    if column == "hour_before_sent_at":
        values["day_before_sent_at"] = func.coalesce(Meeting.day_before_sent_at, now)
        where.append(Meeting.starts_at <= now + HOUR_BEFORE)
    done = await session.execute(update(Meeting).where(Meeting.id == meeting_id, getattr(Meeting, column).is_(None),
                                                       *where).values(values))
    if done.rowcount != 1:
        return None
    meeting = await session.get(Meeting, meeting_id)
    await session.refresh(meeting)
    return meeting
