"""Meeting scheduling (日程調整): answering a poll, its tally, and the organizer's decision.

What these send is built in messages; setting a poll up is in setup, moving or cancelling a
meeting in changes.
"""

import re

from sqlalchemy import select

from bot.dialogs import UNHANDLED, Context, Router, StaleButton
from bot.dialogs.words import fold_all, folded
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label, span_label
from db.meetings import Choice, decide, invitees, record_choice, tally
from db.models import Meeting, MeetingInvitee, MeetingSlot, MeetingStatus
from handlers.delivery import sent_text
from handlers.meetings.messages import (CODES, Answer, Decide, ShowTally, announce, close_and_decide, poll_card,
                                        tally_text)
from db.meetings import slots_of

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
    ctx.reply(await ctx.help(sent_text(
        ctx, T.MEETING_DECIDED_ORGANIZER, T.MEETING_DECIDED_HELD, title=decided.title,
        slot=span_label(decided.starts_at, decided.ends_at, ctx.settings.tz, ctx.now()), count=count)))


# Answers typed instead of tapped: 「○」 for a poll with one slot, 「1○ 2△ 3×」 or 「全部○」 for several.

MARK_WORDS = {choice: fold_all(T.MEETING_MARK_WORDS[choice]) for choice in T.MEETING_MARK_WORDS}
_MARK = "|".join(sorted((re.escape(w) for words in MARK_WORDS.values() for w in words), key=len, reverse=True))
NUMBERED = re.compile(rf"(\d+)[:.、,)）番]*({_MARK})")
EVERY = fold_all(T.WORDS_ALL)


def _mark(word: str) -> str | None:
    return next((choice for choice, words in MARK_WORDS.items() if word in words), None)


def _typed_marks(text: str | None) -> tuple[str, object] | None:
    """What was typed, read as marks before the poll's slots are known: ("one", choice) for a lone
    mark, ("every", choice) for 全部○, ("numbered", {number: choice}); None if it is no marks at all."""
    form = folded(text)
    if (choice := _mark(form)) is not None:
        return "one", choice
    for every in EVERY:
        if form.startswith(every) and (choice := _mark(form[len(every):])) is not None:
            return "every", choice
    pairs = NUMBERED.findall(form)
    if not pairs or NUMBERED.sub("", form):
        return None
    return "numbered", {int(number): _mark(word) for number, word in pairs}


def read_marks(text: str | None, positions: list[int]) -> dict[int, str] | None:
    """{slot position: choice} from what was typed; None if it does not read as answers to these slots."""
    typed = _typed_marks(text)
    if typed is None:
        return None
    how, marks = typed
    if how == "one":
        return {positions[0]: marks} if len(positions) == 1 else {}
    if how == "every":
        return dict.fromkeys(positions, marks)
    return marks if set(marks) <= set(positions) else None


async def _open_poll_for(ctx: Context, member_id: int) -> Meeting | None:
    return await ctx.session.scalar(
        select(Meeting).join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id)
        .where(MeetingInvitee.member_id == member_id, Meeting.status == MeetingStatus.open,
               Meeting.deadline > ctx.now()).order_by(Meeting.id.desc()).limit(1))


@router.fallback()
async def typed_answers(ctx: Context) -> object:
    """○ / △ / × typed by someone a poll is open for: recorded like the taps."""
    if _typed_marks(ctx.text) is None:  # no marks (most chat): no poll to look up
        return UNHANDLED
    member = await ctx.active_member()
    meeting = member and await _open_poll_for(ctx, member.id)
    if meeting is None:
        return UNHANDLED
    slots = await slots_of(ctx.session, meeting.id)
    marks = read_marks(ctx.text, [slot.position for slot in slots])
    if marks is None:
        return UNHANDLED
    tz = ctx.settings.tz
    if not marks:  # one mark for several slots: which is meant is not known
        ctx.reply(m.text(T.MEETING_TYPED_HINT), poll_card(meeting, slots, tz, ctx.now()))
        return None
    lines, done = [], None
    for position, choice in sorted(marks.items()):
        done = await record_choice(ctx.session, meeting_id=meeting.id, member_id=member.id, position=position,
                                   choice=choice, now=ctx.now())
        if not isinstance(done, Choice):
            ctx.reply(m.text(T.MEETING_CLOSED if done == "closed" else T.MEETING_NOT_INVITED))
            return None
        lines.append(f"{span_label(done.slot.starts_at, done.slot.ends_at, tz, ctx.now())}：{T.MEETING_MARKS[choice]}")
    result = await tally(ctx.session, meeting, member.id)
    said = T.MEETING_TYPED_ANSWERED.format(title=meeting.title, lines="\n".join(lines), done=len(result.mine),
                                           total=len(result.slots))
    if done.everyone_answered:
        ctx.reply(m.text(said + "\n" + T.MEETING_ALL_IN))
        ctx.queued += await close_and_decide(ctx.session, meeting.id, ctx.settings, ctx.now())
        return None
    if len(result.mine) == len(result.slots):
        said += "\n" + T.MEETING_ALL_ANSWERED.format(deadline=moment_label(meeting.deadline, tz, ctx.now()))
    ctx.reply(m.text(said))
    return None
