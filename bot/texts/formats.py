"""The one way the product writes dates and times to people: 1/5(月) and 1/5(月) 09:00, in local time."""

from datetime import date, datetime, tzinfo

from bot.texts import catalog as T


def day_label(day: date) -> str:
    """A calendar day with its weekday: 1/5(月)."""
    return f"{day.month}/{day.day}({T.WEEKDAYS[day.weekday()]})"


def moment_label(moment: datetime, tz: tzinfo) -> str:
    """A moment in local time: 1/5(月) 09:00."""
    local = moment.astimezone(tz)
    return f"{day_label(local.date())} {local:%H:%M}"


def local_day_label(moment: datetime, tz: tzinfo) -> str:
    """The local day a moment falls on: 1/5(月)."""
    return day_label(moment.astimezone(tz).date())


def span_label(start: datetime, end: datetime, tz: tzinfo) -> str:
    """A stretch of time on one day: 1/5(月) 09:00-10:30."""
    return f"{moment_label(start, tz)}-{end.astimezone(tz):%H:%M}"
