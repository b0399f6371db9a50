"""What a contact check sends members: the question card, multicast by LINE, the scheduler, the API and the CLI."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import PostbackData
from bot.line import messages as m
from bot.line.outbox import queue_multicast
from bot.texts import catalog as T
from db.contact_checks import ANSWERS, purpose
from db.models import ContactCheck, OutboxMessage
from db.segments import Segment
from handlers.segments import describe_segment

BUTTON_COLORS = {"safe": "#1F6F43", "damaged": "#B7791F", "help": "#C53030"}


class Answer(PostbackData, prefix="chk:ans"):
    check_id: int
    code: str


def question_card(check: ContactCheck, *, again: bool = False, deputy: bool = False) -> dict:
    """The question with its three answers as buttons (they stay usable, unlike quick replies)."""
    header = T.CHECK_DRILL_HEADER if check.drill else T.CHECK_HEADER
    body = check.message or (T.CHECK_DRILL_MESSAGE if check.drill else T.CHECK_DEFAULT_MESSAGE)
    lines = [text for text, shown in ((T.CHECK_AGAIN, again), (T.CHECK_DEPUTY, deputy), (body, True)) if shown]
    buttons = [{"type": "button", "style": "primary", "color": BUTTON_COLORS[code], "height": "sm",
                "action": m.postback_action(T.CHECK_ANSWER_LABELS[code], Answer(check_id=check.id, code=code),
                                            display_text=T.CHECK_ANSWER_LABELS[code])} for code in ANSWERS]
    return {
        "type": "flex",
        "altText": T.CHECK_ALT.format(title=T.CHECK_DRILL_ALT_TITLE if check.drill else T.CHECK_HEADER),
        "contents": {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": [
                {"type": "text", "text": header, "weight": "bold", "size": "lg", "color": "#C53030"},
                *({"type": "text", "text": m.truncate_utf16(line, 1000), "wrap": True, "size": "sm"} for line in lines),
            ]},
            "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
        },
    }


def queue_questions(session: AsyncSession, check: ContactCheck, users: list[str], now: datetime, *,
                    again: bool = False, deputy: bool = False) -> list[OutboxMessage]:
    """Multicast the question; urgent, so quiet hours do not hold it."""
    if not users:
        return []
    return queue_multicast(session, to=users, messages=[question_card(check, again=again, deputy=deputy)],
                           purpose=purpose(check.id), now=now, urgent=True)


async def tell_staff_started(session: AsyncSession, check: ContactCheck, asked: int, now: datetime) -> list[OutboxMessage]:
    """A check started without a staff member in LINE (by an alert feed, from the server): every staff member hears at once."""
    staff = [p.line_user_id for p in await Segment("staff").members(session)]
    if not staff:
        return []
    text = T.CHECK_STARTED_ELSEWHERE.format(
        id=check.id, kind=T.CHECK_DRILL if check.drill else T.CHECK_REAL,
        source=T.CHECK_SOURCE_LABELS.get(check.source, T.CHECK_SOURCE_LABELS["api"]),
        segment=await describe_segment(session, Segment.parse(check.segment)), count=asked)
    return queue_multicast(session, to=staff, messages=[m.text(text)], purpose=f"check-staff:{check.id}", now=now,
                           urgent=True)
