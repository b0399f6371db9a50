"""Calendar rules with no SQL: the next occurrence of a month and day."""

from datetime import date


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
