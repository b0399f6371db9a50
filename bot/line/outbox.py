"""Queueing outgoing LINE messages in the database, within the transaction that decided them."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from db.models import OutboxKind, OutboxMessage, OutboxStatus

MAX_MESSAGES_PER_REQUEST = 5
MAX_MULTICAST_RECIPIENTS = 500
# LINE accepts a reply token for about a minute; leave a margin for the request itself.
REPLY_TOKEN_LIFETIME = timedelta(seconds=50)
# The reply to a contact-check answer: its loss matters more than a duplicate.
CHECK_ANSWER_REPLY = "check-answer"
# Replies pushed when their token has run out even though an earlier attempt may have reached
# LINE (a reply has no retry key, so the member may get it twice). Any other reply, a help menu
# or a dialog's next question the member can ask for again, is kept back instead.
PUSH_EVEN_IF_TWICE = frozenset({CHECK_ANSWER_REPLY})


# Urgent rows go out in quiet hours and while LINE's monthly limit holds (LINE may still take them:
# replies are free and not counted). They are: every reply and what overflows it or stands in for
# it as a push (the member is waiting for the answer), a dialog's question pushed in answer to the
# member (meeting setup), and everything of a contact check (安否確認: its questions, re-asks and
# confirmations), where a late message may cost more than the quota. Everything else (notices,
# reminders, KPI prompts, introductions, meeting polls) is not urgent: it is held, and kept.


def chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def quiet_hours_end(moment: datetime, settings: Settings) -> datetime | None:
    """When the quiet hours that `moment` falls in end (UTC), or None outside them."""
    local = moment.astimezone(settings.tz)
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    now_t = local.time()
    if start == end:
        return None
    inside = (start <= now_t or now_t < end) if start > end else (start <= now_t < end)
    if not inside:
        return None
    end_day = local.date() if now_t < end else local.date() + timedelta(days=1)
    local_end = datetime.combine(end_day, end, tzinfo=settings.tz)
    return local_end.astimezone(moment.tzinfo)


def _row(kind: OutboxKind, recipients: list[str], messages: list[dict], *, purpose: str, urgent: bool,
         now: datetime, reply_token: str | None = None, reply_expires: datetime | None = None) -> OutboxMessage:
    return OutboxMessage(
        kind=kind,
        recipients=recipients,
        messages=messages,
        reply_token=reply_token,
        reply_token_expires_at=reply_expires,
        retry_key=str(uuid.uuid4()),
        purpose=purpose,
        urgent=urgent,
        status=OutboxStatus.pending,
        attempts=0,
        undelivered_attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def queue_reply(session: AsyncSession, *, reply_token: str, received_at: datetime, to: str,
                messages: list[dict], purpose: str, now: datetime, actor_key: str | None = None) -> list[OutboxMessage]:
    """Queue a reply; messages past the fifth, or a reply whose token has gone stale, go as a push."""
    first, rest = messages[:MAX_MESSAGES_PER_REQUEST], messages[MAX_MESSAGES_PER_REQUEST:]
    rows = [_row(OutboxKind.reply, [to], first, purpose=purpose, urgent=True, now=now,
                 reply_token=reply_token, reply_expires=received_at + REPLY_TOKEN_LIFETIME)]
    rows += [_row(OutboxKind.push, [to], part, purpose=purpose, urgent=True, now=now)
             for part in chunks(rest, MAX_MESSAGES_PER_REQUEST)]
    for row in rows:
        row.actor_key = actor_key
    session.add_all(rows)
    return rows


def queue_push(session: AsyncSession, *, to: str, messages: list[dict], purpose: str,
               now: datetime, urgent: bool = False) -> list[OutboxMessage]:
    """Queue a push to one user, group or room; each request of up to 5 messages gets its retry key."""
    rows = [_row(OutboxKind.push, [to], part, purpose=purpose, urgent=urgent, now=now)
            for part in chunks(messages, MAX_MESSAGES_PER_REQUEST)]
    session.add_all(rows)
    return rows


def queue_multicast(session: AsyncSession, *, to: list[str], messages: list[dict], purpose: str,
                    now: datetime, urgent: bool = False) -> list[OutboxMessage]:
    """Queue the same messages to many users: one request per 500 recipients and 5 messages."""
    recipients = list(dict.fromkeys(to))
    rows = [_row(OutboxKind.multicast, group, part, purpose=purpose, urgent=urgent, now=now)
            for group in chunks(recipients, MAX_MULTICAST_RECIPIENTS)
            for part in chunks(messages, MAX_MESSAGES_PER_REQUEST)]
    session.add_all(rows)
    return rows
