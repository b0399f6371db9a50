"""Meeting scheduling (日程調整): answering a poll, its tally, and the organizer's decision.

What these send is built in messages; setting a poll up is in setup, moving or cancelling a
meeting in changes.
"""

from sqlalchemy import select

from bot.dialogs import Context, Router, StaleButton
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label, span_label
from db.meetings import Choice, decide, invitees, record_choice, tally
from db.models import Meeting, MeetingInvitee, MeetingSlot
from handlers.meetings.messages import CODES, Answer, Decide, ShowTally, announce, close_and_decide, tally_text

# Open to anyone: a tap from someone who is not (or no longer) an active member is told
# MEETING_NOT_INVITED, not given the invite prompt.
router = Router("meetings.votes")


@router.postback(Answer)
async def answer(ctx: Context, button: Answer) -> None:
    """○ / △ / × for one slot: the last answer counts until the deadline."""
    if button.choice not in CODES:
        raise StaleButton(button.choice)
    member = await ctx.active_member()
    if member is None:
        ctx.reply(m.text(T.MEETING_NOT_INVITED))
        return
    choice = CODES[button.choice]
    done = await record_choice(ctx.session, meeting_id=button.meeting_id, member_id=member.id,
                               position=button.position, choice=choice, now=ctx.now())
    if not isinstance(done, Choice):
        ctx.reply(m.text(T.MEETING_CLOSED if done == "closed" else T.MEETING_NOT_INVITED))
        return
    tz = ctx.settings.tz
    result = await tally(ctx.session, done.meeting, member.id)
    said = T.MEETING_ANSWERED.format(slot=span_label(done.slot.starts_at, done.slot.ends_at, tz, ctx.now()),
                                     mark=T.MEETING_MARKS[choice], done=len(result.mine), total=len(result.slots))
    if done.everyone_answered:  # no need to wait for the deadline
        ctx.reply(m.text(said + "\n" + T.MEETING_ALL_IN))
        ctx.queued += await close_and_decide(ctx.session, done.meeting.id, ctx.settings, ctx.now())
        return
    if len(result.mine) == len(result.slots):
        said += "\n" + T.MEETING_ALL_ANSWERED.format(deadline=moment_label(done.meeting.deadline, tz, ctx.now()))
    ctx.reply(m.text(said))


@router.postback(ShowTally)
async def show_tally(ctx: Context, button: ShowTally) -> None:
    """The ○ △ × counts so far, for those invited, the organizer and staff."""
    member = await ctx.active_member()
    meeting = await ctx.session.get(Meeting, button.meeting_id)
    invited = meeting is not None and member is not None and (
        member.is_staff or meeting.organizer_member_id == member.id
        or await ctx.session.get(MeetingInvitee, (meeting.id, member.id)) is not None)
    if not invited:
        ctx.reply(m.text(T.MEETING_NOT_INVITED))
        return
    ctx.reply(m.text(tally_text(await tally(ctx.session, meeting, member.id), ctx.settings.tz, ctx.now())))


@router.postback(Decide)
async def organizer_decides(ctx: Context, button: Decide) -> None:
    """The organizer confirms the proposed slot (0) or picks another by its position."""
    member = await ctx.active_member()
    meeting = await ctx.session.get(Meeting, button.meeting_id)
    if meeting is None or member is None or not (member.id == meeting.organizer_member_id or member.is_staff):
        raise StaleButton(ctx.event.postback_data)
    slot_id = None
    if button.position:
        slot = await ctx.session.scalar(select(MeetingSlot).where(MeetingSlot.meeting_id == meeting.id,
                                                                  MeetingSlot.position == button.position))
        slot_id = slot.id if slot else -1
    decided = await decide(ctx.session, meeting.id, slot_id, ctx.now()) if slot_id != -1 else None
    if decided is None:
        ctx.reply(m.text(T.MEETING_NOT_DECIDING))
        return
    ctx.queued += await announce(ctx.session, decided, ctx.settings, ctx.now())
    count = len(await invitees(ctx.session, decided.id))
    ctx.reply(await ctx.help(T.MEETING_DECIDED_ORGANIZER.format(
        title=decided.title, slot=span_label(decided.starts_at, decided.ends_at, ctx.settings.tz, ctx.now()), count=count)))
