"""Reading the areas (地区) members typed as free text before areas were a list the secretariat keeps.

「北地区・中央地区」 is two areas; 「中央」 is 中央地区 when the list has it; 「未定」 is none.
"""

import re
import unicodedata

MAX_AREA_NAME = 30
# A typed part longer than this is a sentence (「主に北側の地域が中心です」), not an area to list.
MAX_TYPED_NAME = 20
# What people put between two areas.
SEPARATORS = re.compile(r"[・、,，/／\s]+")
# Written after an area's name or left off: 「中央」 and 「中央地区」 are one area.
SUFFIXES = ("地区", "地域", "エリア")
NOT_AN_AREA = {"未定", "不明", "なし", "無し", "特になし", "-", "ー", "―", "？", "?", "未記入", "none"}


def clean_name(text: str) -> str:
    """An area's name as stored: NFKC (full-width to half-width), spaces tidied."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def key_of(name: str) -> str:
    """What two spellings of one area share: 「中央地区」 and 「中央」 are both 中央."""
    name = clean_name(name).replace(" ", "")
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def split_areas(text: str | None) -> list[str]:
    """The parts of a free-text area, in order, without repeats or words that name no area."""
    parts, seen = [], set()
    for part in SEPARATORS.split(clean_name(text or "")):
        part = part.strip()
        if part and part not in seen and part.lower() not in NOT_AN_AREA:
            parts.append(part)
            seen.add(part)
    return parts


def match_area(part: str, names: list[str]) -> str | None:
    """The listed area a typed part means: the same name, or the same but for 地区/地域/エリア."""
    cleaned = clean_name(part)
    if cleaned in names:
        return cleaned
    matches = [name for name in names if key_of(name) == key_of(cleaned)]
    return matches[0] if len(matches) == 1 else None
