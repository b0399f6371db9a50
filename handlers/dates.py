"""Telling people why a date or time they typed cannot be taken, the same way in every dialog."""

from datetime import datetime, tzinfo

from bot.texts import catalog as T
from bot.texts.formats import date_label, day_label, short_day_label
from db.rules.dates import DateError, EndsBeforeStart, NotARealDate, PastDate, TimeMissing, TooFarAhead, WrongWeekday


def date_problem(error: DateError, now: datetime, tz: tzinfo, example: str) -> str:
    """The one-line reason, with an example of what works at this step."""
    today = now.astimezone(tz).date()
    if isinstance(error, PastDate):
        if error.day == today:
            return T.DATE_PAST_TODAY
        day = error.day
        if not error.year_given and (day.month, day.day) != (2, 29):  # (no 2/29 next year to suggest)
            return T.DATE_PAST_NEXT_YEAR.format(day=day_label(day, today), date=f"{day.month}/{day.day}",
                                                next=date_label(day.replace(year=day.year + 1)))
        return T.DATE_PAST.format(day=day_label(error.day, today))
    if isinstance(error, WrongWeekday):
        return T.DATE_WRONG_WEEKDAY.format(day=short_day_label(error.day, today), actual=T.WEEKDAYS[error.day.weekday()],
                                           typed=T.WEEKDAYS[error.typed_weekday])
    if isinstance(error, TooFarAhead):
        return T.DATE_TOO_FAR
    if isinstance(error, NotARealDate):
        return T.DATE_NOT_REAL
    if isinstance(error, TimeMissing):
        return T.DATE_TIME_MISSING.format(example=example)
    if isinstance(error, EndsBeforeStart):
        return T.DATE_ENDS_BEFORE_START.format(example=example)
    return T.DATE_UNREADABLE.format(example=example)
