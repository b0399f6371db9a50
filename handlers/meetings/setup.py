"""Setting up a meeting poll in LINE: title, slots, invitees, deadline, preview, send.

Any registered member may organize; started in a LINE group, the group's members are invited
and the setting-up goes on in the one-to-one chat.
"""

from datetime import datetime, timedelta, tzinfo

from bot.dialogs import Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label, span_label
from db.meetings import DEFAULT_LENGTH, MAX_SLOTS, MAX_TITLE, MeetingError, create_meeting, slot_flags
from db.rules.dates import DateError, beyond_horizon, read_span
from db.segments import Segment
from handlers.meetings.messages import send_poll
from handlers.dates import date_problem
from handlers.delivery import held_line, sent_text
from handlers.segments import SegmentStep, describe_segment

# Open to anyone: someone not (or no longer) an active member is told MEETING_MEMBERS_ONLY, in
# a group as well, rather than given the invite prompt.
router = Router("meetings.setup")
router.help_action(T.MEETING, T.MEETING)


class Create(StatesGroup):
    title = State()
    slots = State()
    length = State()
    segment = State()
    deadline = State()
    confirm = State()


class PickSlot(PostbackData, prefix="mtgc:slot"):
    """The date-time picker for a candidate's start (the time comes in the postback's params)."""


class SlotsDone(PostbackData, prefix="mtgc:slots:done"):
    """完了: no more candidates."""


class SlotLength(PostbackData, prefix="mtgc:len"):
    minutes: str  # a key of T.SLOT_LENGTHS


class Deadline(PostbackData, prefix="mtgc:dl"):
    """明日 / 3日後 ("1", "3": 18:00 that many days ahead), or the date-time picker ("pick")."""
    choice: str


def flag_texts(start: datetime, end: datetime, tz: tzinfo) -> list[str]:
    """What the organizer should know about a slot: a holiday, a weekend, outside 8:00-21:00."""
    out = []
    for flag in slot_flags(start, end, tz):
        if flag.startswith("holiday:"):
            out.append(T.SLOT_FLAG_HOLIDAY.format(name=flag.removeprefix("holiday:")))
        else:
            out.append({"weekend": T.SLOT_FLAG_WEEKEND, "hours": T.SLOT_FLAG_HOURS}[flag])
    return out


@router.command(T.MEETING, in_groups=True)
async def begin(ctx: Context) -> None:
    """日程調整: a new poll, its title first."""
    member = await ctx.active_member()
    if member is None:
        ctx.reply(m.text(T.MEETING_MEMBERS_ONLY))
        return
    group_id = None if ctx.event.is_one_to_one else ctx.event.chat_id
    ctx.begin(Create.title, group_id=group_id, slots=[])
    question = m.text(T.ASK_MEETING_TITLE.format(max=MAX_TITLE), quick=[m.message_action(T.CANCEL)])
    if group_id is None:
        ctx.reply(question)
    else:  # the setting-up goes on in the one-to-one chat, not in front of the whole group
        ctx.reply(m.text(T.MEETING_IN_GROUP.format(name=member.name)))
        ctx.push(member.line_user_id, question, purpose="meeting-setup", urgent=True)


@router.message(Create.title)
async def receive_title(ctx: Context) -> None:
    title = (ctx.text or "").strip()
    if not title or len(title) > MAX_TITLE:
        ctx.reply(m.text(T.MEETING_TITLE_INVALID.format(max=MAX_TITLE)))
        return
    ctx.update_data(title=title)
    ask_slot(ctx)


def _slots(ctx: Context) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in ctx.data.get("slots") or []]


def ask_slot(ctx: Context, *before: dict) -> None:
    local_now = ctx.now().astimezone(ctx.settings.tz)
    initial = (local_now + timedelta(days=7)).replace(hour=14, minute=0)
    picker = m.datetime_picker(T.PICK_SLOT, PickSlot(), initial=initial, earliest=local_now,
                               latest=local_now + timedelta(days=365))
    quick = [picker, m.postback_action(T.DONE, SlotsDone(), display_text=T.DONE), m.message_action(T.CANCEL)]
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
    ctx.update_data(slots=[[a.isoformat(), b.isoformat()] for a, b in sorted([*slots, (start, end)])])
    added = "\n".join([T.SLOT_ADDED.format(slot=span_label(start, end, tz, ctx.now())), *flag_texts(start, end, tz)])
    ask_slot(ctx, m.text(added))


@router.message(Create.slots)
async def slot_by_text(ctx: Context) -> None:
    """A candidate typed ("12/11 10時-11時", "12月11日 14:00〜15:30")."""
    tz = ctx.settings.tz
    try:
        start, end = read_span(ctx.text or "", ctx.now(), tz, DEFAULT_LENGTH)
    except DateError as exc:
        ask_slot(ctx, m.text(date_problem(exc, ctx.now(), tz, T.EXAMPLE_SLOT)))
        return
    add_slot(ctx, start, end)


@router.typed(Create.slots, {T.WORDS_DONE: SlotsDone()})
@router.postback(SlotsDone, state=Create.slots)
async def done_tapped(ctx: Context, button: SlotsDone) -> None:
    await slots_done(ctx)


@router.postback(PickSlot, state=Create.slots)
async def slot_picked(ctx: Context, button: PickSlot) -> None:
    """A candidate's start picked: its length next."""
    start = ctx.picked_moment()
    if start is None or beyond_horizon(start, ctx.now()):
        ask_slot(ctx, *([m.text(T.DATE_TOO_FAR)] if start else []))
        return
    ctx.set_state(Create.length)
    ctx.update_data(pending=start.isoformat())
    ask_length(ctx)


def ask_length(ctx: Context) -> None:
    start = datetime.fromisoformat(ctx.data["pending"])
    ctx.reply(m.text(T.ASK_SLOT_LENGTH.format(start=moment_label(start, ctx.settings.tz, ctx.now())), quick=[
        m.postback_action(label, SlotLength(minutes=minutes), display_text=label)
        for minutes, label in T.SLOT_LENGTHS.items()] + [m.message_action(T.CANCEL)]))


router.step(Create.length, ask=ask_length, hint=T.SLOT_LENGTH_HINT)


@router.typed(Create.length, {(T.SLOT_LENGTHS[minutes], *words): SlotLength(minutes=minutes)
                              for minutes, words in T.SLOT_LENGTH_WORDS.items()})
@router.postback(SlotLength, state=Create.length)
async def length_picked(ctx: Context, button: SlotLength) -> None:
    if button.minutes not in T.SLOT_LENGTHS:
        raise StaleButton(button.minutes)
    start = datetime.fromisoformat(ctx.data.pop("pending"))
    ctx.set_state(Create.slots)
    add_slot(ctx, start, start + timedelta(minutes=int(button.minutes)))


async def slots_done(ctx: Context) -> None:
    if not _slots(ctx):
        ask_slot(ctx, m.text(T.SLOTS_NONE))
        return
    if ctx.data.get("group_id"):
        segment = Segment("group", ctx.data["group_id"])
        if not await segment.members(ctx.session):
            ctx.clear()
            ctx.reply(m.text(T.MEETING_NO_INVITEES_GROUP))
            return
        ctx.update_data(segment=segment.spec)
        ask_deadline(ctx)
        return
    INVITEES_STEP.ask(ctx)


async def invitees_chosen(ctx: Context, segment: Segment) -> None:
    ctx.update_data(segment=segment.spec)
    ask_deadline(ctx)


INVITEES_STEP = SegmentStep(router, prefix="mtgc", state=Create.segment, question=T.ASK_MEETING_SEGMENT,
                            kinds=["type", "field", "agreement", "group", "area"], empty=T.MEETING_NO_INVITEES,
                            chosen=invitees_chosen)


def ask_deadline(ctx: Context, *before: dict) -> None:
    ahead = [[a.isoformat(), b.isoformat()] for a, b in _slots(ctx) if a > ctx.now() + timedelta(minutes=5)]
    if len(ahead) < len(_slots(ctx)):  # time passed while setting up: a slot is no longer ahead
        ctx.update_data(slots=ahead)
        ask_slot(ctx, *before, m.text(T.SLOT_PAST))
        return
    ctx.set_state(Create.deadline)
    tz, first = ctx.settings.tz, _slots(ctx)[0][0]
    local_now = ctx.now().astimezone(tz)
    picker = m.datetime_picker(T.PICK_DEADLINE, Deadline(choice="pick"), earliest=local_now,
                               initial=min(local_now + timedelta(days=3), first.astimezone(tz)),
                               latest=first.astimezone(tz))
    ctx.reply(*before, m.text(T.ASK_MEETING_DEADLINE.format(first=moment_label(first, tz, ctx.now())), quick=[
        m.postback_action(T.DEADLINE_TOMORROW, Deadline(choice="1"), display_text=T.DEADLINE_TOMORROW),
        m.postback_action(T.DEADLINE_IN_3_DAYS, Deadline(choice="3"), display_text=T.DEADLINE_IN_3_DAYS),
        picker, m.message_action(T.CANCEL)]))


@router.message(Create.deadline)
async def deadline_by_text(ctx: Context) -> None:
    """A time typed like a slot ("12/1 18:00")."""
    tz, text = ctx.settings.tz, ctx.text or ""
    try:
        deadline, _ = read_span(text, ctx.now(), tz)
    except DateError as exc:
        ask_deadline(ctx, m.text(date_problem(exc, ctx.now(), tz, T.EXAMPLE_MOMENT)))
        return
    await set_deadline(ctx, deadline)


def _six_pm(ctx: Context, days: int) -> datetime:
    day = ctx.now().astimezone(ctx.settings.tz).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, 18, 0, tzinfo=ctx.settings.tz)


@router.typed(Create.deadline, {(T.DEADLINE_TOMORROW, *T.WORDS_TOMORROW): Deadline(choice="1"),
                                (T.DEADLINE_IN_3_DAYS, *T.WORDS_IN_3_DAYS): Deadline(choice="3")})
@router.postback(Deadline, state=Create.deadline)
async def deadline_picked(ctx: Context, button: Deadline) -> None:
    if button.choice in ("1", "3"):
        await set_deadline(ctx, _six_pm(ctx, int(button.choice)))
        return
    picked = ctx.picked_moment()
    if picked is None:
        ask_deadline(ctx)
        return
    await set_deadline(ctx, picked)


async def set_deadline(ctx: Context, deadline: datetime) -> None:
    first = _slots(ctx)[0][0]
    if not ctx.now() < deadline <= first:
        ask_deadline(ctx, m.text(T.DEADLINE_INVALID.format(first=moment_label(first, ctx.settings.tz, ctx.now()))))
        return
    ctx.set_state(Create.confirm)
    ctx.update_data(deadline=deadline.isoformat())
    await show_preview(ctx)


async def show_preview(ctx: Context) -> None:
    tz = ctx.settings.tz
    segment = Segment.parse(ctx.data["segment"])
    lines = []
    for start, end in _slots(ctx):
        flags = flag_texts(start, end, tz)
        lines.append(T.MEETING_PREVIEW_SLOT.format(slot=span_label(start, end, tz, ctx.now()),
                                                  flags="".join(f" {flag}" for flag in flags)))
    preview = T.MEETING_PREVIEW.format(
        title=ctx.data["title"], slots="\n".join(lines), segment=await describe_segment(ctx.session, segment),
        count=len(await segment.members(ctx.session)),
        deadline=moment_label(datetime.fromisoformat(ctx.data["deadline"]), tz, ctx.now()))
    ctx.reply(m.text("\n".join(filter(None, (preview, held_line(ctx)))),
                     quick=[m.message_action(T.MEETING_SEND), m.message_action(T.CANCEL)]))


router.step(Create.confirm, ask=show_preview, hint=T.MEETING_CONFIRM_INVALID)


@router.typed(Create.confirm, T.WORDS_SEND)
async def confirm(ctx: Context) -> None:
    """送信する creates the poll and sends it."""
    member = await ctx.active_member()
    if member is None:
        ctx.clear()
        ctx.reply(m.text(T.MEETING_MEMBERS_ONLY))
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
            ctx.clear()
            ctx.reply(await ctx.help(T.MEETING_NO_INVITEES.format(segment=await describe_segment(ctx.session, segment))))
            return
        # Time passed while the organizer looked at the preview: a slot or the deadline is now past.
        ctx.set_state(Create.slots)
        ctx.update_data(slots=[[a.isoformat(), b.isoformat()] for a, b in _slots(ctx) if a > now])
        ask_slot(ctx, m.text(T.SLOT_PAST))
        return
    ctx.clear()
    ctx.queued += await send_poll(ctx.session, meeting, to, now, ctx.settings.tz)
    ctx.reply(await ctx.help(sent_text(ctx, T.MEETING_SENT, T.MEETING_HELD, title=meeting.title, count=len(to),
                                       id=meeting.id)))
