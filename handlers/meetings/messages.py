"""What meetings send on their own: the poll card, the tally, the proposal, the decision, changes to everyone invited.

The scheduler and the command line send these too; the dialogs are in votes, setup and changes.
"""

from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import PostbackData
from bot.line import messages as m
from bot.line.outbox import queue_multicast, queue_push, quiet_hours_end
from bot.settings import Settings
from bot.texts import catalog as T
from bot.texts.formats import moment_label, span_label
from db.meetings import CHOICES, Tally, close_poll, decide, invitees, slots_of, tally
from db.models import Meeting, MeetingSlot, MeetingStatus, Member, MemberStatus, OutboxMessage
from handlers.meetings.calendar import calendar_url

CODES = {"y": "yes", "m": "maybe", "n": "no"}
LETTERS = {choice: code for code, choice in CODES.items()}
MAX_NAMES = 30


class Answer(PostbackData, prefix="mtg:a"):
    """○ / △ / × for one slot of a poll (the choice as its letter in CODES)."""
    meeting_id: int
    position: int
    choice: str


class ShowTally(PostbackData, prefix="mtg:t"):
    meeting_id: int


class Decide(PostbackData, prefix="mtg:d"):
    """The organizer's pick: the proposed slot (position 0) or another by its position."""
    meeting_id: int
    position: int


# What invitees get

def poll_card(meeting: Meeting, slots: list[MeetingSlot], tz: tzinfo, now: datetime) -> dict:
    """One bubble: each slot with its ○ △ × buttons, and a button for the tally."""
    deadline = moment_label(meeting.deadline, tz, now)
    rows = []
    for slot in slots:
        buttons = [{"type": "button", "style": "secondary", "height": "sm", "flex": 1,
                    "action": m.postback_action(T.MEETING_MARKS[choice],
                                                Answer(meeting_id=meeting.id, position=slot.position,
                                                       choice=LETTERS[choice]),
                                                display_text=f"{span_label(slot.starts_at, slot.ends_at, tz, now)} "
                                                             f"{T.MEETING_MARKS[choice]}")}
                   for choice in CHOICES]
        rows.append({"type": "box", "layout": "vertical", "spacing": "xs", "contents": [
            {"type": "text", "text": span_label(slot.starts_at, slot.ends_at, tz, now), "size": "sm", "weight": "bold"},
            {"type": "box", "layout": "horizontal", "spacing": "sm", "contents": buttons}]})
    return {
        "type": "flex",
        "altText": m.truncate_utf16(T.MEETING_ALT.format(title=meeting.title, deadline=deadline), 400),
        "contents": {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": [
                {"type": "text", "text": T.MEETING_CARD_HEADER, "size": "xs", "color": "#1F6F43"},
                {"type": "text", "text": meeting.title, "weight": "bold", "size": "lg", "wrap": True},
                {"type": "text", "text": T.MEETING_CARD_DEADLINE.format(deadline=deadline), "size": "xs",
                 "color": "#666666"},
                {"type": "text", "text": T.MEETING_CARD_HELP, "size": "xs", "wrap": True, "color": "#666666"},
                *rows,
            ]},
            "footer": {"type": "box", "layout": "vertical", "contents": [
                {"type": "button", "style": "link", "height": "sm",
                 "action": m.postback_action(T.MEETING_TALLY_BUTTON, ShowTally(meeting_id=meeting.id))}]},
        },
    }


async def send_poll(session: AsyncSession, meeting: Meeting, to: list[str], now: datetime, tz: tzinfo,
                    *extra: dict) -> list[OutboxMessage]:
    card = poll_card(meeting, await slots_of(session, meeting.id), tz, now)
    return queue_multicast(session, to=to, messages=[*extra, card], purpose=f"meeting:{meeting.id}", now=now)


def tally_text(result: Tally, tz: tzinfo, now: datetime) -> str:
    lines = []
    for s in result.slots:
        mine = result.mine.get(s.slot.position)
        lines.append(T.MEETING_TALLY_LINE.format(
            slot=span_label(s.slot.starts_at, s.slot.ends_at, tz, now), yes=len(s.yes), maybe=len(s.maybe), no=len(s.no),
            mine=T.MEETING_TALLY_MINE.format(mark=T.MEETING_MARKS[mine]) if mine else ""))
    return T.MEETING_TALLY.format(title=result.meeting.title, lines="\n".join(lines), answered=result.answered,
                                  invited=result.invited)


def _names(names: list[str]) -> str:
    shown = "、".join(names[:MAX_NAMES]) or T.MEETING_NOBODY
    return shown + (T.NOTICE_MORE_NAMES.format(count=len(names) - MAX_NAMES) if len(names) > MAX_NAMES else "")


# Deciding and announcing

async def announce(session: AsyncSession, meeting: Meeting, settings: Settings, now: datetime) -> list[OutboxMessage]:
    """The decision to everyone invited (and the group the poll came from), with the calendar link."""
    result = await tally(session, meeting)
    chosen = result.for_slot(meeting.decided_slot_id)
    text = T.MEETING_DECIDED.format(title=meeting.title, slot=span_label(meeting.starts_at, meeting.ends_at, settings.tz, now),
                                    yes=_names(chosen.yes), maybe=_names(chosen.maybe))
    url = calendar_url(settings.public_base_url, meeting)
    if url:
        text += "\n" + T.MEETING_CALENDAR.format(url=url)
    rows = queue_multicast(session, to=await invitees(session, meeting.id), messages=[m.text(text)],
                           purpose=f"meeting:{meeting.id}", now=now)
    if meeting.group_id:
        rows += queue_push(session, to=meeting.group_id, messages=[m.text(text)], purpose=f"meeting:{meeting.id}",
                           now=now)
    return rows


async def proposal(session: AsyncSession, meeting: Meeting, settings: Settings, now: datetime) -> dict:
    """The best slot for the organizer to confirm with one tap, or another (still ahead) to pick."""
    tz = settings.tz
    result = await tally(session, meeting)
    best = result.for_slot(meeting.decided_slot_id)
    text = T.MEETING_PROPOSAL.format(
        title=meeting.title, slot=span_label(best.slot.starts_at, best.slot.ends_at, tz, now), yes=len(best.yes),
        maybe=len(best.maybe), lines=tally_text(result, tz, now).split("\n", 1)[1].rsplit("\n", 1)[0],
        hours=max(1, round((meeting.decide_by - now).total_seconds() / 3600)))
    others = [m.postback_action(span_label(s.slot.starts_at, s.slot.ends_at, tz, now),
                                Decide(meeting_id=meeting.id, position=s.slot.position))
              for s in result.slots if s.slot.id != best.slot.id and s.slot.starts_at > now]
    quick = [m.postback_action(T.MEETING_CONFIRM_BEST, Decide(meeting_id=meeting.id, position=0),
                               display_text=T.MEETING_CONFIRM_BEST),
             *others[:11], m.message_action(T.MEETING_MANAGE)]
    return m.text(text, quick=quick)


async def close_and_decide(session: AsyncSession, meeting_id: int, settings: Settings,
                           now: datetime) -> list[OutboxMessage]:
    """Close answering: propose to the organizer, or (without one) decide and announce at once."""
    result = await close_poll(session, meeting_id, now, organizer_from=quiet_hours_end(now, settings) or now)
    if result is None:
        return []
    meeting = result.meeting
    organizer = meeting.organizer_member_id and await session.get(Member, meeting.organizer_member_id)
    here = organizer is not None and organizer and organizer.status == MemberStatus.active
    purpose = f"meeting:{meeting.id}"
    if meeting.status == MeetingStatus.cancelled:  # nobody can attend any slot still ahead
        text = T.MEETING_NO_SLOT_WORKS.format(title=meeting.title)
        if here:
            return queue_push(session, to=organizer.line_user_id, messages=[m.text(text)], purpose=purpose, now=now)
        return (await tell_invitees(session, meeting, text, now))[0]
    if meeting.status == MeetingStatus.deciding and here:
        return queue_push(session, to=organizer.line_user_id, messages=[await proposal(session, meeting, settings, now)],
                          purpose=purpose, now=now)
    if meeting.status == MeetingStatus.deciding:  # the organizer has left: the best slot stands
        meeting = await decide(session, meeting_id, None, now)
    return await announce(session, meeting, settings, now)


# Changes, told to everyone invited

def when_label(meeting: Meeting, tz: tzinfo, now: datetime) -> str:
    if meeting.starts_at:
        return span_label(meeting.starts_at, meeting.ends_at, tz, now)
    return T.MEETING_CARD_DEADLINE.format(deadline=moment_label(meeting.deadline, tz, now))


async def tell_invitees(session: AsyncSession, meeting: Meeting, text: str, now: datetime) -> tuple[list, int]:
    """One message to everyone invited (and the group the poll came from); returns the rows and the count."""
    to = await invitees(session, meeting.id)
    rows = queue_multicast(session, to=to, messages=[m.text(text)], purpose=f"meeting:{meeting.id}", now=now)
    if meeting.group_id:
        rows += queue_push(session, to=meeting.group_id, messages=[m.text(text)], purpose=f"meeting:{meeting.id}",
                           now=now)
    return rows, len(to)


def cancelled_text(meeting: Meeting, tz: tzinfo, now: datetime) -> str:
    return T.MEETING_CANCELLED.format(title=meeting.title, when=when_label(meeting, tz, now))


async def remind_to_answer(session: AsyncSession, meeting: Meeting, to: list[str], now: datetime,
                           tz: tzinfo) -> list[OutboxMessage]:
    """The poll again, to those who have not answered, a day before its deadline."""
    text = T.MEETING_REMINDER.format(title=meeting.title, deadline=moment_label(meeting.deadline, tz, now))
    return await send_poll(session, meeting, to, now, tz, m.text(text))


def remind_attendees(session: AsyncSession, meeting: Meeting, to: list[str], now: datetime, tz: tzinfo, *,
                     hour_before: bool) -> list[OutboxMessage]:
    """The reminder the day before a meeting, or an hour before (urgent: it cannot wait out quiet hours)."""
    template = T.MEETING_HOUR_BEFORE if hour_before else T.MEETING_DAY_BEFORE
    text = template.format(title=meeting.title, slot=span_label(meeting.starts_at, meeting.ends_at, tz, now))
    return queue_multicast(session, to=to, messages=[m.text(text)], purpose=f"meeting:{meeting.id}", now=now,
                           urgent=hour_before)
