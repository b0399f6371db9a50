"""Notices from the secretariat: composing in LINE, sending to a segment, acknowledging, read status."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.line import messages as m
from bot.texts import catalog as T
from bot.dialogs import Context, Router, StaleButton, State, StatesGroup
from bot.line.outbox import queue_multicast, quiet_hours_end
from bot.texts.formats import moment_label
from db.models import Member, Notice, Organization, OutboxMessage
from db.notices import (
    MAX_NOTICE_TEXT,
    acknowledge,
    claim_for_sending,
    create_notice,
    own_usage_this_month,
    read_status,
    recent_notices,
)
from db.segments import Segment
from handlers.segments import SegmentButtons, describe_segment, picked_segment, segment_choices, segment_menu, segment_options
from handlers.shared import is_id, require_staff

router = Router("notices")
router.help_action(T.NOTICE, T.NOTICE, staff_only=True)
router.help_action(T.NOTICE_STATUS, T.NOTICE_STATUS, staff_only=True)

MAX_ORGS_SHOWN = 12
MAX_NAMES_LISTED = 40


class Compose(StatesGroup):
    text = State()
    segment = State()
    orgs = State()
    when = State()
    confirm = State()


# Messages members receive

def notice_message(notice: Notice, *, reminder: bool = False) -> dict:
    """The notice as a card with its 確認しました button."""
    header = T.NOTICE_REMINDER_HEADER if reminder else T.NOTICE_HEADER
    alt = (T.NOTICE_REMINDER_ALT if reminder else T.NOTICE_ALT).format(text=notice.text)
    return {
        "type": "flex",
        "altText": m.truncate_utf16(alt, 400),
        "contents": {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": [
                {"type": "text", "text": header, "weight": "bold", "size": "md", "color": "#1F6F43"},
                {"type": "text", "text": notice.text, "wrap": True, "size": "sm"},
            ]},
            "footer": {"type": "box", "layout": "vertical", "contents": [
                {"type": "button", "style": "primary", "color": "#1F6F43",
                 "action": m.postback_action(T.ACK_BUTTON, f"ack:{notice.id}", display_text=T.ACK_BUTTON)},
            ]},
        },
    }


async def send_notice(session: AsyncSession, notice_id: int, now: datetime) -> list[OutboxMessage] | None:
    """Send a due notice to its segment; None when another worker has already sent it."""
    recipients = await claim_for_sending(session, notice_id, now)
    if not recipients:
        return None if recipients is None else []
    notice = await session.get(Notice, notice_id)
    return queue_multicast(session, to=[r.line_user_id for r in recipients], messages=[notice_message(notice)],
                           purpose="notice", now=now)


def remind_unacknowledged(session: AsyncSession, notice: Notice, users: list[str], now: datetime) -> list[OutboxMessage]:
    return queue_multicast(session, to=users, messages=[notice_message(notice, reminder=True)],
                           purpose="notice-reminder", now=now)


# Acknowledging

@router.postback("ack:")
async def acknowledge_notice(ctx: Context) -> None:
    """The 確認しました button; pressing it twice counts once."""
    member = await ctx.active_member()
    value = ctx.event.postback_data.removeprefix("ack:")
    if member is None or not is_id(value):
        ctx.reply(m.text(T.ACK_NOT_YOURS))
        return
    outcome = await acknowledge(ctx.session, notice_id=int(value), member_id=member.id, now=ctx.now())
    ctx.reply(m.text({True: T.ACK_THANKS, False: T.ACK_ALREADY, None: T.ACK_NOT_YOURS}[outcome]))


# Composing (staff only)

async def _staff(ctx: Context) -> Member | None:
    return await require_staff(ctx, T.NOTICE_STAFF_ONLY)


@router.command(T.NOTICE)
async def start_notice(ctx: Context) -> None:
    """Staff begin a notice: first its text."""
    if await _staff(ctx) is None:
        return
    ctx.clear_state()
    ctx.set_state(Compose.text)
    # Read the quota now, outside the transaction, so the preview a few taps later has it.
    ctx.after_commit.append(ctx.gateway.refresh_quota)
    ctx.reply(m.text(T.ASK_NOTICE_TEXT.format(max=MAX_NOTICE_TEXT), quick=[m.message_action(T.CANCEL)]))


@router.state(Compose.text)
async def receive_notice_text(ctx: Context) -> None:
    text = (ctx.text or "").strip()
    if not text or len(text) > MAX_NOTICE_TEXT:
        ctx.reply(m.text(T.NOTICE_TEXT_INVALID.format(max=MAX_NOTICE_TEXT)))
        return
    ctx.data["text"] = text
    ask_segment(ctx)


SEGMENT_BUTTONS = SegmentButtons("ntc")


def ask_segment(ctx: Context) -> None:
    ctx.set_state(Compose.segment)
    ctx.reply(segment_menu(T.ASK_NOTICE_SEGMENT, SEGMENT_BUTTONS, ["type", "field", "agreement", "group"],
                           m.postback_action(T.PICK_ORGS, SEGMENT_BUTTONS.Kind(kind="orgs"))))


@router.state(Compose.segment)
async def segment_by_text(ctx: Context) -> None:
    """The segment comes from buttons; typed text gets the buttons again."""
    ctx.reply(m.text(T.SEGMENT_PICK_BUTTON))
    ask_segment(ctx)


@router.postback(SEGMENT_BUTTONS.Kind, state=(Compose.segment, Compose.orgs))
async def pick_segment_kind(ctx: Context, button: SEGMENT_BUTTONS.Kind) -> None:
    """Second level of the segment menu: the types, fields, agreements, groups or organizations."""
    kind = button.kind
    ctx.set_state(Compose.segment)
    if kind == "orgs":
        ctx.set_state(Compose.orgs, orgs=[])
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
    buttons = [m.postback_action(("✓" if o.id in chosen else "") + o.name, f"ntc:org:{o.id}") for o in orgs]
    buttons.append(m.postback_action(T.DONE, "ntc:org:done", display_text=T.DONE))
    ctx.reply(m.text(T.ASK_SEGMENT_ORGS.format(selected="、".join(names) or T.NONE_SELECTED), quick=buttons))


@router.postback("ntc:org:")
async def toggle_org(ctx: Context) -> None:
    if not ctx.in_state(Compose.orgs):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    value = ctx.event.postback_data.removeprefix("ntc:org:")
    chosen = list(ctx.data.get("orgs") or [])
    if value == "done":
        if not chosen:
            await ask_orgs(ctx)
            return
        await choose_segment(ctx, Segment("orgs", ",".join(str(i) for i in sorted(chosen))))
        return
    if not is_id(value):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    org_id = int(value)
    ctx.data["orgs"] = [i for i in chosen if i != org_id] if org_id in chosen else chosen + [org_id]
    await ask_orgs(ctx)


@router.state(Compose.orgs)
async def orgs_by_text(ctx: Context) -> None:
    """An organization's exact name typed instead of tapped."""
    org_id = await ctx.session.scalar(select(Organization.id).where(Organization.name == (ctx.text or "").strip()))
    if org_id is not None and org_id not in (ctx.data.get("orgs") or []):
        ctx.data["orgs"] = list(ctx.data.get("orgs") or []) + [org_id]
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
    ctx.data["segment"] = segment.spec
    ask_when(ctx)


def ask_when(ctx: Context) -> None:
    ctx.set_state(Compose.when)
    local_now = ctx.now().astimezone(ctx.settings.tz)
    initial = (local_now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    picker = {"type": "datetimepicker", "label": T.PICK_TIME, "data": "ntc:when:pick", "mode": "datetime",
              "initial": initial.strftime("%Y-%m-%dT%H:%M"), "min": local_now.strftime("%Y-%m-%dT%H:%M"),
              "max": (local_now + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M")}
    ctx.reply(m.text(T.ASK_NOTICE_WHEN, quick=[m.postback_action(T.SEND_NOW, "ntc:when:now", display_text=T.SEND_NOW),
                                              picker, m.message_action(T.CANCEL)]))


@router.state(Compose.when)
async def when_by_text(ctx: Context) -> None:
    ctx.reply(m.text(T.NOTICE_WHEN_BUTTON))
    ask_when(ctx)


@router.postback("ntc:when:")
async def receive_when(ctx: Context) -> None:
    """Now, or the moment picked with the date-time picker (local time)."""
    if not ctx.in_state(Compose.when):
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    if ctx.event.postback_data == "ntc:when:now":
        send_at = ctx.now()
    else:
        try:
            picked = datetime.strptime(ctx.event.postback_params.get("datetime", ""), "%Y-%m-%dT%H:%M")
        except ValueError:
            ask_when(ctx)
            return
        send_at = picked.replace(tzinfo=ctx.settings.tz)
        if send_at < ctx.now() - timedelta(minutes=1):
            ctx.reply(m.text(T.NOTICE_TIME_PAST))
            ask_when(ctx)
            return
    ctx.data["send_at"] = send_at.isoformat()
    await show_preview(ctx)


async def show_preview(ctx: Context) -> None:
    """Recipients, the quota the send uses and what remains; a send over quota needs an explicit tap."""
    segment = Segment.parse(ctx.data["segment"])
    count = len(await segment.members(ctx.session))
    send_at = datetime.fromisoformat(ctx.data["send_at"])
    now_label = send_at <= ctx.now() + timedelta(minutes=1)
    quota = ctx.gateway.cached_quota()
    month_start = ctx.now().astimezone(ctx.settings.tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    own_line = T.QUOTA_OWN.format(own=await own_usage_this_month(ctx.session, month_start))
    if quota is None:
        quota_line = T.QUOTA_UNKNOWN
    elif quota.limit is None:
        quota_line = T.QUOTA_UNLIMITED.format(used=quota.used)
    else:
        quota_line = T.QUOTA_LINE.format(limit=quota.limit, used=quota.used, left=quota.left_after(count))
    over = -quota.left_after(count) if quota and quota.limit is not None and quota.left_after(count) < 0 else 0
    ctx.data["over_quota"] = over > 0
    ok = T.CONFIRM_SEND_OVER if over else T.CONFIRM_SEND
    ctx.set_state(Compose.confirm)
    preview = T.NOTICE_PREVIEW.format(segment=await describe_segment(ctx.session, segment), count=count,
                                      when=T.NOW_LABEL if now_label else moment_label(send_at, ctx.settings.tz),
                                      quota=f"{quota_line}\n{own_line}", text=ctx.data["text"])
    messages = [m.text(preview)]
    if over:
        messages.append(m.text(T.QUOTA_EXCEEDED.format(over=over)))
    messages[-1] = {**messages[-1], "quickReply": m.quick_reply([m.message_action(ok), m.message_action(T.CANCEL)])}
    ctx.reply(*messages)


@router.state(Compose.confirm)
async def confirm_notice(ctx: Context) -> None:
    """Create the notice; one to be sent now goes out in this same transaction."""
    staff = await _staff(ctx)
    if staff is None:
        return
    ok = T.CONFIRM_SEND_OVER if ctx.data.get("over_quota") else T.CONFIRM_SEND
    if ctx.text != ok:
        ctx.reply(m.text(T.NOTICE_CONFIRM_INVALID.format(ok=ok)))
        await show_preview(ctx)
        return
    now = ctx.now()
    send_at = datetime.fromisoformat(ctx.data["send_at"])
    notice = await create_notice(ctx.session, text=ctx.data["text"], segment=Segment.parse(ctx.data["segment"]),
                                 send_at=send_at, now=now, author_member_id=staff.id,
                                 over_quota_confirmed=bool(ctx.data.get("over_quota")))
    ctx.clear_state()
    if notice.send_at <= now:
        ctx.queued += await send_notice(ctx.session, notice.id, now) or []
        count = len((await read_status(ctx.session, notice.id)).pending)
        held_until = quiet_hours_end(now, ctx.settings)
        if held_until is None:
            ctx.reply(await ctx.help(T.NOTICE_SENT.format(count=count)))
        else:
            ctx.reply(await ctx.help(T.NOTICE_HELD.format(count=count, when=moment_label(held_until, ctx.settings.tz))))
    else:
        count = len(await Segment.parse(notice.segment).members(ctx.session))
        ctx.reply(await ctx.help(T.NOTICE_SCHEDULED.format(when=moment_label(notice.send_at, ctx.settings.tz), count=count)))


# Read status (staff only)

@router.command(T.NOTICE_STATUS)
async def show_notice_status(ctx: Context) -> None:
    """The latest notices with how many acknowledged, each a button to the names not yet acknowledged."""
    if await _staff(ctx) is None:
        return
    notices = await recent_notices(ctx.session)
    if not notices:
        ctx.reply(await ctx.help(T.NOTICE_STATUS_EMPTY))
        return
    lines, buttons = [], []
    for notice, acked, total in notices:
        head = m.truncate_utf16(notice.text.replace("\n", " "), 16)
        segment = await describe_segment(ctx.session, Segment.parse(notice.segment))
        when = moment_label(notice.send_at, ctx.settings.tz)
        if notice.status == "scheduled":
            lines.append(T.NOTICE_SCHEDULED_LINE.format(id=notice.id, when=when, segment=segment, head=head))
        else:
            lines.append(T.NOTICE_STATUS_LINE.format(id=notice.id, when=when, segment=segment, acked=acked,
                                                     total=total, head=head))
            buttons.append(m.postback_action(f"#{notice.id}", f"ntc:status:{notice.id}"))
    ctx.reply(m.text(T.NOTICE_STATUS_HEADER + "\n" + "\n".join(lines), quick=buttons or None))


@router.postback("ntc:status:")
async def show_notice_detail(ctx: Context) -> None:
    if await _staff(ctx) is None:
        return
    value = ctx.event.postback_data.removeprefix("ntc:status:")
    status = await read_status(ctx.session, int(value)) if is_id(value) else None
    if status is None:
        ctx.reply(m.text(T.STALE_BUTTON))
        return
    when = moment_label(status.notice.sent_at or status.notice.send_at, ctx.settings.tz)
    if not status.pending:
        ctx.reply(m.text(T.NOTICE_DETAIL_ALL_ACKED.format(id=status.notice.id, when=when, total=status.total)))
        return
    names = [T.NOTICE_PENDING_NAME.format(org=org, name=name) for name, org in status.pending[:MAX_NAMES_LISTED]]
    if len(status.pending) > MAX_NAMES_LISTED:
        names.append(T.NOTICE_MORE_NAMES.format(count=len(status.pending) - MAX_NAMES_LISTED))
    ctx.reply(m.text(T.NOTICE_DETAIL.format(id=status.notice.id, when=when, acked=len(status.acked),
                                            total=status.total, pending=len(status.pending), names="\n".join(names))))
