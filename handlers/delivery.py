"""Telling the sender honestly when what they send arrives: at once, or after the quiet hours hold it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogs import Context
from bot.line.outbox import quiet_hours_end
from bot.settings import Settings
from bot.texts import catalog as T
from bot.texts.formats import moment_label
from db.models import Notice, NoticeStatus, OutboxMessage, OutboxStatus
from db.notices import notice_outbox, outbox_delivered

NOW_MARGIN = timedelta(minutes=1)  # a moment within a minute from now is now


def arrival_label(moment: datetime, now: datetime, settings: Settings) -> str | None:
    """When a push that is not urgent, queued at `moment`, reaches people; None if at once."""
    held = quiet_hours_end(moment, settings)
    return None if held is None else moment_label(held, settings.tz, now)


def sending_label(send_at: datetime, now: datetime, settings: Settings) -> str:
    """今すぐ or the chosen moment, and when it really arrives if the quiet hours hold it."""
    label = T.NOW_LABEL if send_at <= now + NOW_MARGIN else moment_label(send_at, settings.tz, now)
    held = arrival_label(max(send_at, now), now, settings)
    return label if held is None else T.SEND_TIME_HELD.format(label=label, note=T.QUIET_HOURS_HOLD.format(held=held))


def held_until_label(ctx: Context, moment: datetime | None = None) -> str | None:
    """When a push that is not urgent, queued at `moment` (now by default), reaches people; None if at once."""
    return arrival_label(moment or ctx.now(), ctx.now(), ctx.settings)


def held_line(ctx: Context) -> str | None:
    """For a preview before a send: the line saying the quiet hours will hold it, or None if it goes at once."""
    when = held_until_label(ctx)
    return None if when is None else T.PREVIEW_HELD.format(note=T.QUIET_HOURS_HOLD.format(held=when))


def sent_text(ctx: Context, sent: str, held: str, **fields) -> str:
    """The confirmation of a send: `sent` outside quiet hours, else `held` with its {note} saying when it arrives."""
    when = held_until_label(ctx)
    if when is None:
        return sent.format(**fields)
    return held.format(note=T.QUIET_HOURS_HOLD.format(held=when), **fields)


@dataclass(frozen=True)
class NoticeDelivery:
    """Where a notice's messages are, read from its outbox rows: what the console and LINE say of it."""

    state: str  # scheduled, held (the quiet hours hold it), sending, delivered, failed, cancelled
    at: datetime | None  # when it is due to send, arrives, or LINE took it
    delivered: bool

    def label(self, tz, now: datetime) -> str:
        """The notice's state in words: 夜間のため12/2(水) 07:00に届きます, 12/1(火) 09:00に送信, …"""
        when = moment_label(self.at, tz, now) if self.at else ""
        if self.state == "held":
            return T.QUIET_HOURS_HOLD.format(held=when)
        if self.state == "delivered":
            return T.CONSOLE_NOTICE_SENT_AT.format(when=when) if when else T.NOTICE_DELIVERY_STATES["delivered"]
        if self.state == "scheduled":
            return T.CONSOLE_NOTICE_SCHEDULED_AT.format(when=when)
        return T.NOTICE_DELIVERY_STATES[self.state]

    def short(self, tz, now: datetime) -> str:
        """The state as the console's list shows it in its 状態 column."""
        return self.label(tz, now) if self.state == "held" else T.NOTICE_DELIVERY_STATES[self.state]


def notice_delivery(notice: Notice, rows: list[OutboxMessage], now: datetime, settings: Settings) -> NoticeDelivery:
    """A notice's delivery from its real outbox rows: held while the quiet hours keep a row waiting (until
    they end, or the row's next attempt if later), delivered only once LINE took them."""
    if notice.status == NoticeStatus.scheduled:
        return NoticeDelivery("scheduled", notice.send_at, False)
    if notice.status == NoticeStatus.cancelled:
        return NoticeDelivery("cancelled", None, False)
    pending = [r for r in rows if r.status == OutboxStatus.pending]
    if pending:
        quiet_end = quiet_hours_end(now, settings)
        held = [r for r in pending if not r.urgent]
        if quiet_end is not None and held:
            return NoticeDelivery("held", max(max(r.next_attempt_at, quiet_end) for r in held), False)
        return NoticeDelivery("sending", max(max(r.next_attempt_at, now) for r in pending), False)
    if outbox_delivered(notice, rows):
        sent = [r.sent_at for r in rows if r.sent_at]
        return NoticeDelivery("delivered", max(sent) if sent else notice.sent_at, True)
    return NoticeDelivery("failed", None, False)


async def notice_deliveries(session: AsyncSession, notices: list[Notice], now: datetime,
                            settings: Settings) -> dict[int, NoticeDelivery]:
    rows = await notice_outbox(session, [n.id for n in notices])
    return {n.id: notice_delivery(n, rows[n.id], now, settings) for n in notices}
