"""Telling the sender honestly when what they send arrives: at once, or after the quiet hours hold it."""

from datetime import datetime

from bot.dialogs import Context
from bot.line.outbox import quiet_hours_end
from bot.texts import catalog as T
from bot.texts.formats import moment_label


def held_until_label(ctx: Context, moment: datetime | None = None) -> str | None:
    """When a push that is not urgent, queued at `moment` (now by default), reaches people; None if at once."""
    now = ctx.now()
    held = quiet_hours_end(moment or now, ctx.settings)
    return None if held is None else moment_label(held, ctx.settings.tz, now)


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
