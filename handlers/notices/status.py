"""Staff reading who has acknowledged the latest notices, and calling off one not sent yet."""

from bot.dialogs import Access, Context, PostbackData, Router, StaleButton
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.notices import read_status, recent_notices
from db.models import Notice, NoticeStatus
from db.segments import Segment
from handlers.delivery import notice_deliveries
from handlers.notices.issue import NoticeRefused, cancel_scheduled
from handlers.segments import describe_segment

router = Router("notices.status", access=Access.staff, refusal=T.NOTICE_STAFF_ONLY)
router.help_action(T.NOTICE_STATUS, T.NOTICE_STATUS, staff_only=True)

MAX_NAMES_LISTED = 40


class NoticeDetail(PostbackData, prefix="ntc:status"):
    notice_id: int


class AskCancel(PostbackData, prefix="ntc:cancelask"):
    notice_id: int


class CancelNotice(PostbackData, prefix="ntc:cancel"):
    notice_id: int


@router.command(T.NOTICE_STATUS)
async def show_notice_status(ctx: Context) -> None:
    """The latest notices with how many acknowledged, each a button to the names not yet acknowledged."""
    notices = await recent_notices(ctx.session)
    if not notices:
        ctx.reply(await ctx.help(T.NOTICE_STATUS_EMPTY))
        return
    lines, buttons = [], []
    deliveries = await notice_deliveries(ctx.session, [notice for notice, _, _ in notices], ctx.now(), ctx.settings)
    for notice, acked, total in notices:
        head = m.truncate_utf16(notice.title or notice.text.replace("\n", " "), 16)
        segment = await describe_segment(ctx.session, Segment.parse(notice.segment))
        delivery = deliveries[notice.id]
        when = moment_label(delivery.at or notice.sent_at or notice.send_at, ctx.settings.tz, ctx.now())
        if delivery.state in ("held", "sending", "failed"):  # not yet with its recipients: no read count to show
            lines.append(T.NOTICE_HELD_LINE.format(id=notice.id, note=delivery.label(ctx.settings.tz, ctx.now()),
                                                   segment=segment, head=head))
            buttons.append(m.postback_action(f"#{notice.id}", NoticeDetail(notice_id=notice.id)))
        elif notice.status == "scheduled":
            lines.append(T.NOTICE_SCHEDULED_LINE.format(id=notice.id, when=when, segment=segment, head=head))
            buttons.append(m.postback_action(T.NOTICE_CANCEL_BUTTON.format(id=notice.id),
                                             AskCancel(notice_id=notice.id)))
        else:
            lines.append(T.NOTICE_STATUS_LINE.format(id=notice.id, when=when, segment=segment, acked=acked,
                                                     total=total, head=head))
            buttons.append(m.postback_action(f"#{notice.id}", NoticeDetail(notice_id=notice.id)))
    ctx.reply(m.text(T.NOTICE_STATUS_HEADER + "\n" + "\n".join(lines), quick=buttons or None))


@router.postback(NoticeDetail)
async def show_notice_detail(ctx: Context, button: NoticeDetail) -> None:
    """One notice: how many acknowledged, and the names of those who have not."""
    status = await read_status(ctx.session, button.notice_id)
    if status is None:
        raise StaleButton(button)
    delivery = (await notice_deliveries(ctx.session, [status.notice], ctx.now(), ctx.settings))[status.notice.id]
    if not delivery.delivered and status.notice.status == NoticeStatus.sent:
        ctx.reply(m.text(T.NOTICE_DETAIL_HELD.format(id=status.notice.id, note=delivery.label(ctx.settings.tz, ctx.now()),
                                                     total=status.total)))
        return
    when = moment_label(delivery.at or status.notice.sent_at or status.notice.send_at, ctx.settings.tz, ctx.now())
    if not status.pending:
        ctx.reply(m.text(T.NOTICE_DETAIL_ALL_ACKED.format(id=status.notice.id, when=when, total=status.total)))
        return
    names = [T.NOTICE_PENDING_NAME.format(org=org, name=name) for name, org in status.pending[:MAX_NAMES_LISTED]]
    if len(status.pending) > MAX_NAMES_LISTED:
        names.append(T.NOTICE_MORE_NAMES.format(count=len(status.pending) - MAX_NAMES_LISTED))
    ctx.reply(m.text(T.NOTICE_DETAIL.format(id=status.notice.id, when=when, acked=len(status.acked),
                                            total=status.total, pending=len(status.pending), names="\n".join(names))))


@router.postback(AskCancel)
async def ask_cancel(ctx: Context, button: AskCancel) -> None:
    """A scheduled notice's 取り消す: its text once more, and a button to confirm."""
    notice = await ctx.session.get(Notice, button.notice_id)
    if notice is None or notice.status != NoticeStatus.scheduled:
        ctx.reply(await ctx.help(T.NOTICE_NOT_CANCELLABLE))
        return
    ctx.reply(m.text(T.ASK_NOTICE_CANCEL.format(id=notice.id, when=moment_label(notice.send_at, ctx.settings.tz, ctx.now()),
                                                head=m.truncate_utf16(notice.text, 100)), quick=[
        m.postback_action(T.NOTICE_CANCEL_OK, CancelNotice(notice_id=notice.id), display_text=T.NOTICE_CANCEL_OK),
        m.message_action(T.CANCEL)]))


@router.postback(CancelNotice)
async def call_off_notice(ctx: Context, button: CancelNotice) -> None:
    """取り消す confirmed: nobody receives the notice (unless it went out meanwhile)."""
    try:
        await cancel_scheduled(ctx.session, actor=await ctx.actor(), notice_id=button.notice_id, now=ctx.now())
    except NoticeRefused as refusal:
        ctx.reply(await ctx.help(refusal.message))
        return
    ctx.reply(await ctx.help(T.NOTICE_CANCELLED.format(id=button.notice_id)))
