"""Reading areas typed as free text: split into parts, each matched to the listed area it means."""

import pytest

from db.rules.areas import match_area, split_areas

LISTED = ["北地区", "中央地区", "南エリア", "東部地域", "北区"]


@pytest.mark.parametrize("typed, parts", [
    ("北地区・中央地区", ["北地区", "中央地区"]),
    ("北地区、中央地区,南エリア", ["北地区", "中央地区", "南エリア"]),
    ("北地区／中央地区/東部地域", ["北地区", "中央地区", "東部地域"]),
    ("北地区　中央地区  北地区", ["北地区", "中央地区"]),  # full-width space, a repeat
    ("ＮＥ地区", ["NE地区"]),
    ("未定", []), ("なし", []), ("", []), (None, []), ("-", []),
])
def test_typed_areas_are_split_into_parts(typed, parts):
    assert split_areas(typed) == parts


@pytest.mark.parametrize("part, area", [
    ("北地区", "北地区"), ("北", "北地区"), ("中央", "中央地区"), ("中央地域", "中央地区"), ("南", "南エリア"),
    ("南地区", "南エリア"), ("東部", "東部地域"), ("北区", "北区"), ("西地区", None), ("北地区の一部", None),
])
def test_a_part_is_the_listed_area_it_names(part, area):
    assert match_area(part, LISTED) == area
