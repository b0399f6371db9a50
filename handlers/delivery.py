"""Telling the sender honestly when what they send arrives: at once, or after the quiet hours hold it."""

from datetime import datetime, timedelta

from bot.dialogs import Context
from bot.line.outbox import quiet_hours_end
from bot.settings import Settings
from bot.texts import catalog as T
from bot.texts.formats import moment_label

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
