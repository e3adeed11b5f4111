"""Matching the ward or commune a patient types to a health station."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.areas import AreaIndex, AreaMatch, area_key

DEMO_AREAS = [
    ("Tran Phu", "tyt-tran-phu"),
    ("Phuong Tran Phu", "tyt-tran-phu"),
    ("Quang Trung", "tyt-quang-trung"),
    ("Tran Hung Dao", "tyt-tran-hung-dao"),
    ("Thanh Binh", "tyt-thanh-binh"),
    ("Tan Binh", "tyt-tan-binh"),
]


@pytest.fixture
def index() -> AreaIndex:
    return AreaIndex(DEMO_AREAS)


@pytest.mark.parametrize(
    "text",
    ["Tran Phu", "trần phú", "  TRAN   PHU ", "Phường Trần Phú", "P. Tran Phu", "p tran phu",
     "P.Tran Phu", "tranphu", "Tran Phu."],
)  # fmt: skip
def test_the_area_is_found_whatever_the_accents_case_or_unit_word(index: AreaIndex, text: str) -> None:
    assert index.match(text) == AreaMatch("tyt-tran-phu", "Tran Phu", ())


def test_thanh_binh_and_tan_binh_are_not_confused_when_typed_exactly(index: AreaIndex) -> None:
    assert index.match("Thanh Bình").clinic_id == "tyt-thanh-binh"
    assert index.match("tân bình").clinic_id == "tyt-tan-binh"
    assert index.match("Xã Tân Bình").clinic_id == "tyt-tan-binh"


def test_a_small_typo_is_forgiven(index: AreaIndex) -> None:
    assert index.match("Tran Phuu").clinic_id == "tyt-tran-phu"
    assert index.match("Quang Trungg").clinic_id == "tyt-quang-trung"


def test_a_typo_close_to_two_clinics_is_not_guessed(index: AreaIndex) -> None:
    found = index.match("Than Binh")
    assert found.clinic_id is None
    assert found.suggestions[:2] == ("Thanh Binh", "Tan Binh")


def test_a_partial_name_gets_suggestions_in_the_config_spelling(index: AreaIndex) -> None:
    assert index.match("Hung Dao") == AreaMatch(None, None, ("Tran Hung Dao",))


def test_suggestions_are_distinct_and_limited(index: AreaIndex) -> None:
    found = index.match("Tran", limit=2)
    assert found.clinic_id is None
    assert len(found.suggestions) <= 2
    assert len(set(found.suggestions)) == len(found.suggestions)


def test_nothing_close_suggests_the_first_areas(index: AreaIndex) -> None:
    assert index.match("xyz") == AreaMatch(None, None, ("Tran Phu", "Quang Trung", "Tran Hung Dao"))


@pytest.mark.parametrize("text", ["", "   ", "Phuong", "..."])
def test_empty_or_bare_unit_text_is_no_match(index: AreaIndex, text: str) -> None:
    assert index.match(text).clinic_id is None


def test_a_name_shared_by_two_clinics_is_not_guessed() -> None:
    index = AreaIndex([("Tan Binh", "a"), ("Xa Tan Binh", "b"), ("Quang Trung", "c")])
    found = index.match("Tan Binh")
    assert found.clinic_id is None
    assert found.suggestions[:2] == ("Tan Binh", "Xa Tan Binh")


def test_an_empty_index_matches_nothing() -> None:
    assert AreaIndex([]).match("Tran Phu") == AreaMatch(None, None, ())


def test_the_key_drops_accents_unit_words_and_punctuation() -> None:
    assert area_key("Thị trấn Đông Anh") == "DONG ANH"
    assert area_key("TT. Đông Anh") == "DONG ANH"
    assert area_key("Ward 12") == "12"


@given(st.text(max_size=1600), st.integers(min_value=0, max_value=5))
def test_matching_never_raises_and_respects_the_limit(text: str, limit: int) -> None:
    found = AreaIndex(DEMO_AREAS).match(text, limit=limit)
    assert len(found.suggestions) <= limit
    assert (found.clinic_id is None) == (found.area is None)
