"""Reading KPI numbers as people type them in chat, and writing them back the same way.

"４２人", "1,200", "約1.2万", "3千", "1万2千", "3.5%", "▲3": normalized with NFKC, then read
with Decimal so that 1.2万 is exactly 12000. What follows the number and its unit is the
reporter's one-line comment.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MULTIPLIERS = {"億": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1_000), "百": Decimal(100)}
# Counters people put after a number; the KPI's own unit is accepted too.
COUNTERS = ("%", "人", "名", "件", "回", "個", "社", "団体", "世帯", "箇所", "か所", "カ所", "ヶ所", "円", "時間",
            "分", "日", "点", "本", "枚", "部", "冊", "台", "校", "区", "kg", "t", "km", "人日", "人回", "pt")
APPROXIMATELY = ("約", "およそ", "おおよそ", "だいたい", "ほぼ", "概ね", "おおむね")
MINUS = ("-", "−", "▲", "△", "マイナス")
SEPARATORS = " \t、,。.:;/・!！"
MAX_COMMENT = 200
# Beyond this a number is a typing accident (and past what a float column keeps exactly).
MAX_ABS_VALUE = Decimal(10) ** 15

_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# 40〜45 is a range, 12/3 a date, 14:00 a time and 12,50 a slip: none of them is a value.
_NOT_A_VALUE = re.compile(r"^\s*[~〜～\-/:,]\s*\d")


class NotANumber(ValueError):
    """The text does not start with a number we can read."""


@dataclass(frozen=True)
class Reading:
    value: Decimal
    unit: str | None
    comment: str | None
    approximate: bool = False


def normalize(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII; runs of spaces to one."""
    return " ".join(unicodedata.normalize("NFKC", text).replace("〜", "~").split())


def _amount(text: str, unit: str | None) -> tuple[Decimal, str]:
    """The number at the start of `text` (with 万/千 and commas) and what follows it.

    A unit that starts with 万 or 千 (万円, 千人) is the unit, not a multiplier."""
    total, position, last_multiplier, seen = Decimal(0), 0, None, False
    while True:
        match = _DIGITS.match(text, position)
        if not match:
            break
        number = Decimal(match.group().replace(",", ""))
        position = match.end()
        multiplier = None if unit and text.startswith(unit, position) else MULTIPLIERS.get(text[position:position + 1])
        if multiplier is None:
            total += number
            seen = True
            break
        if last_multiplier is not None and multiplier >= last_multiplier:
            raise NotANumber(text)  # 3千2万: not a way anyone writes a number
        total += number * multiplier
        last_multiplier, seen = multiplier, True
        position += 1
    if not seen:
        raise NotANumber(text)
    return total, text[position:]


def parse_value(text: str, unit: str | None = None) -> Reading:
    """One number with an optional unit and comment: "約42人 雨で減った" -> 42, 人, "雨で減った"."""
    rest = normalize(text)
    approximate = False
    for word in APPROXIMATELY:
        if rest.startswith(word):
            rest, approximate = rest[len(word):].lstrip(), True
            break
    sign = Decimal(1)
    for word in MINUS:
        if rest.startswith(word):
            rest, sign = rest[len(word):].lstrip(), Decimal(-1)
            break
    unit = normalize(unit) if unit else None
    try:
        value, rest = _amount(rest, unit)
    except InvalidOperation as exc:
        raise NotANumber(text) from exc
    if _NOT_A_VALUE.match(rest) or value >= MAX_ABS_VALUE:
        raise NotANumber(text)
    found_unit = None
    stripped = rest.lstrip()
    for counter in sorted({*COUNTERS, *([unit] if unit else [])}, key=len, reverse=True):
        if stripped.startswith(counter):
            found_unit, stripped = counter, stripped[len(counter):]
            break
    else:
        stripped = rest
    if stripped and stripped[0] not in SEPARATORS:
        raise NotANumber(text)  # "12月10日の会議", "3人で伺います": a sentence, not a value and a comment
    comment = stripped.strip(SEPARATORS).strip()
    return Reading(value=sign * value, unit=found_unit, comment=comment or None, approximate=approximate)


def format_value(value: float | Decimal, unit: str = "") -> str:
    """42 -> "42人", 1200 -> "1,200人", 4.5 -> "4.5", 0.125 -> "0.125": the shortest exact form."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    number = number.normalize()
    if number == number.to_integral_value():
        text = f"{int(number):,}"
    else:
        whole, _, fraction = f"{abs(number):f}".partition(".")
        text = ("-" if number < 0 else "") + f"{int(whole):,}.{fraction}"
    return text + (unit or "")


def _any_of(words: tuple[str, ...]) -> str:
    """A regex group for any of the words, longest first."""
    return "(?:" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + ")"


# Built from the word lists that parse_value reads, so that a word added there starts a value
# here too ("参加者 概ね42 満足度 4.5" is two values, as "概ね42" alone is one).
_NUMBER_START = f"{_any_of(APPROXIMATELY)}?{_any_of(MINUS)}?\\d"
_STARTS_NUMBER = re.compile("^" + _NUMBER_START)
_GLUED = re.compile(rf"^(\D+?)[:=]?({_NUMBER_START}.*)$")


def _name_for(word: str, names: list[str]) -> str | None:
    """The KPI a word names: exactly, or as a unique part of one name ("参加者" for "講座参加者数")."""
    word = word.rstrip(":=")
    if word in names:
        return word
    partial = [name for name in names if len(word) >= 2 and word in name]
    return partial[0] if len(partial) == 1 else None


def split_by_names(text: str, names: list[str]) -> list[tuple[str | None, str]]:
    """"参加者 42 満足度 4.5 よかった" -> [("参加者", "42"), ("満足度", "4.5 よかった")].

    A word starts a KPI's part only when it names one and a number follows it; text before the
    first name is a part with no name (a bare "42")."""
    words: list[str] = []
    # 、 ends a KPI's part too: "参加者 42人、満足度 4.5".
    for word in normalize(text).replace("、", "、 ").split():
        glued = _GLUED.match(word)
        if glued and _name_for(glued.group(1), names):
            words += [glued.group(1), glued.group(2)]
        else:
            words.append(word)
    parts: list[tuple[str | None, list[str]]] = []
    for i, word in enumerate(words):
        name = _name_for(word, names)
        if name and i + 1 < len(words) and _STARTS_NUMBER.match(words[i + 1]):
            parts.append((name, []))
        elif parts:
            parts[-1][1].append(word)
        else:
            parts.append((None, [word]))
    return [(name, " ".join(rest).replace("、 ", "、")) for name, rest in parts]
