"""Moving or cancelling a meeting (its organizer, or staff); everyone invited is told once."""

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.dialogs import Context, PostbackData, Router, StaleButton
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import span_label
from db.meetings import MeetingError, TooFarAhead, cancel, move
from db.models import Meeting, MeetingStatus, Member
from handlers.meetings.calendar import calendar_url
from handlers.meetings.messages import cancelled_text, proposal, tell_invitees, when_label

# Open to anyone: someone who is not an active member has no meetings to manage (and is told
# so), rather than the invite prompt.
router = Router("meetings.changes")


class Manage(PostbackData, prefix="mtg:mg"):
    meeting_id: int


class CancelMeeting(PostbackData, prefix="mtg:cancel"):
    meeting_id: int


class MoveMeeting(PostbackData, prefix="mtg:move"):
    """A date-time picker: the new start comes in the postback's params."""
    meeting_id: int


async def _manageable(ctx: Context, member: Member) -> list[Meeting]:
    query = select(Meeting).where(Meeting.status.in_([MeetingStatus.open, MeetingStatus.deciding,
                                                      MeetingStatus.decided]))
    if not member.is_staff:
        query = query.where(Meeting.organizer_member_id == member.id)
    return list(await ctx.session.scalars(query.order_by(Meeting.id.desc()).limit(12)))


@router.command(T.MEETING_MANAGE)
async def manage(ctx: Context) -> None:
    """The meetings this member may move or cancel, to pick one."""
    member = await ctx.active_member()
    meetings = await _manageable(ctx, member) if member else []
    if not meetings:
        ctx.reply(await ctx.help(T.MEETING_NONE_TO_MANAGE))
        return
    ctx.reply(m.text(T.ASK_MEETING_WHICH, quick=[m.postback_action(f"#{mt.id} {mt.title}", Manage(meeting_id=mt.id))
                                                 for mt in meetings]))


async def _my_meeting(ctx: Context, meeting_id: int) -> Meeting:
    """The meeting if it is still on and the sender organizes it (or is staff); StaleButton otherwise."""
    member = await ctx.active_member()
    meeting = await ctx.session.get(Meeting, meeting_id)
    if member is None or meeting is None or not (member.is_staff or meeting.organizer_member_id == member.id) \
            or meeting.status == MeetingStatus.cancelled:
        raise StaleButton(ctx.event.postback_data)
    return meeting


@router.postback(Manage)
async def manage_one(ctx: Context, button: Manage) -> None:
    """What can be done with the meeting picked: cancel it, move it once decided."""
    meeting = await _my_meeting(ctx, button.meeting_id)
    tz = ctx.settings.tz
    quick = [m.postback_action(T.MEETING_CANCEL, CancelMeeting(meeting_id=meeting.id), display_text=T.MEETING_CANCEL)]
    if meeting.status == MeetingStatus.deciding:  # the proposal's buttons again, should they be gone
        ctx.reply(await proposal(ctx.session, meeting, ctx.settings, ctx.now()))
    if meeting.status == MeetingStatus.decided:
        local_now = ctx.now().astimezone(tz)
        latest = max(local_now + timedelta(days=365), meeting.starts_at.astimezone(tz))
        initial = min(max(meeting.starts_at.astimezone(tz), local_now), latest)
        quick.append(m.datetime_picker(T.MEETING_MOVE, MoveMeeting(meeting_id=meeting.id), initial=initial,
                                       earliest=local_now, latest=latest))
    quick.append(m.message_action(T.CANCEL))
    ctx.reply(m.text(T.ASK_MEETING_ACTION.format(title=meeting.title, when=when_label(meeting, tz)), quick=quick))


async def _tell_everyone(ctx: Context, meeting: Meeting, text: str) -> None:
    rows, count = await tell_invitees(ctx.session, meeting, text, ctx.now())
    ctx.queued += rows
    ctx.reply(await ctx.help(T.MEETING_CHANGE_DONE.format(count=count)))


@router.postback(CancelMeeting)
async def cancel_meeting(ctx: Context, button: CancelMeeting) -> None:
    meeting = await _my_meeting(ctx, button.meeting_id)
    text = cancelled_text(meeting, ctx.settings.tz)
    if await cancel(ctx.session, meeting.id, ctx.now()):
        await _tell_everyone(ctx, meeting, text)


@router.postback(MoveMeeting)
async def move_meeting(ctx: Context, button: MoveMeeting) -> None:
    meeting = await _my_meeting(ctx, button.meeting_id)
    if meeting.status != MeetingStatus.decided:
        ctx.reply(m.text(T.MEETING_MOVE_NOT_DECIDED))
        return
    start = ctx.picked_moment()
    try:
        moved = await move(ctx.session, meeting.id, start, ctx.now()) if start else None
    except TooFarAhead:
        ctx.reply(m.text(T.DATE_TOO_FAR))
        return
    except MeetingError:
        moved = None
    if moved is None:
        ctx.reply(m.text(T.SLOT_PAST))
        return
    tz = ctx.settings.tz
    text = T.MEETING_MOVED.format(title=moved.title, slot=span_label(moved.starts_at, moved.ends_at, tz))
    url = calendar_url(ctx.settings.public_base_url, moved)
    await _tell_everyone(ctx, moved, text + ("\n" + T.MEETING_CALENDAR.format(url=url) if url else ""))
