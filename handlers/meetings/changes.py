"""Moving or cancelling a meeting (its organizer, or staff); everyone invited is told once."""

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, Router
from bot.texts.formats import span_label
from db.meetings import MeetingError, cancel, move
from db.models import Meeting, MeetingStatus, Member
from handlers.meetings.calendar import calendar_url
from handlers.meetings.messages import cancelled_text, proposal, tell_invitees, when_label
from handlers.shared import postback_ids

router = Router("meeting_changes")


async def _manageable(ctx: Context, member: Member) -> list[Meeting]:
    query = select(Meeting).where(Meeting.status.in_([MeetingStatus.open, MeetingStatus.deciding,
                                                      MeetingStatus.decided]))
    if not member.is_staff:
        query = query.where(Meeting.organizer_member_id == member.id)
    return list(await ctx.session.scalars(query.order_by(Meeting.id.desc()).limit(12)))


@router.command(T.MEETING_MANAGE)
async def manage(ctx: Context) -> None:
    member = await ctx.active_member()
    meetings = await _manageable(ctx, member) if member else []
    if not meetings:
        ctx.reply(await ctx.help(T.MEETING_NONE_TO_MANAGE))
        return
    ctx.reply(m.text(T.ASK_MEETING_WHICH, quick=[m.postback_action(f"#{mt.id} {mt.title}", f"mtg:mg:{mt.id}")
                                                 for mt in meetings]))


async def _my_meeting(ctx: Context, prefix: str) -> Meeting | None:
    ids = postback_ids(ctx, prefix, 1)
    member = await ctx.active_member()
    meeting = await ctx.session.get(Meeting, ids[0]) if ids else None
    if member is None or meeting is None or not (member.is_staff or meeting.organizer_member_id == member.id) \
            or meeting.status == MeetingStatus.cancelled:
        ctx.reply(m.text(T.STALE_BUTTON))
        return None
    return meeting


@router.postback("mtg:mg:")
async def manage_one(ctx: Context) -> None:
    if (meeting := await _my_meeting(ctx, "mtg:mg:")) is None:
        return
    tz = ctx.settings.tz
    quick = [m.postback_action(T.MEETING_CANCEL, f"mtg:cancel:{meeting.id}", display_text=T.MEETING_CANCEL)]
    if meeting.status == MeetingStatus.deciding:  # the proposal's buttons again, should they be gone
        ctx.reply(await proposal(ctx.session, meeting, ctx.settings, ctx.now()))
    if meeting.status == MeetingStatus.decided:
        local_now = ctx.now().astimezone(tz)
        latest = max(local_now + timedelta(days=365), meeting.starts_at.astimezone(tz))
        initial = min(max(meeting.starts_at.astimezone(tz), local_now), latest)
        quick.append({"type": "datetimepicker", "label": T.MEETING_MOVE, "data": f"mtg:move:{meeting.id}",
                      "mode": "datetime", "initial": initial.strftime("%Y-%m-%dT%H:%M"),
                      "min": local_now.strftime("%Y-%m-%dT%H:%M"), "max": latest.strftime("%Y-%m-%dT%H:%M")})
    quick.append(m.message_action(T.CANCEL))
    ctx.reply(m.text(T.ASK_MEETING_ACTION.format(title=meeting.title, when=when_label(meeting, tz)), quick=quick))


async def _tell_everyone(ctx: Context, meeting: Meeting, text: str) -> None:
    rows, count = await tell_invitees(ctx.session, meeting, text, ctx.now())
    ctx.queued += rows
    ctx.reply(await ctx.help(T.MEETING_CHANGE_DONE.format(count=count)))


@router.postback("mtg:cancel:")
async def cancel_meeting(ctx: Context) -> None:
    if (meeting := await _my_meeting(ctx, "mtg:cancel:")) is None:
        return
    text = cancelled_text(meeting, ctx.settings.tz)
    if await cancel(ctx.session, meeting.id, ctx.now()):
        await _tell_everyone(ctx, meeting, text)


@router.postback("mtg:move:")
async def move_meeting(ctx: Context) -> None:
    if (meeting := await _my_meeting(ctx, "mtg:move:")) is None:
        return
    if meeting.status != MeetingStatus.decided:
        ctx.reply(m.text(T.MEETING_MOVE_NOT_DECIDED))
        return
    try:
        start = datetime.strptime(ctx.event.postback_params.get("datetime", ""), "%Y-%m-%dT%H:%M")
        moved = await move(ctx.session, meeting.id, start.replace(tzinfo=ctx.settings.tz), ctx.now())
    except (ValueError, MeetingError):
        ctx.reply(m.text(T.SLOT_PAST))
        return
    tz = ctx.settings.tz
    text = T.MEETING_MOVED.format(title=moved.title, slot=span_label(moved.starts_at, moved.ends_at, tz))
    url = calendar_url(ctx.settings.public_base_url, moved)
    await _tell_everyone(ctx, moved, text + ("\n" + T.MEETING_CALENDAR.format(url=url) if url else ""))
