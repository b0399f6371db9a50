"""The one date reader, as a table: what people type, on which day, and what it is read as."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from db.rules.dates import (
    EndsBeforeStart,
    NotARealDate,
    PastDate,
    TimeMissing,
    TooFarAhead,
    Unreadable,
    WrongWeekday,
    read_day,
    read_span,
    read_typed,
)

TOKYO = ZoneInfo("Asia/Tokyo")
DEC_1 = date(2026, 12, 1)
NOV_24 = date(2026, 11, 24)


@pytest.mark.parametrize("today, typed, day, start, end", [
    (NOV_24, "12/11 10時-11時", "2026-12-11", "10:00", "11:00"),
    (NOV_24, "12月11日 14:00〜15:30", "2026-12-11", "14:00", "15:30"),
    (NOV_24, "12月11日 10時から", "2026-12-11", "10:00", None),
    (NOV_24, "12月11日(金) 10時から12時まで", "2026-12-11", "10:00", "12:00"),
    (NOV_24, "12/3(木) 14:00～15:30", "2026-12-03", "14:00", "15:30"),
    (NOV_24, "１２／３　１４：００－１５：３０", "2026-12-03", "14:00", "15:30"),
    (NOV_24, "１２月１１日　１０時半", "2026-12-11", "10:30", None),
    (NOV_24, "12/3 午後2時-午後3時30分", "2026-12-03", "14:00", "15:30"),
    (NOV_24, "12/11 10-11時", "2026-12-11", "10:00", "11:00"),
    (NOV_24, "12月11日金曜 10時〜", "2026-12-11", "10:00", None),
    (NOV_24, "12/11（金）10:00", "2026-12-11", "10:00", None),
    (NOV_24, "明日の18時", "2026-11-25", "18:00", None),
    (NOV_24, "2027-01-11 10:00~12:00", "2027-01-11", "10:00", "12:00"),
    (NOV_24, "明日18時", "2026-11-25", "18:00", None),
    (NOV_24, "あした 9:00", "2026-11-25", "09:00", None),
    (NOV_24, "あさって", "2026-11-26", None, None),
    (NOV_24, "今日", "2026-11-24", None, None),
    # Across the year end: a date without a year is the nearest one.
    (DEC_1, "2/16 14時-15時", "2027-02-16", "14:00", "15:00"),
    (DEC_1, "1/5", "2027-01-05", None, None),
    (DEC_1, "11/20", "2026-11-20", None, None),  # just gone, not next year's
    (DEC_1, "12/31", "2026-12-31", None, None),
    (date(2027, 1, 4), "12/28", "2026-12-28", None, None),
    (date(2027, 1, 4), "3/31", "2027-03-31", None, None),
    (date(2027, 6, 1), "12/1", "2027-12-01", None, None),
    # Eras and years.
    (DEC_1, "令和9年3月31日", "2027-03-31", None, None),
    (DEC_1, "令和元年5月1日", "2019-05-01", None, None),
    (DEC_1, "平成31年4月30日", "2019-04-30", None, None),
    (DEC_1, "R9.3.31", "2027-03-31", None, None),
    (DEC_1, "西暦2027年3月31日", "2027-03-31", None, None),
    (DEC_1, "２０２７年３月３１日", "2027-03-31", None, None),
    (DEC_1, "2027/3/31", "2027-03-31", None, None),
    (DEC_1, "2028/2/29", "2028-02-29", None, None),
])
def test_what_people_type_is_read(today, typed, day, start, end):
    got = read_typed(typed, today)
    assert got.day == date.fromisoformat(day)
    assert got.start == (time.fromisoformat(start) if start else None)
    assert got.end == (time.fromisoformat(end) if end else None)


@pytest.mark.parametrize("typed, error", [
    ("来週の火曜", Unreadable), ("よろしく", Unreadable), ("12/3 14:00 会議室", Unreadable),
    ("12/11(木) 10時", WrongWeekday), ("12月11日 木曜日", WrongWeekday), ("12/11 10", Unreadable),
    ("2/30", NotARealDate), ("13/40", NotARealDate), ("2027/2/29", NotARealDate), ("12/3 25:00", NotARealDate),
])
def test_what_is_no_date_is_refused(typed, error):
    with pytest.raises(error):
        read_typed(typed, DEC_1)


@pytest.mark.parametrize("today, typed, error", [
    (DEC_1, "11/20", PastDate),          # the 11/20 just gone, refused rather than moved a year ahead
    (DEC_1, "令和7年3月31日", PastDate),   # 2025
    (DEC_1, "2030/1/1", TooFarAhead),
    (DEC_1, "12/1 10:00", Unreadable),   # a day is asked for, not a time
])
def test_a_day_ahead(today, typed, error):
    with pytest.raises(error):
        read_day(typed, today)


def test_a_day_ahead_is_given_with_its_year():
    assert read_day("令和9年3月31日", DEC_1) == date(2027, 3, 31)
    assert read_day("1/5", DEC_1) == date(2027, 1, 5)
    assert read_day("今日", DEC_1) == DEC_1


def test_spans_are_moments_ahead_in_local_time():
    now = datetime(2026, 12, 1, 15, 0, tzinfo=TOKYO)
    start, end = read_span("12/11 10時-11時", now, TOKYO)
    assert (start, end) == (datetime(2026, 12, 11, 10, tzinfo=TOKYO), datetime(2026, 12, 11, 11, tzinfo=TOKYO))
    assert read_span("明日18時", now, TOKYO, timedelta(hours=1))[1] == datetime(2026, 12, 2, 19, tzinfo=TOKYO)
    assert read_span("12月11日 10時から", now, TOKYO)[1] is None
    with pytest.raises(PastDate) as past:
        read_span("12/1 10:00", now, TOKYO)  # this morning
    assert past.value.day == date(2026, 12, 1)
    with pytest.raises(TimeMissing):
        read_span("12/11", now, TOKYO)
    with pytest.raises(EndsBeforeStart):
        read_span("12/11 15時-14時", now, TOKYO)
    with pytest.raises(TooFarAhead):
        read_span("9999/1/1 10:00", now, TOKYO)
