"""Moving or cancelling a meeting (its organizer, or staff): shown first, then everyone invited is told once."""

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.dialogs import Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import span_label
from db.audit import record
from db.meetings import MeetingError, cancel, invitees, move
from db.models import Meeting, MeetingStatus, Member
from db.rules.dates import DateError, beyond_horizon, read_span
from handlers.dates import date_problem
from handlers.delivery import held_line, sent_text
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


class Change(StatesGroup):
    action = State()   # a meeting picked: a new time may be typed
    confirm = State()  # a move or a cancellation shown, waiting for the go-ahead


@router.postback(Manage)
async def manage_one(ctx: Context, button: Manage) -> None:
    """What can be done with the meeting picked: cancel it, move it once decided (picked or typed)."""
    meeting = await _my_meeting(ctx, button.meeting_id)
    tz, now = ctx.settings.tz, ctx.now()
    quick = [m.postback_action(T.MEETING_CANCEL, CancelMeeting(meeting_id=meeting.id), display_text=T.MEETING_CANCEL)]
    if meeting.status == MeetingStatus.deciding:  # the proposal's buttons again, should they be gone
        ctx.reply(await proposal(ctx.session, meeting, ctx.settings, now))
    question = T.ASK_MEETING_ACTION
    if meeting.status == MeetingStatus.decided:
        local_now = now.astimezone(tz)
        latest = max(local_now + timedelta(days=365), meeting.starts_at.astimezone(tz))
        initial = min(max(meeting.starts_at.astimezone(tz), local_now), latest)
        quick.append(m.datetime_picker(T.MEETING_MOVE, MoveMeeting(meeting_id=meeting.id), initial=initial,
                                       earliest=local_now, latest=latest))
        ctx.begin(Change.action, meeting_id=meeting.id)
        question = T.ASK_MEETING_ACTION_DECIDED
    quick.append(m.message_action(T.CANCEL))
    ctx.reply(m.text(question.format(title=meeting.title, when=when_label(meeting, tz, now)), quick=quick))


@router.message(Change.action)
async def new_time_by_text(ctx: Context) -> None:
    """A new start typed ("12/11 14時"): the move is shown for confirmation."""
    tz, now = ctx.settings.tz, ctx.now()
    try:
        start, _ = read_span(ctx.text or "", now, tz)
    except DateError as exc:
        ctx.reply(m.text(date_problem(exc, now, tz, T.EXAMPLE_MOMENT)))
        return
    await ask_to_confirm_move(ctx, ctx.data["meeting_id"], start)


async def _tell_everyone(ctx: Context, meeting: Meeting, text: str) -> None:
    rows, count = await tell_invitees(ctx.session, meeting, text, ctx.now())
    ctx.queued += rows
    ctx.reply(await ctx.help(sent_text(ctx, T.MEETING_CHANGE_DONE, T.MEETING_CHANGE_HELD, count=count)))


async def _show_change(ctx: Context, meeting: Meeting, text: str, ok: str, **data) -> None:
    """What everyone invited will read, and how many they are; nothing goes before 「ok」."""
    count = len(await invitees(ctx.session, meeting.id))
    ctx.begin(Change.confirm, meeting_id=meeting.id, ok=ok, **data)
    preview = T.MEETING_CHANGE_PREVIEW.format(count=count, text=text, ok=ok)
    ctx.reply(m.text("\n".join(filter(None, (held_line(ctx), preview))),
                     quick=[m.message_action(ok), m.message_action(T.CANCEL)]))


@router.postback(CancelMeeting)
async def cancel_meeting(ctx: Context, button: CancelMeeting) -> None:
    """中止する: shown first, with the message everyone invited will get."""
    meeting = await _my_meeting(ctx, button.meeting_id)
    await _show_change(ctx, meeting, cancelled_text(meeting, ctx.settings.tz, ctx.now()), T.MEETING_CANCEL_SEND)


@router.postback(MoveMeeting)
async def move_meeting(ctx: Context, button: MoveMeeting) -> None:
    """A new start picked: the move is shown for confirmation."""
    start = ctx.picked_moment()
    if start is None:
        raise StaleButton(ctx.event.postback_data)
    await ask_to_confirm_move(ctx, button.meeting_id, start)


async def ask_to_confirm_move(ctx: Context, meeting_id: int, start: datetime) -> None:
    meeting = await _my_meeting(ctx, meeting_id)
    if meeting.status != MeetingStatus.decided:
        ctx.clear()
        ctx.reply(m.text(T.MEETING_MOVE_NOT_DECIDED))
        return
    tz, now = ctx.settings.tz, ctx.now()
    if start <= now:
        ctx.reply(m.text(T.DATE_PAST_TODAY))
        return
    if beyond_horizon(start, now):
        ctx.reply(m.text(T.DATE_TOO_FAR))
        return
    end = start + (meeting.ends_at - meeting.starts_at)
    text = T.MEETING_MOVED.format(title=meeting.title, slot=span_label(start, end, tz, now))
    await _show_change(ctx, meeting, text, T.MEETING_MOVE_SEND, start=start.isoformat())


@router.message(Change.confirm)
async def confirm_change(ctx: Context) -> None:
    """The go-ahead: the meeting is moved or cancelled and everyone invited is told once."""
    if ctx.text != ctx.data["ok"]:
        ctx.reply(m.text(T.MEETING_CHANGE_CONFIRM_INVALID.format(ok=ctx.data["ok"]),
                         quick=[m.message_action(ctx.data["ok"]), m.message_action(T.CANCEL)]))
        return
    data, now, tz = dict(ctx.data), ctx.now(), ctx.settings.tz
    ctx.clear()
    meeting = await _my_meeting(ctx, data["meeting_id"])
    if "start" not in data:
        text = cancelled_text(meeting, tz, now)
        if await cancel(ctx.session, meeting.id, now):
            await record(ctx.session, actor=await ctx.actor(), action="meeting.cancel", now=now,
                         target_kind="meeting", target_id=meeting.id, target_label=meeting.title)
            await _tell_everyone(ctx, meeting, text)
        return
    try:
        moved = await move(ctx.session, meeting.id, datetime.fromisoformat(data["start"]), now)
    except MeetingError:  # time passed while the organizer looked at it
        moved = None
    if moved is None:
        ctx.reply(m.text(T.MEETING_MOVE_STALE))
        return
    text = T.MEETING_MOVED.format(title=moved.title, slot=span_label(moved.starts_at, moved.ends_at, tz, now))
    url = calendar_url(ctx.settings.public_base_url, moved)
    await _tell_everyone(ctx, moved, text + ("\n" + T.MEETING_CALENDAR.format(url=url) if url else ""))
