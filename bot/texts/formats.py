"""The one way the product writes dates and times to people: 1/5(月) and 1/5(月) 09:00, in local time,
with the year in front whenever it is not the current one (2027/1/5(火) 09:00); KPI periods and
target dates as 2026年11月 and 2027/3/31."""

from datetime import date, datetime, tzinfo

from bot.texts import catalog as T


def short_day_label(day: date, today: date) -> str:
    """A calendar day alone: 1/5, and 2027/1/5 when not this year."""
    label = f"{day.month}/{day.day}"
    return label if day.year == today.year else f"{day.year}/{label}"


def day_label(day: date, today: date) -> str:
    """A calendar day with its weekday: 1/5(月), and with its year when that is not this year: 2027/1/5(火)."""
    return f"{short_day_label(day, today)}({T.WEEKDAYS[day.weekday()]})"


def moment_label(moment: datetime, tz: tzinfo, now: datetime) -> str:
    """A moment in local time: 1/5(月) 09:00 (2027/1/5(火) 09:00 in another year)."""
    local = moment.astimezone(tz)
    return f"{day_label(local.date(), now.astimezone(tz).date())} {local:%H:%M}"


def clock_label(moment: datetime, tz: tzinfo, *, seconds: bool = False) -> str:
    """The local time of day alone: 09:05 (09:05:30 with `seconds`)."""
    return f"{moment.astimezone(tz):%H:%M:%S}" if seconds else f"{moment.astimezone(tz):%H:%M}"


def local_day_label(moment: datetime, tz: tzinfo, now: datetime) -> str:
    """The local day a moment falls on: 1/5(月)."""
    return day_label(moment.astimezone(tz).date(), now.astimezone(tz).date())


def span_label(start: datetime, end: datetime, tz: tzinfo, now: datetime) -> str:
    """A stretch of time on one day: 1/5(月) 09:00-10:30."""
    return f"{moment_label(start, tz, now)}-{end.astimezone(tz):%H:%M}"


def period_label(period: str) -> str:
    """A KPI period (2026-11, 2026-Q3, 2026-12-01) as people read it: 2026年11月."""
    year = int(period[:4])
    if "-Q" in period:
        first = (int(period[-1]) - 1) * 3 + 1
        return T.KPI_PERIOD_QUARTER.format(year=year, first=first, last=first + 2)
    if len(period) == 7:
        return T.KPI_PERIOD_MONTH.format(year=year, month=int(period[5:]))
    day = date.fromisoformat(period)
    return T.KPI_PERIOD_DATE.format(year=day.year, month=day.month, day=day.day)


def date_label(day: date) -> str:
    """A KPI's target date: 2027/3/31."""
    return f"{day.year}/{day.month}/{day.day}"
