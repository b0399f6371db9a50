"""Reading KPI numbers as partners type them, periods, and business days for prompts."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.rules.kpi_numbers import APPROXIMATELY, NotANumber, format_value, normalize, parse_value, split_by_names
from db.kpis import closed_periods, next_asking_time, next_business_morning, period_end, previous_period
from db.models import Kpi

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize("typed, value, unit, comment", [
    ("42", "42", None, None),
    ("４２", "42", None, None),
    ("４２人", "42", "人", None),
    ("42 人", "42", "人", None),
    ("1,200", "1200", None, None),
    ("１，２００人", "1200", "人", None),
    ("12,345,678", "12345678", None, None),
    ("3.5%", "3.5", "%", None),
    ("３．５％", "3.5", "%", None),
    ("1.2万", "12000", None, None),
    ("１．２万人", "12000", "人", None),
    ("3千", "3000", None, None),
    ("1万2千", "12000", None, None),
    ("1万2000", "12000", None, None),
    ("2億", "200000000", None, None),
    ("約42", "42", None, None),
    ("約 1,200件", "1200", "件", None),
    ("およそ30名", "30", "名", None),
    ("0", "0", None, None),
    ("0.5", "0.5", None, None),
    ("▲3", "-3", None, None),
    ("-5件", "-5", "件", None),
    ("マイナス2", "-2", None, None),
    ("42 雨で来場が減った", "42", None, "雨で来場が減った"),
    ("42人、雨で来場が減った", "42", "人", "雨で来場が減った"),
    ("42人。次回は駅前で告知する", "42", "人", "次回は駅前で告知する"),
    ("4.5点 アンケート回収率も上がった", "4.5", "点", "アンケート回収率も上がった"),
    ("12 世帯", "12", "世帯", None),
    ("7回 出前講座", "7", "回", "出前講座"),
])
def test_numbers_are_read_as_people_type_them(typed, value, unit, comment):
    reading = parse_value(typed, "人")
    assert (reading.value, reading.unit, reading.comment) == (Decimal(value), unit, comment)


def test_a_unit_starting_with_man_is_not_a_multiplier():
    assert parse_value("120万円", "万円").value == 120 and parse_value("120万円", "万円").unit == "万円"
    assert parse_value("3千人", "千人").value == 3
    assert parse_value("1.2万円", "円").value == 12000


def test_the_kpis_own_unit_is_recognized():
    assert parse_value("15ヘクタール 植樹", "ヘクタール").unit == "ヘクタール"
    assert parse_value("15ヘクタール 植樹", "ヘクタール").comment == "植樹"


@pytest.mark.parametrize("typed", ["", "なし", "よんじゅうに", "参加者", "40〜45", "40-45", "12/3", "14:00", "3千2万", "万", "約", "?",
                                   "12月10日の会議に出席します", "14時に伺います", "3人で伺います", "12,50", "1,20人",
                                   "9" * 400, "1e400", "nan", "inf"])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(NotANumber):
        parse_value(typed)


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False,
                   allow_infinity=False),
       st.sampled_from(["", "人", "件", "%", "円", "世帯"]))
def test_formatting_then_reading_gives_the_number_back(number, unit):
    assert parse_value(format_value(number, unit), unit).value == number


@given(st.integers(min_value=0, max_value=10**9))
def test_full_width_digits_read_like_ascii(number):
    full_width = format_value(number).translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    assert parse_value(full_width).value == number


@pytest.mark.parametrize("typed, expected", [
    ("参加者 42 満足度 4.5", [("講座参加者数", "42"), ("満足度", "4.5")]),
    ("参加者42人 満足度４．５ アンケート好評", [("講座参加者数", "42人"), ("満足度", "4.5 アンケート好評")]),
    ("講座参加者数：42", [("講座参加者数", "42")]),
    ("満足度 4.5", [("満足度", "4.5")]),
    ("参加者 42人、満足度 4.5", [("講座参加者数", "42人、"), ("満足度", "4.5")]),
    ("42人、雨で減少", [(None, "42人、雨で減少")]),
    ("42", [(None, "42")]),
    ("42 参加者が増えた", [(None, "42 参加者が増えた")]),  # a name inside the comment is not a label
    ("42 満足度 高い", [(None, "42 満足度 高い")]),        # a name not followed by a number is not either
])
def test_a_message_is_split_by_the_kpis_it_names(typed, expected):
    assert split_by_names(typed, ["講座参加者数", "満足度"]) == expected


def test_an_approximate_value_starts_a_kpis_part_whichever_word_says_so():
    assert split_by_names("参加者 概ね42 満足度 おおよそ4.5", ["講座参加者数", "満足度"]) == [
        ("講座参加者数", "概ね42"), ("満足度", "おおよそ4.5")]


@pytest.mark.parametrize("word", APPROXIMATELY)
@pytest.mark.parametrize("between", [" ", ""])  # "参加者 約42" and "参加者約42"
def test_every_approximately_word_is_read_in_a_message_of_several_values(word, between):
    parts = split_by_names(f"参加者{between}{word}42 満足度{between}{word}4.5", ["講座参加者数", "満足度"])
    assert parts == [("講座参加者数", f"{word}42"), ("満足度", f"{word}4.5")]
    readings = [parse_value(part) for _, part in parts]
    assert [(r.value, r.approximate) for r in readings] == [(Decimal(42), True), (Decimal("4.5"), True)]


def test_normalize_collapses_spaces_and_width():
    assert normalize("　参加者　　４２ ") == "参加者 42"


def monthly(cadence="monthly", dates=()):
    return Kpi(name="k", unit="", target_value=1, cadence=cadence, due_dates=list(dates),
               target_date=date(2027, 3, 31))


def test_periods_close_the_day_after_and_are_asked_for_once_created():
    kpi = monthly()
    assert period_end("2026-11") == date(2026, 12, 1) and period_end("2026-12") == date(2027, 1, 1)
    assert period_end("2026-Q4") == date(2027, 1, 1) and period_end("2026-Q1") == date(2026, 4, 1)
    assert previous_period(kpi, "2027-01") == "2026-12"
    assert previous_period(monthly("quarterly"), "2027-Q1") == "2026-Q4"
    assert closed_periods(kpi, date(2026, 11, 30), created=date(2026, 11, 24)) == []
    assert closed_periods(kpi, date(2026, 12, 1), created=date(2026, 11, 24)) == ["2026-11"]
    # A service down for months asks for the last three periods, not every one.
    assert closed_periods(kpi, date(2027, 6, 2), created=date(2026, 11, 24)) == ["2027-03", "2027-04", "2027-05"]
    assert closed_periods(monthly("quarterly"), date(2027, 1, 5), created=date(2026, 11, 24)) == ["2026-Q4"]
    dated = monthly("dates", ["2026-12-15", "2027-03-15"])
    assert closed_periods(dated, date(2026, 12, 15), created=date(2026, 11, 24)) == ["2026-12-15"]


@pytest.mark.parametrize("moment, expected", [
    (datetime(2026, 12, 1, 9, 0), datetime(2026, 12, 1, 10, 0)),    # a Tuesday morning: at 10:00
    (datetime(2026, 12, 1, 13, 0), datetime(2026, 12, 1, 13, 0)),   # working hours: now
    (datetime(2026, 12, 1, 18, 0), datetime(2026, 12, 2, 10, 0)),   # evening: the next morning
    (datetime(2026, 12, 5, 10, 0), datetime(2026, 12, 7, 10, 0)),   # Saturday: Monday
    (datetime(2027, 1, 1, 10, 0), datetime(2027, 1, 4, 10, 0)),    # New Year's Day, then the weekend
    (datetime(2027, 1, 11, 10, 0), datetime(2027, 1, 12, 10, 0)),   # Coming of Age Day
])
def test_prompts_wait_for_a_business_morning(moment, expected):
    assert next_asking_time(moment.replace(tzinfo=TOKYO), TOKYO) == expected.replace(tzinfo=TOKYO)


def test_later_means_the_next_business_morning():
    friday = datetime(2026, 12, 4, 11, 0, tzinfo=TOKYO)
    assert next_business_morning(friday, TOKYO) == datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
