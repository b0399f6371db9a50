"""お知らせ一覧: a member's latest notices, and those not yet acknowledged again with their button."""

from sqlalchemy import select

from bot.dialogs import Access, Context, Router
from bot.line import messages as m
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.models import Notice, NoticeRecipient
from db.notices import delivered_to
from handlers.notices.messages import notice_message

router = Router("notices.inbox", access=Access.member)
router.help_action(T.NOTICE_LIST, T.NOTICE_LIST)

LISTED = 5
PREVIEW = 30
MAX_CARDS = 4  # with the list, within one reply's five messages


@router.command(T.NOTICE_LIST)
async def list_notices(ctx: Context) -> None:
    """The last notices this member received, marked acknowledged or not."""
    member = await ctx.active_member()
    rows = (await ctx.session.execute(
        select(Notice, NoticeRecipient.acked_at).join(NoticeRecipient, NoticeRecipient.notice_id == Notice.id)
        .where(NoticeRecipient.member_id == member.id, Notice.sent_at.is_not(None))
        .order_by(Notice.sent_at.desc(), Notice.id.desc()).limit(LISTED * 4))).all()
    # Only what has reached this member: a notice the quiet hours still hold is not theirs to see yet.
    delivered = await delivered_to(ctx.session, member.line_user_id, [notice.id for notice, _ in rows])
    rows = [(notice, acked) for notice, acked in rows if notice.id in delivered][:LISTED]
    if not rows:
        ctx.reply(await ctx.help(T.NOTICE_LIST_NONE))
        return
    lines = [T.NOTICE_LIST_HEADER] + [
        T.NOTICE_LIST_LINE.format(when=moment_label(delivered[notice.id] or notice.sent_at, ctx.settings.tz, ctx.now()),
                                  text=_preview(notice.text),
                                  ack=T.NOTICE_LIST_ACKED if acked else T.NOTICE_LIST_OPEN)
        for notice, acked in rows]
    open_cards = [notice_message(notice) for notice, acked in rows if acked is None][:MAX_CARDS]
    ctx.reply(m.text("\n".join(lines)), *open_cards)


def _preview(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= PREVIEW and "\n" not in text.strip() else line[:PREVIEW] + "…"
