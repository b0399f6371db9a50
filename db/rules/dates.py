"""Reading dates and times as people type them in Japanese, with no SQL.

One reader for every dialog step where a date or a time is typed: 「12/11 10時-11時」,
「12月11日 14:00〜15:30」, 「12月11日 10時から」, 「明日18時」, 「あさって」,
「令和9年3月31日」, 「2027/3/31」, in full-width or half-width.

A date typed without a year is the next such date, unless it passed within the last three months:
「1/15」 in December is next January, but 「11/20」 on 12/1 is the 11/20 just gone, and is refused
as past (with the reason) rather than silently moved a year ahead.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

# Nobody schedules a meeting or a notice this far ahead: such a date is a slip of the finger
# (9999 for 2027), and near the end of the calendar, adding a meeting's length to it overflows.
HORIZON = timedelta(days=3 * 365)
# A date typed without a year that passed this recently is that date, gone (see nearest_date).
RECENTLY = timedelta(days=92)
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "R": 2018, "H": 1988, "S": 1925}
RELATIVE_DAYS = {"今日": 0, "きょう": 0, "本日": 0, "明日": 1, "あした": 1, "あす": 1,
                 "明後日": 2, "あさって": 2}


class DateError(ValueError):
    """Text that is not a date (or time) the step can take; the subclass says why."""


class Unreadable(DateError):
    """Not a date or time in any way people write one."""


class NotARealDate(DateError):
    """Looks like a date but is none: 2/30, 25:00."""


class TimeMissing(DateError):
    """A date alone where a time is needed too."""


class EndsBeforeStart(DateError):
    """A span whose end is not after its start."""


class TooFarAhead(DateError):
    """Further ahead than anyone plans (three years)."""


class WrongWeekday(DateError):
    """A date typed with a weekday it does not fall on (「12/11(木)」 for a Friday): one of them is a slip."""

    def __init__(self, day: date, typed_weekday: int) -> None:
        super().__init__(f"{day.isoformat()} is not weekday {typed_weekday}")
        self.day, self.typed_weekday = day, typed_weekday


class PastDate(DateError):
    """A date or moment already gone; `day` is the date it was read as (with its year)."""

    def __init__(self, day: date, *, year_given: bool = True) -> None:
        super().__init__(f"{day.isoformat()} is past")
        self.day, self.year_given = day, year_given


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


def nearest_date(today: date, month: int, day: int) -> date:
    """The month/day typed without a year: the one just gone if it passed within RECENTLY, else the next.

    Someone who types a date a few weeks gone means that date (a slip, or a past event), not next
    year's: it is refused as past rather than moved a year ahead without a word."""
    ahead = next_date(today, month, day) if _exists(month, day) else None
    if ahead is None:
        raise NotARealDate(f"no date {month}/{day}")
    for year in (today.year, today.year - 1):
        try:
            gone = date(year, month, day)
        except ValueError:
            continue
        if gone < today:
            return gone if today - gone <= RECENTLY else ahead
    return ahead


def _exists(month: int, day: int) -> bool:
    try:
        date(2028, month, day)  # a leap year: 2/29 exists
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Typed:
    """What was typed, read: the day, and the start and end times when given."""
    day: date
    start: time | None = None
    end: time | None = None
    year_given: bool = True  # False for 「11/20」: its year was the reader's choice


WEEKDAYS = "月火水木金土日"
_WEEKDAY = re.compile(r"\(([月火水木金土日])(?:曜日?)?\)|(?<=[日\d])\s*([月火水木金土日])曜日?")


def _clean(text: str) -> tuple[str, int | None]:
    """The text normalized (full-width to half-width, every dash and wave to -), and the weekday typed, if any."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for wave in ("〜", "～", "~", "ー", "―", "–", "—", "−"):
        cleaned = cleaned.replace(wave, "-")
    weekday = None
    found = _WEEKDAY.search(cleaned)
    if found:
        weekday = WEEKDAYS.index(found.group(1) or found.group(2))
        cleaned = cleaned[:found.start()] + " " + cleaned[found.end():]
    cleaned = re.sub(r"\((?:祝|祝日)\)", " ", cleaned)
    return " ".join(cleaned.split()), weekday


_YEAR = r"(?:(?P<era>令和|平成|昭和|[RHS])\s*(?P<era_year>\d{1,2}|元)\s*[年./-]\s*|(?:西暦\s*)?(?P<year>\d{4})\s*[年./-]\s*)?"
_DAY = re.compile(_YEAR + r"(?P<month>\d{1,2})\s*(?:月\s*(?P<day_jp>\d{1,2})\s*日|[./-]\s*(?P<day>\d{1,2})(?:\s*日)?)")
_RELATIVE = re.compile("|".join(sorted(RELATIVE_DAYS, key=len, reverse=True)))
_BARE_HOUR = re.compile(r"(?P<hour>\d{1,2})(?=\s*-\s*(?:午前|午後)?\s*\d)")  # 「10-11時」: the start's 時 left off
_TIME = re.compile(r"(?P<ampm>午前|午後)?\s*(?P<hour>\d{1,2})\s*(?::\s*(?P<minute>\d{2})|時\s*(?:(?P<half>半)|(?P<minute_jp>\d{1,2})\s*分)?)")


def _read_day(text: str, today: date) -> tuple[date, bool, str]:
    """The date at the start of `text`, whether its year was given (or implied), and what follows it."""
    relative = _RELATIVE.match(text)
    if relative:
        return today + timedelta(days=RELATIVE_DAYS[relative.group()]), True, text[relative.end():]
    match = _DAY.match(text)
    if match is None:
        raise Unreadable(text)
    month, day = int(match["month"]), int(match["day_jp"] or match["day"])
    if match["era"]:
        year = ERAS[match["era"]] + (1 if match["era_year"] == "元" else int(match["era_year"]))
    elif match["year"]:
        year = int(match["year"])
    else:
        year = None
    try:
        found = date(year, month, day) if year else nearest_date(today, month, day)
    except ValueError as exc:
        raise NotARealDate(text) from exc
    return found, year is not None, text[match.end():]


def _read_time(text: str, *, bare: bool = False) -> tuple[time, str]:
    match = _TIME.match(text) or (_BARE_HOUR.match(text) if bare else None)
    if match is None:
        raise Unreadable(text)
    groups = match.groupdict()
    hour = int(groups["hour"])
    minute = 30 if groups.get("half") else int(groups.get("minute") or groups.get("minute_jp") or 0)
    if groups.get("ampm") == "午後" and hour < 12:
        hour += 12
    try:
        return time(hour, minute), text[match.end():]
    except ValueError as exc:
        raise NotARealDate(text) from exc


def read_typed(text: str, today: date) -> Typed:
    """A date, optionally a start time, optionally an end time (or 「から」 for a start alone)."""
    rest, weekday = _clean(text)
    day, year_given, rest = _read_day(rest, today)
    if weekday is not None and weekday != day.weekday():
        raise WrongWeekday(day, weekday)
    rest = rest.strip().removeprefix("の").strip()
    if not rest:
        return Typed(day, year_given=year_given)
    start, rest = _read_time(rest, bare=True)
    rest = rest.strip()
    if rest in ("", "から", "-"):
        return Typed(day, start, year_given=year_given)
    rest = rest.removeprefix("から").removeprefix("-").strip()
    end, rest = _read_time(rest)
    if rest.strip() not in ("", "まで"):
        raise Unreadable(text)
    return Typed(day, start, end, year_given)


def read_day(text: str, today: date) -> date:
    """A day still ahead or today (no time): 「2027/3/31」, 「3月31日」, 「令和9年3月31日」, 「明日」.

    Raises PastDate for a day gone, TooFarAhead past the horizon, other DateErrors for the rest."""
    typed = read_typed(text, today)
    if typed.start is not None:
        raise Unreadable(text)
    if typed.day < today:
        raise PastDate(typed.day, year_given=typed.year_given)
    if typed.day - today > HORIZON:
        raise TooFarAhead(text)
    return typed.day


def read_span(text: str, now: datetime, tz: tzinfo, default_length: timedelta | None = None
              ) -> tuple[datetime, datetime | None]:
    """A moment still ahead, and its end if one was typed (or `default_length` after the start).

    「12/11 10時-11時」, 「12月11日 14:00〜15:30」, 「12月11日 10時から」, 「明日18時」."""
    local_now = now.astimezone(tz)
    typed = read_typed(text, local_now.date())
    if typed.start is None:
        raise TimeMissing(text)
    start = datetime.combine(typed.day, typed.start, tzinfo=tz)
    if start <= now:
        raise PastDate(typed.day, year_given=typed.year_given)
    if beyond_horizon(start, now):
        raise TooFarAhead(text)
    if typed.end is not None:
        end = datetime.combine(typed.day, typed.end, tzinfo=tz)
        if end <= start:
            raise EndsBeforeStart(text)
        return start, end
    return start, start + default_length if default_length else None
