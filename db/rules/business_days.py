"""Business days in Japan: Monday to Friday, except public holidays and the year-end holidays.

Most offices close from 12/29 to 1/3 (年末年始); the stretch is a setting (RENKEI_YEAR_END_HOLIDAYS),
applied once at start-up with `close_year_end`.
"""

from datetime import date, timedelta

import jpholiday

YEAR_END = ((12, 29), (1, 3))
_year_end: tuple[tuple[int, int], tuple[int, int]] | None = YEAR_END


def read_year_end(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """"12/29-1/3" as ((12, 29), (1, 3)); "" or "none" for no year-end holidays. ValueError otherwise."""
    text = text.strip().replace("〜", "-").replace("~", "-")
    if text.lower() in ("", "none"):
        return None
    first, last = (part.strip().split("/") for part in text.split("-"))
    (fm, fd), (lm, ld) = (int(x) for x in first), (int(x) for x in last)
    date(2028, fm, fd), date(2028, lm, ld)  # real days (a leap year, for 2/29)
    return (fm, fd), (lm, ld)


def close_year_end(stretch: tuple[tuple[int, int], tuple[int, int]] | None) -> None:
    """The year-end holidays from now on (None: none)."""
    global _year_end
    _year_end = stretch


def in_year_end(day: date) -> bool:
    if _year_end is None:
        return False
    first, last = _year_end
    key = (day.month, day.day)
    return first <= key <= last if first <= last else key >= first or key <= last


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not in_year_end(day)


def business_day_from(day: date) -> date:
    """`day` if it is a business day, else the next one."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day
