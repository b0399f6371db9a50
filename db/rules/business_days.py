"""Business days in Japan: Monday to Friday, except public holidays."""

from datetime import date, timedelta

import jpholiday


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and not jpholiday.is_holiday(day)


def business_day_from(day: date) -> date:
    """`day` if it is a business day, else the next one."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day
