"""Calendar rules with no SQL: the next occurrence of a month and day, and how far ahead a date can be."""

from datetime import date, datetime, timedelta

# Nobody schedules a meeting or a notice this far ahead: such a date is a slip of the finger
# (9999 for 2027), and near the end of the calendar, adding a meeting's length to it overflows.
HORIZON = timedelta(days=3 * 365)


def beyond_horizon(moment: datetime, now: datetime) -> bool:
    return moment - now > HORIZON


def next_date(today: date, month: int, day: int) -> date:
    """The next month/day from today on (2/29 waits for a leap year)."""
    for year in range(today.year, today.year + 5):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ValueError(f"no date {month}/{day}")
