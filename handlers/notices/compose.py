"""Staff composing a notice in LINE: its text, the segment, when to send, the preview and the send."""

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton, State, StatesGroup
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.models import Organization
from db.notices import MAX_NOTICE_TEXT, read_status
from db.rules.dates import DateError, read_span
from db.segments import Segment
from handlers.notices.issue import NoticeRefused, check_send_at, checked_text, issue_notice, quota_preview
from handlers.notices.messages import send_notice
from handlers.dates import date_problem
from handlers.delivery import sending_label, sent_text
from bot.dialogs.words import fold_all, folded
from handlers.segments import (SegmentButtons, describe_segment, picked_segment, segment_choices, segment_menu,
                               segment_options, typed_segment)

router = Router("notices.compose", access=Access.staff, refusal=T.NOTICE_STAFF_ONLY)
router.help_action(T.NOTICE, T.NOTICE, staff_only=True)

MAX_ORGS_SHOWN = 12


class Compose(StatesGroup):
    text = State()
    segment = State()
    orgs = State()
    when = State()
    confirm = State()


SEGMENT_BUTTONS = SegmentButtons("ntc")
SEGMENT_KINDS = ["area", "type", "field", "role", "agreement", "group"]


class OrgToggle(PostbackData, prefix="ntc:org"):
    org_id: int


class OrgsDone(PostbackData, prefix="ntc:org:done"):
    pass


class SendNow(PostbackData, prefix="ntc:when:now"):
    pass


class PickedTime(PostbackData, prefix="ntc:when:pick"):
    """The date-time picker's button; the moment comes in the postback's params."""


@router.command(T.NOTICE)
async def start_notice(ctx: Context) -> None:
    """Staff begin a notice: first its text."""
    ctx.begin(Compose.text)
    # Read the quota now, outside the transaction, so the preview a few taps later has it.
    ctx.after_commit.append(ctx.gateway.refresh_quota)
    ctx.reply(m.text(T.ASK_NOTICE_TEXT.format(max=MAX_NOTICE_TEXT), quick=[m.message_action(T.CANCEL)]))


@router.message(Compose.text)
async def receive_notice_text(ctx: Context) -> None:
    """The notice's text, within LINE's length for it."""
    try:
        text = checked_text(ctx.text)
    except NoticeRefused as refusal:
        ctx.reply(m.text(refusal.message))
        return
    ctx.update_data(text=text)
    ask_segment(ctx)


def ask_segment(ctx: Context) -> None:
    ctx.set_state(Compose.segment)
    ctx.reply(segment_menu(T.ASK_NOTICE_SEGMENT, SEGMENT_BUTTONS, SEGMENT_KINDS,
                           m.postback_action(T.PICK_ORGS, SEGMENT_BUTTONS.Kind(kind="orgs"))))


@router.message(Compose.segment)
async def segment_by_text(ctx: Context) -> None:
    """全員, a kind or a choice typed works like its button (「団体を指定」 too); anything else gets the buttons again."""
    if folded(ctx.text) in fold_all((T.PICK_ORGS, *T.PICK_WORDS["orgs"])):
        await pick_segment_kind(ctx, SEGMENT_BUTTONS.Kind(kind="orgs"))
        return
    typed = await typed_segment(ctx.session, ctx.text, SEGMENT_KINDS)
    if isinstance(typed, Segment):
        await choose_segment(ctx, typed)
    elif typed is not None:
        await pick_segment_kind(ctx, SEGMENT_BUTTONS.Kind(kind=typed))
    else:
        ctx.reply(m.text(T.SEGMENT_PICK_BUTTON))
        ask_segment(ctx)


@router.postback(SEGMENT_BUTTONS.Kind, state=(Compose.segment, Compose.orgs))
async def pick_segment_kind(ctx: Context, button: SEGMENT_BUTTONS.Kind) -> None:
    """Second level of the segment menu: the types, fields, agreements, groups or organizations."""
    kind = button.kind
    ctx.set_state(Compose.segment)
    if kind == "orgs":
        ctx.set_state(Compose.orgs)
        ctx.update_data(orgs=[])
        await ask_orgs(ctx)
        return
    menu = await segment_options(ctx.session, kind)
    if menu is None:
        raise StaleButton(kind)
    question, options = menu
    if not options:
        ctx.reply(m.text(question))
        ask_segment(ctx)
        return
    ctx.reply(segment_choices(question, SEGMENT_BUTTONS, options))


async def ask_orgs(ctx: Context) -> None:
    chosen = set(ctx.data.get("orgs") or [])
    orgs = list(await ctx.session.scalars(select(Organization).order_by(Organization.name).limit(MAX_ORGS_SHOWN - 1)))
    names = [o.name for o in await ctx.session.scalars(select(Organization).where(Organization.id.in_(chosen)))]
    buttons = [m.postback_action(("✓" if o.id in chosen else "") + o.name, OrgToggle(org_id=o.id)) for o in orgs]
    buttons.append(m.postback_action(T.DONE, OrgsDone(), display_text=T.DONE))
    ctx.reply(m.text(T.ASK_SEGMENT_ORGS.format(selected="、".join(names) or T.NONE_SELECTED), quick=buttons))


@router.postback(OrgToggle, state=Compose.orgs)
async def toggle_org(ctx: Context, button: OrgToggle) -> None:
    """An organization tapped: in the segment, or out again."""
    chosen = list(ctx.data.get("orgs") or [])
    org_id = button.org_id
    ctx.update_data(orgs=[i for i in chosen if i != org_id] if org_id in chosen else chosen + [org_id])
    await ask_orgs(ctx)


@router.typed(Compose.orgs, {T.WORDS_DONE: OrgsDone()})
@router.postback(OrgsDone, state=Compose.orgs)
async def finish_orgs(ctx: Context, _: OrgsDone) -> None:
    """The organizations chosen so far are the segment (the list again while there are none)."""
    chosen = list(ctx.data.get("orgs") or [])
    if not chosen:
        await ask_orgs(ctx)
        return
    await choose_segment(ctx, Segment("orgs", ",".join(str(i) for i in sorted(chosen))))


@router.message(Compose.orgs)
async def orgs_by_text(ctx: Context) -> None:
    """An organization's exact name typed instead of tapped."""
    names = {folded(name): org_id for org_id, name in await ctx.session.execute(select(Organization.id, Organization.name))}
    org_id = names.get(folded(ctx.text))
    if org_id is not None and org_id not in (ctx.data.get("orgs") or []):
        ctx.update_data(orgs=list(ctx.data.get("orgs") or []) + [org_id])
    elif org_id is None:
        ctx.reply(m.text(T.SEGMENT_PICK_BUTTON))
    await ask_orgs(ctx)


@router.postback(SEGMENT_BUTTONS.Pick, state=Compose.segment)
async def tap_segment(ctx: Context, button: SEGMENT_BUTTONS.Pick) -> None:
    await choose_segment(ctx, await picked_segment(ctx.session, button))


async def choose_segment(ctx: Context, segment: Segment) -> None:
    """Refuse a segment with nobody in it; otherwise ask when to send."""
    count = len(await segment.members(ctx.session))
    if count == 0:
        ctx.reply(m.text(T.NOTICE_NO_RECIPIENTS.format(segment=await describe_segment(ctx.session, segment))))
        ask_segment(ctx)
        return
    ctx.update_data(segment=segment.spec)
    ask_when(ctx)


def ask_when(ctx: Context) -> None:
    ctx.set_state(Compose.when)
    local_now = ctx.now().astimezone(ctx.settings.tz)
    initial = (local_now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    picker = m.datetime_picker(T.PICK_TIME, PickedTime(), initial=initial, earliest=local_now,
                               latest=local_now + timedelta(days=365))
    ctx.reply(m.text(T.ASK_NOTICE_WHEN, quick=[m.postback_action(T.SEND_NOW, SendNow(), display_text=T.SEND_NOW),
                                              picker, m.message_action(T.CANCEL)]))


@router.message(Compose.when)
async def when_by_text(ctx: Context) -> None:
    """A sending time typed ("12/11 18時", "明日9時"), read like every other date in the product."""
    tz, now = ctx.settings.tz, ctx.now()
    try:
        send_at, _ = read_span(ctx.text or "", now, tz)
    except DateError as exc:
        ctx.reply(m.text(date_problem(exc, now, tz, T.EXAMPLE_MOMENT)))
        ask_when(ctx)
        return
    ctx.update_data(send_at=send_at.isoformat())
    await show_preview(ctx)


@router.typed(Compose.when, {T.WORDS_NOW: SendNow()})
@router.postback(SendNow, state=Compose.when)
async def send_now(ctx: Context, _: SendNow) -> None:
    """Send as soon as it is confirmed."""
    ctx.update_data(send_at=ctx.now().isoformat())
    await show_preview(ctx)


@router.postback(PickedTime, state=Compose.when)
async def receive_picked_time(ctx: Context, _: PickedTime) -> None:
    """The moment picked with the date-time picker (local time), if it is not past."""
    send_at = ctx.picked_moment()
    if send_at is None:
        ask_when(ctx)
        return
    try:
        check_send_at(send_at, ctx.now())
    except NoticeRefused as refusal:
        ctx.reply(m.text(refusal.message))
        ask_when(ctx)
        return
    ctx.update_data(send_at=send_at.isoformat())
    await show_preview(ctx)


async def show_preview(ctx: Context) -> None:
    """Recipients, the quota the send uses and what remains; a send over quota needs an explicit tap."""
    segment = Segment.parse(ctx.data["segment"])
    count = len(await segment.members(ctx.session))
    send_at = datetime.fromisoformat(ctx.data["send_at"])
    preview = await quota_preview(ctx.session, ctx.gateway.cached_quota(), count, ctx.now(), ctx.settings.tz)
    over = preview.over
    ctx.update_data(over_quota=over > 0)
    ok = T.CONFIRM_SEND_OVER if over else T.CONFIRM_SEND
    ctx.set_state(Compose.confirm)
    text = T.NOTICE_PREVIEW.format(segment=await describe_segment(ctx.session, segment), count=count,
                                   when=sending_label(send_at, ctx.now(), ctx.settings),
                                   quota="\n".join(preview.lines), text=ctx.data["text"])
    messages = [m.text(text)]
    if over:
        messages.append(m.text(T.QUOTA_EXCEEDED.format(over=over)))
    messages[-1] = {**messages[-1], "quickReply": m.quick_reply([m.message_action(ok), m.message_action(T.CANCEL)])}
    ctx.reply(*messages)


@router.message(Compose.confirm)
async def confirm_typed_otherwise(ctx: Context) -> None:
    """Anything but the send words under the preview: the preview again, with what works."""
    ok = T.CONFIRM_SEND_OVER if ctx.data.get("over_quota") else T.CONFIRM_SEND
    ctx.reply(m.text(T.NOTICE_CONFIRM_INVALID.format(ok=ok)))
    await show_preview(ctx)


@router.typed(Compose.confirm, T.WORDS_SEND)
async def confirm_plain(ctx: Context) -> None:
    """送信する; over the month's quota only the explicit words send."""
    if ctx.data.get("over_quota"):
        await confirm_typed_otherwise(ctx)
        return
    await confirm_notice(ctx)


@router.typed(Compose.confirm, (T.CONFIRM_SEND_OVER, "上限を超えて送る"))
async def confirm_notice(ctx: Context) -> None:
    """Create the notice; one to be sent now goes out in this same transaction."""
    now = ctx.now()
    # A moment that passed while the preview waited is sent now, as the preview's 今すぐ said.
    send_at = max(datetime.fromisoformat(ctx.data["send_at"]), now)
    try:
        notice = await issue_notice(ctx.session, actor=await ctx.actor(), text=ctx.data["text"],
                                    segment=Segment.parse(ctx.data["segment"]), send_at=send_at, now=now,
                                    quota=ctx.gateway.cached_quota(),
                                    over_quota_confirmed=bool(ctx.data.get("over_quota")))
    except NoticeRefused as refusal:
        ctx.reply(m.text(refusal.message))
        await show_preview(ctx)
        return
    ctx.clear()
    if notice.send_at <= now:
        ctx.queued += await send_notice(ctx.session, notice.id, now) or []
        count = len((await read_status(ctx.session, notice.id)).pending)
        ctx.reply(await ctx.help(sent_text(ctx, T.NOTICE_SENT, T.NOTICE_HELD, count=count)))
    else:
        count = len(await Segment.parse(notice.segment).members(ctx.session))
        ctx.reply(await ctx.help(T.NOTICE_SCHEDULED.format(when=moment_label(notice.send_at, ctx.settings.tz, ctx.now()), count=count)))
