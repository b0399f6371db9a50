"""Meeting scheduling (日程調整): a poll over candidate slots, ○/△/× answers, the decision and reminders."""

from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import messages as m
from bot import texts as T
from bot.calendar import calendar_url
from bot.dispatcher import Context, Router, State, StatesGroup
from bot.outbox import queue_multicast, queue_push, quiet_hours_end
from bot.settings import Settings
from db.meetings import (
    CHOICES,
    MAX_SLOTS,
    MAX_TITLE,
    Choice,
    MeetingError,
    Tally,
    cancel,
    close_poll,
    create_meeting,
    decide,
    invitees,
    move,
    parse_slot,
    record_choice,
    slot_flags,
    slots_of,
    tally,
)
from db.models import Meeting, MeetingInvitee, MeetingSlot, MeetingStatus, Member, MemberStatus, OutboxMessage
from db.segments import Segment
from handlers.shared import SegmentStep

router = Router("meetings")
router.help_action(T.MEETING, T.MEETING)

CODES = {"y": "yes", "m": "maybe", "n": "no"}
LETTERS = {choice: code for code, choice in CODES.items()}
MAX_NAMES = 30


class Create(StatesGroup):
    title = State()
    slots = State()
    length = State()
    segment = State()
    deadline = State()
    confirm = State()


# How times read

def moment_label(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.month}/{local.day}({T.WEEKDAYS[local.weekday()]}) {local:%H:%M}"


def slot_label(start: datetime, end: datetime, tz: tzinfo) -> str:
    return f"{moment_label(start, tz)}-{end.astimezone(tz):%H:%M}"


def flag_texts(start: datetime, end: datetime, tz: tzinfo) -> list[str]:
    out = []
    for flag in slot_flags(start, end, tz):
        if flag.startswith("holiday:"):
            out.append(T.SLOT_FLAG_HOLIDAY.format(name=flag.removeprefix("holiday:")))
        else:
            out.append({"weekend": T.SLOT_FLAG_WEEKEND, "hours": T.SLOT_FLAG_HOURS}[flag])
    return out


# What invitees get

def poll_card(meeting: Meeting, slots: list[MeetingSlot], tz: tzinfo) -> dict:
    """One bubble: each slot with its ○ △ × buttons, and a button for the tally."""
    deadline = moment_label(meeting.deadline, tz)
    rows = []
    for slot in slots:
        buttons = [{"type": "button", "style": "secondary", "height": "sm", "flex": 1,
                    "action": m.postback_action(T.MEETING_MARKS[choice],
                                                f"mtg:a:{meeting.id}:{slot.position}:{LETTERS[choice]}",
                                                display_text=f"{slot_label(slot.starts_at, slot.ends_at, tz)} "
                                                             f"{T.MEETING_MARKS[choice]}")}
                   for choice in CHOICES]
        rows.append({"type": "box", "layout": "vertical", "spacing": "xs", "contents": [
            {"type": "text", "text": slot_label(slot.starts_at, slot.ends_at, tz), "size": "sm", "weight": "bold"},
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
                 "action": m.postback_action(T.MEETING_TALLY_BUTTON, f"mtg:t:{meeting.id}")}]},
        },
    }


async def send_poll(session: AsyncSession, meeting: Meeting, to: list[str], now: datetime, tz: tzinfo,
                    *extra: dict) -> list[OutboxMessage]:
    card = poll_card(meeting, await slots_of(session, meeting.id), tz)
    return queue_multicast(session, to=to, messages=[*extra, card], purpose=f"meeting:{meeting.id}", now=now)


def tally_text(result: Tally, tz: tzinfo) -> str:
    lines = []
    for s in result.slots:
        mine = result.mine.get(s.slot.position)
        lines.append(T.MEETING_TALLY_LINE.format(
            slot=slot_label(s.slot.starts_at, s.slot.ends_at, tz), yes=len(s.yes), maybe=len(s.maybe), no=len(s.no),
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
    text = T.MEETING_DECIDED.format(title=meeting.title, slot=slot_label(meeting.starts_at, meeting.ends_at, settings.tz),
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
        title=meeting.title, slot=slot_label(best.slot.starts_at, best.slot.ends_at, tz), yes=len(best.yes),
        maybe=len(best.maybe), lines=tally_text(result, tz).split("\n", 1)[1].rsplit("\n", 1)[0],
        hours=max(1, round((meeting.decide_by - now).total_seconds() / 3600)))
    others = [m.postback_action(slot_label(s.slot.starts_at, s.slot.ends_at, tz), f"mtg:d:{meeting.id}:{s.slot.position}")
              for s in result.slots if s.slot.id != best.slot.id and s.slot.starts_at > now]
    quick = [m.postback_action(T.MEETING_CONFIRM_BEST, f"mtg:d:{meeting.id}:0", display_text=T.MEETING_CONFIRM_BEST),
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


# Answering

def _ints(ctx: Context, prefix: str, count: int) -> list[int] | None:
    parts = (ctx.event.postback_data or "").removeprefix(prefix).split(":")
    if len(parts) != count or not all(p.isascii() and p.isdecimal() and len(p) <= 9 for p in parts[:count]):
        return None
    return [int(p) for p in parts]


@router.postback("mtg:a:")
async def answer(ctx: Context) -> None:
    """○ / △ / × for one slot: the last answer counts until the deadline."""
    parts = (ctx.event.postback_data or "").removeprefix("mtg:a:").split(":")
    member = await ctx.active_member()
    ok = len(parts) == 3 and all(p.isascii() and p.isdecimal() and len(p) <= 9 for p in parts[:2]) and parts[2] in CODES
    if member is None or not ok:
        ctx.reply(m.text(T.MEETING_NOT_INVITED))
        return
    done = await record_choice(ctx.session, meeting_id=int(parts[0]), member_id=member.id, position=int(parts[1]),
                               choice=CODES[parts[2]], now=ctx.now())
    if not isinstance(done, Choice):
        ctx.reply(m.text(T.MEETING_CLOSED if done == "closed" else T.MEETING_NOT_INVITED))
        return
    tz = ctx.settings.tz
    result = await tally(ctx.session, done.meeting, member.id)
    said = T.MEETING_ANSWERED.format(slot=slot_label(done.slot.starts_at, done.slot.ends_at, tz),
                                     mark=T.MEETING_MARKS[CODES[parts[2]]], done=len(result.mine),
                                     total=len(result.slots))
    if done.everyone_answered:  # no need to wait for the deadline
        ctx.reply(m.text(said + "\n" + T.MEETING_ALL_IN))
        ctx.queued += await close_and_decide(ctx.session, done.meeting.id, ctx.settings, ctx.now())
        return
    if len(result.mine) == len(result.slots):
        said += "\n" + T.MEETING_ALL_ANSWERED.format(deadline=moment_label(done.meeting.deadline, tz))
    ctx.reply(m.text(said))


@router.postback("mtg:t:")
async def show_tally(ctx: Context) -> None:
    ids = _ints(ctx, "mtg:t:", 1)
    member = await ctx.active_member()
    meeting = await ctx.session.get(Meeting, ids[0]) if ids else None
    invited = meeting is not None and member is not None and (
        member.is_staff or meeting.organizer_member_id == member.id
        or await ctx.session.get(MeetingInvitee, (meeting.id, member.id)) is not None)
    if not invited:
        ctx.reply(m.text(T.MEETING_NOT_INVITED))
        return
    ctx.reply(m.text(tally_text(await tally(ctx.session, meeting, member.id), ctx.settings.tz)))


@router.postback("mtg:d:")
async def organizer_decides(ctx: Context) -> None:
    """The organizer confirms the proposed slot (0) or picks another by its position."""
    ids = _ints(ctx, "mtg:d:", 2)
    member = await ctx.active_member()
    meeting = await ctx.session.get(Meeting, ids[0]) if ids else None
    if meeting is None or member is None or not (member.id == meeting.organizer_member_id or member.is_staff):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    slot_id = None
    if ids[1]:
        slot = await ctx.session.scalar(select(MeetingSlot).where(MeetingSlot.meeting_id == meeting.id,
                                                                  MeetingSlot.position == ids[1]))
        slot_id = slot.id if slot else -1
    decided = await decide(ctx.session, meeting.id, slot_id, ctx.now()) if slot_id != -1 else None
    if decided is None:
        ctx.reply(m.text(T.MEETING_NOT_DECIDING))
        return
    ctx.queued += await announce(ctx.session, decided, ctx.settings, ctx.now())
    count = len(await invitees(ctx.session, decided.id))
    ctx.reply(await ctx.help(T.MEETING_DECIDED_ORGANIZER.format(
        title=decided.title, slot=slot_label(decided.starts_at, decided.ends_at, ctx.settings.tz), count=count)))


# Creating (any registered member; in a group, its members are invited)

@router.command(T.MEETING, in_groups=True)
async def begin(ctx: Context) -> None:
    member = await ctx.active_member()
    if member is None:
        ctx.reply(m.text(T.MEETING_MEMBERS_ONLY))
        return
    ctx.clear_state()
    group_id = None if ctx.event.is_one_to_one else ctx.event.chat_id
    ctx.set_state(Create.title, group_id=group_id, slots=[])
    question = m.text(T.ASK_MEETING_TITLE.format(max=MAX_TITLE), quick=[m.message_action(T.CANCEL)])
    if group_id is None:
        ctx.reply(question)
    else:  # the setting-up goes on in the one-to-one chat, not in front of the whole group
        ctx.reply(m.text(T.MEETING_IN_GROUP.format(name=member.name)))
        ctx.push(member.line_user_id, question, purpose="meeting-setup", urgent=True)


@router.state(Create.title)
async def receive_title(ctx: Context) -> None:
    title = (ctx.text or "").strip()
    if not title or len(title) > MAX_TITLE:
        ctx.reply(m.text(T.MEETING_TITLE_INVALID.format(max=MAX_TITLE)))
        return
    ctx.set_state(Create.slots, title=title)
    ask_slot(ctx)


def _slots(ctx: Context) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in ctx.data.get("slots") or []]


def ask_slot(ctx: Context, *before: dict) -> None:
    local_now = ctx.now().astimezone(ctx.settings.tz)
    initial = (local_now + timedelta(days=7)).replace(hour=14, minute=0)
    picker = {"type": "datetimepicker", "label": T.PICK_SLOT, "data": "mtgc:slot", "mode": "datetime",
              "initial": initial.strftime("%Y-%m-%dT%H:%M"), "min": local_now.strftime("%Y-%m-%dT%H:%M"),
              "max": (local_now + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M")}
    quick = [picker, m.postback_action(T.DONE, "mtgc:slots:done", display_text=T.DONE), m.message_action(T.CANCEL)]
    ctx.set_state(Create.slots)
    ctx.reply(*before, m.text(T.ASK_MEETING_SLOT.format(count=len(_slots(ctx)), max=MAX_SLOTS), quick=quick))


def add_slot(ctx: Context, start: datetime, end: datetime) -> None:
    """Add a candidate (refusing the past and repeats), with what the organizer should know about it."""
    tz, slots = ctx.settings.tz, _slots(ctx)
    if start <= ctx.now():
        ask_slot(ctx, m.text(T.SLOT_PAST))
        return
    if (start, end) in slots:
        ask_slot(ctx, m.text(T.SLOT_DUPLICATE))
        return
    if len(slots) >= MAX_SLOTS:
        ask_slot(ctx, m.text(T.SLOTS_FULL.format(max=MAX_SLOTS)))
        return
    ctx.data["slots"] = [[a.isoformat(), b.isoformat()] for a, b in sorted([*slots, (start, end)])]
    added = "\n".join([T.SLOT_ADDED.format(slot=slot_label(start, end, tz)), *flag_texts(start, end, tz)])
    ask_slot(ctx, m.text(added))


@router.state(Create.slots)
async def slot_by_text(ctx: Context) -> None:
    if ctx.text == T.DONE:
        await slots_done(ctx)
        return
    try:
        start, end = parse_slot(ctx.text or "", ctx.now(), ctx.settings.tz)
    except MeetingError:
        ask_slot(ctx, m.text(T.SLOT_INVALID))
        return
    add_slot(ctx, start, end)


@router.postback("mtgc:slot")
async def slot_picked(ctx: Context) -> None:
    if not ctx.in_state(Create.slots):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    if ctx.event.postback_data == "mtgc:slots:done":
        await slots_done(ctx)
        return
    try:
        start = datetime.strptime(ctx.event.postback_params.get("datetime", ""), "%Y-%m-%dT%H:%M")
    except ValueError:
        ask_slot(ctx)
        return
    start = start.replace(tzinfo=ctx.settings.tz)
    ctx.set_state(Create.length, pending=start.isoformat())
    ctx.reply(m.text(T.ASK_SLOT_LENGTH.format(start=moment_label(start, ctx.settings.tz)), quick=[
        m.postback_action(label, f"mtgc:len:{minutes}", display_text=label)
        for minutes, label in T.SLOT_LENGTHS.items()] + [m.message_action(T.CANCEL)]))


@router.state(Create.length)
async def length_by_text(ctx: Context) -> None:
    ctx.set_state(Create.slots)
    ask_slot(ctx)


@router.postback("mtgc:len:")
async def length_picked(ctx: Context) -> None:
    minutes = ctx.event.postback_data.removeprefix("mtgc:len:")
    if not ctx.in_state(Create.length) or minutes not in T.SLOT_LENGTHS:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    start = datetime.fromisoformat(ctx.data.pop("pending"))
    ctx.set_state(Create.slots)
    add_slot(ctx, start, start + timedelta(minutes=int(minutes)))


async def slots_done(ctx: Context) -> None:
    if not _slots(ctx):
        ask_slot(ctx, m.text(T.SLOTS_NONE))
        return
    if ctx.data.get("group_id"):
        segment = Segment("group", ctx.data["group_id"])
        if not await segment.members(ctx.session):
            ctx.clear_state()
            ctx.reply(m.text(T.MEETING_NO_INVITEES_GROUP))
            return
        ctx.data["segment"] = segment.spec
        ask_deadline(ctx)
        return
    INVITEES_STEP.ask(ctx)


async def invitees_chosen(ctx: Context, segment: Segment) -> None:
    ctx.data["segment"] = segment.spec
    ask_deadline(ctx)


INVITEES_STEP = SegmentStep(router, prefix="mtgc:", state=Create.segment, question=T.ASK_MEETING_SEGMENT,
                            kinds=["type", "field", "agreement", "group", "area"], empty=T.MEETING_NO_INVITEES,
                            chosen=invitees_chosen)


def ask_deadline(ctx: Context, *before: dict) -> None:
    ahead = [[a.isoformat(), b.isoformat()] for a, b in _slots(ctx) if a > ctx.now() + timedelta(minutes=5)]
    if len(ahead) < len(_slots(ctx)):  # time passed while setting up: a slot is no longer ahead
        ctx.data["slots"] = ahead
        ask_slot(ctx, *before, m.text(T.SLOT_PAST))
        return
    ctx.set_state(Create.deadline)
    tz, first = ctx.settings.tz, _slots(ctx)[0][0]
    local_now = ctx.now().astimezone(tz)
    picker = {"type": "datetimepicker", "label": T.PICK_DEADLINE, "data": "mtgc:dl:pick", "mode": "datetime",
              "initial": min(local_now + timedelta(days=3), first.astimezone(tz)).strftime("%Y-%m-%dT%H:%M"),
              "min": local_now.strftime("%Y-%m-%dT%H:%M"), "max": first.astimezone(tz).strftime("%Y-%m-%dT%H:%M")}
    ctx.reply(*before, m.text(T.ASK_MEETING_DEADLINE.format(first=moment_label(first, tz)), quick=[
        m.postback_action(T.DEADLINE_TOMORROW, "mtgc:dl:1", display_text=T.DEADLINE_TOMORROW),
        m.postback_action(T.DEADLINE_IN_3_DAYS, "mtgc:dl:3", display_text=T.DEADLINE_IN_3_DAYS),
        picker, m.message_action(T.CANCEL)]))


@router.state(Create.deadline)
async def deadline_by_text(ctx: Context) -> None:
    ask_deadline(ctx)


@router.postback("mtgc:dl:")
async def deadline_picked(ctx: Context) -> None:
    if not ctx.in_state(Create.deadline):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    tz, choice = ctx.settings.tz, ctx.event.postback_data.removeprefix("mtgc:dl:")
    if choice in ("1", "3"):
        day = ctx.now().astimezone(tz).date() + timedelta(days=int(choice))
        deadline = datetime(day.year, day.month, day.day, 18, 0, tzinfo=tz)
    else:
        try:
            deadline = datetime.strptime(ctx.event.postback_params.get("datetime", ""), "%Y-%m-%dT%H:%M")
        except ValueError:
            ask_deadline(ctx)
            return
        deadline = deadline.replace(tzinfo=tz)
    first = _slots(ctx)[0][0]
    if not ctx.now() < deadline <= first:
        ask_deadline(ctx, m.text(T.DEADLINE_INVALID.format(first=moment_label(first, tz))))
        return
    ctx.set_state(Create.confirm, deadline=deadline.isoformat())
    await show_preview(ctx)


async def show_preview(ctx: Context) -> None:
    tz = ctx.settings.tz
    segment = Segment.parse(ctx.data["segment"])
    lines = []
    for start, end in _slots(ctx):
        flags = flag_texts(start, end, tz)
        lines.append(f"・{slot_label(start, end, tz)}" + (f" {' '.join(flags)}" if flags else ""))
    ctx.reply(m.text(T.MEETING_PREVIEW.format(
        title=ctx.data["title"], slots="\n".join(lines), segment=await segment.describe(ctx.session),
        count=len(await segment.members(ctx.session)),
        deadline=moment_label(datetime.fromisoformat(ctx.data["deadline"]), tz)),
        quick=[m.message_action(T.MEETING_SEND), m.message_action(T.CANCEL)]))


@router.state(Create.confirm)
async def confirm(ctx: Context) -> None:
    member = await ctx.active_member()
    if member is None:
        ctx.clear_state()
        ctx.reply(m.text(T.MEETING_MEMBERS_ONLY))
        return
    if ctx.text != T.MEETING_SEND:
        ctx.reply(m.text(T.MEETING_CONFIRM_INVALID))
        await show_preview(ctx)
        return
    now, data = ctx.now(), dict(ctx.data)
    try:
        meeting, to = await create_meeting(
            ctx.session, title=data["title"], slots=_slots(ctx), segment=Segment.parse(data["segment"]),
            deadline=datetime.fromisoformat(data["deadline"]), now=now, organizer_id=member.id,
            group_id=data.get("group_id"))
    except MeetingError:
        segment = Segment.parse(data["segment"])
        if not await segment.members(ctx.session):  # everyone invited has left meanwhile
            ctx.clear_state()
            ctx.reply(await ctx.help(T.MEETING_NO_INVITEES.format(segment=await segment.describe(ctx.session))))
            return
        # Time passed while the organizer looked at the preview: a slot or the deadline is now past.
        ctx.set_state(Create.slots, slots=[[a.isoformat(), b.isoformat()] for a, b in _slots(ctx) if a > now])
        ask_slot(ctx, m.text(T.SLOT_PAST))
        return
    ctx.clear_state()
    ctx.queued += await send_poll(ctx.session, meeting, to, now, ctx.settings.tz)
    ctx.reply(await ctx.help(T.MEETING_SENT.format(title=meeting.title, count=len(to), id=meeting.id)))


# Cancelling or moving a meeting (its organizer, or staff)

async def _manageable(ctx: Context, member: Member) -> list[Meeting]:
    query = select(Meeting).where(Meeting.status.in_([MeetingStatus.open, MeetingStatus.deciding,
                                                      MeetingStatus.decided]))
    if not member.is_staff:
        query = query.where(Meeting.organizer_member_id == member.id)
    return list(await ctx.session.scalars(query.order_by(Meeting.id.desc()).limit(12)))


def _when(meeting: Meeting, tz: tzinfo) -> str:
    if meeting.starts_at:
        return slot_label(meeting.starts_at, meeting.ends_at, tz)
    return T.MEETING_CARD_DEADLINE.format(deadline=moment_label(meeting.deadline, tz))


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
    ids = _ints(ctx, prefix, 1)
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
    ctx.reply(m.text(T.ASK_MEETING_ACTION.format(title=meeting.title, when=_when(meeting, tz)), quick=quick))


async def tell_invitees(session: AsyncSession, meeting: Meeting, text: str, now: datetime) -> tuple[list, int]:
    """One message to everyone invited (and the group the poll came from); returns the rows and the count."""
    to = await invitees(session, meeting.id)
    rows = queue_multicast(session, to=to, messages=[m.text(text)], purpose=f"meeting:{meeting.id}", now=now)
    if meeting.group_id:
        rows += queue_push(session, to=meeting.group_id, messages=[m.text(text)], purpose=f"meeting:{meeting.id}",
                           now=now)
    return rows, len(to)


def cancelled_text(meeting: Meeting, tz: tzinfo) -> str:
    return T.MEETING_CANCELLED.format(title=meeting.title, when=_when(meeting, tz))


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
    text = T.MEETING_MOVED.format(title=moved.title, slot=slot_label(moved.starts_at, moved.ends_at, tz))
    url = calendar_url(ctx.settings.public_base_url, moved)
    await _tell_everyone(ctx, moved, text + ("\n" + T.MEETING_CALENDAR.format(url=url) if url else ""))
