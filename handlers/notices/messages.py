"""What members receive of a notice: the card with its 確認しました button, sent or reminded by the scheduler."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import PostbackData
from bot.line import messages as m
from bot.line.outbox import queue_multicast
from bot.texts import catalog as T
from db.models import Notice, OutboxMessage
from db.notices import claim_for_sending, notice_purpose, reminder_purpose


class Ack(PostbackData, prefix="ack"):
    notice_id: int


def notice_message(notice: Notice, *, reminder: bool = False) -> dict:
    """The notice as a card with its 確認しました button."""
    header = T.NOTICE_REMINDER_HEADER if reminder else T.NOTICE_HEADER
    text = f"{notice.title}\n{notice.text}" if notice.title else notice.text
    alt = (T.NOTICE_REMINDER_ALT if reminder else T.NOTICE_ALT).format(text=text)
    title = [{"type": "text", "text": notice.title, "weight": "bold", "size": "lg", "wrap": True}] if notice.title else []
    return {
        "type": "flex",
        "altText": m.truncate_utf16(alt, 400),
        "contents": {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": [
                {"type": "text", "text": header, "weight": "bold", "size": "md", "color": "#1F6F43"},
                *title,
                {"type": "text", "text": notice.text, "wrap": True, "size": "sm"},
            ]},
            "footer": {"type": "box", "layout": "vertical", "contents": [
                {"type": "button", "style": "primary", "color": "#1F6F43",
                 "action": m.postback_action(T.ACK_BUTTON, Ack(notice_id=notice.id), display_text=T.ACK_BUTTON)},
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
                           purpose=notice_purpose(notice_id), now=now)


def remind_unacknowledged(session: AsyncSession, notice: Notice, users: list[str], now: datetime) -> list[OutboxMessage]:
    """The notice again, marked as a reminder, to those who have not acknowledged it."""
    return queue_multicast(session, to=users, messages=[notice_message(notice, reminder=True)],
                           purpose=reminder_purpose(notice.id), now=now)
