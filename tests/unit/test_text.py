"""Folding, GSM-7 segment counting and parsing of what patients type."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs import text as text_module
from dialogs.text import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    fold,
    is_gsm7,
    normalize,
    parse_birth,
    parse_day,
    parse_number,
    parse_yes_no,
    segments,
    sms_length,
    split_answers,
    to_sms,
)

TODAY = date(2025, 11, 26)
any_text = st.text(max_size=1600)


def test_folding_removes_vietnamese_diacritics_and_maps_d_bar() -> None:
    assert fold("Đăng ký khám bệnh ở Trạm Y tế đây") == "Dang ky kham benh o Tram Y te day"


def test_folding_keeps_other_characters() -> None:
    assert fold("37,5 °C / 98% ≥ x") == "37,5 °C / 98% ≥ x"


def test_normalize_upper_cases_and_collapses_whitespace() -> None:
    assert normalize("  đăng   ký ") == "DANG KY"
    assert normalize("hôm\u00a0nay\n\tnhé") == "HOM NAY NHE"


def test_sms_text_in_ascii_mode_loses_accents_and_typography() -> None:
    sent = to_sms("Nhiệt độ ≥ 38°C \u2013 “sốt”… ≤ 2 ngày", ascii_only=True)  # en dash
    assert sent == 'Nhiet do >= 38C - "sot"... <= 2 ngay'


def test_sms_text_in_ascii_mode_replaces_unknown_characters_by_a_question_mark() -> None:
    assert to_sms("ok 😀 中", ascii_only=True) == "ok ? ?"


def test_sms_text_in_unicode_mode_is_only_nfc_normalized() -> None:
    decomposed = "Tra\u0302\u0300n"  # "Trần" written as letters plus combining marks
    assert to_sms(decomposed, ascii_only=False) == "Trần"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("đ" * 70, 1),
        ("đ" * 71, 2),
        ("đ" * 134, 2),
        ("đ" * 135, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
    ],
)
def test_segments_follow_the_gsm7_and_ucs2_limits(text: str, expected: int) -> None:
    assert segments(text) == expected


def test_one_d_bar_without_folding_makes_the_message_ucs2() -> None:
    text = "a" * 100 + "đ"
    assert not is_gsm7(text)
    assert segments(text) == 2
    assert segments(to_sms(text, ascii_only=True)) == 1


def test_extension_characters_count_twice_and_emoji_count_as_two_utf16_units() -> None:
    assert sms_length("{a}") == 5
    assert sms_length("😀đ") == 3


def test_the_gsm7_alphabet_has_the_expected_size() -> None:
    assert len(GSM7_BASIC) == 127  # 128 code points minus the escape
    assert frozenset("\f^{}\\[~]|€") == GSM7_EXTENSION  # form feed is the 03.38 page break


@given(any_text)
def test_parsers_never_raise_on_arbitrary_text(text: str) -> None:
    normalize(text)
    to_sms(text, ascii_only=False)
    segments(text)
    parse_yes_no(text)
    parse_number(text)
    split_answers(text)
    parse_birth(text, TODAY)
    parse_day(text, TODAY)


@given(any_text)
def test_ascii_sms_text_is_always_gsm7(text: str) -> None:
    assert is_gsm7(to_sms(text, ascii_only=True))


@given(any_text)
def test_split_answers_never_yields_empty_or_spaced_tokens(text: str) -> None:
    assert all(token and not any(c.isspace() for c in token) for token in split_answers(text))


@pytest.mark.parametrize("text", ["C", "co", "CÓ", " có ", "y", "Yes", "Có."])
def test_yes_answers_are_recognised(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", ["K", "ko", "khong", "KHÔNG", "không", "n", "No"])
def test_no_answers_are_recognised(text: str) -> None:
    assert parse_yes_no(text) is False


@pytest.mark.parametrize("text", ["", "1", "0", "co le", "maybe", "CK"])
def test_other_answers_are_neither_yes_nor_no(text: str) -> None:
    assert parse_yes_no(text) is None


def test_a_decimal_comma_is_a_decimal_point() -> None:
    assert parse_number("37,5") == 37.5
    assert parse_number("37.5") == 37.5
    assert parse_number(" 98 ") == 98.0


@pytest.mark.parametrize(
    "text", ["", " ", "1e5", "nan", "inf", "1.000", "1,500", "1.2.3", "37,5,1", "-1", ".5", "²", "3²"]
)
def test_anything_but_a_plain_number_is_rejected(text: str) -> None:
    assert parse_number(text) is None


def test_a_huge_number_is_rejected_rather_than_infinite() -> None:
    assert parse_number("9" * 400) is None


def test_answers_separated_by_spaces_keep_their_decimal_comma() -> None:
    assert split_answers("98 18 86 37,5 0 0") == ["98", "18", "86", "37,5", "0", "0"]


def test_answers_separated_by_commas_and_spaces_give_one_token_each() -> None:
    assert split_answers("98, 18, 86, 37.5, 0, 0") == ["98", "18", "86", "37.5", "0", "0"]
    assert split_answers("98;18 ;86\n37,5") == ["98", "18", "86", "37,5"]


def test_answers_packed_with_commas_split_a_decimal_comma_too() -> None:
    assert split_answers("98,18,86,37,5,0,0") == ["98", "18", "86", "37", "5", "0", "0"]


def test_empty_answers_give_no_tokens() -> None:
    assert split_answers(" ,, ; ") == []


def test_a_birth_year_alone_is_accepted() -> None:
    assert parse_birth(" 1980 ", TODAY) == (None, 1980)


@pytest.mark.parametrize("text", ["15/3/1980", "15-03-1980", "15.3.1980", "15 / 3 / 1980"])
def test_a_full_birth_date_is_accepted(text: str) -> None:
    assert parse_birth(text, TODAY) == (date(1980, 3, 15), 1980)


@pytest.mark.parametrize("text", ["15/03/80", "80", "2026", "27/11/2025", "31/2/1980", "1904", "1/1/1900", "abc", ""])
def test_bad_future_or_too_old_birth_dates_are_rejected(text: str) -> None:
    assert parse_birth(text, TODAY) is None


def test_a_person_aged_exactly_120_is_accepted() -> None:
    assert parse_birth("26/11/1905", TODAY) == (date(1905, 11, 26), 1905)
    assert parse_birth("1905", TODAY) == (None, 1905)


@pytest.mark.parametrize("text", ["hom nay", "HÔM NAY", "today", "nay", " Hôm  nay "])
def test_today_words_give_today(text: str) -> None:
    assert parse_day(text, TODAY) == TODAY


@pytest.mark.parametrize("text", ["hom qua", "Hôm qua", "yesterday"])
def test_yesterday_words_give_yesterday(text: str) -> None:
    assert parse_day(text, TODAY) == date(2025, 11, 25)


@pytest.mark.parametrize("text", ["25/11", "25-11", "25.11", "25/11/2025"])
def test_a_day_and_month_give_this_year(text: str) -> None:
    assert parse_day(text, TODAY) == date(2025, 11, 25)


def test_a_day_and_month_after_today_mean_last_year() -> None:
    assert parse_day("25/12", date(2026, 1, 5)) == date(2025, 12, 25)


@pytest.mark.parametrize("text", ["27/11/2025", "1/9/2025", "26/11/2024", "30/2", "x", ""])
def test_future_old_or_impossible_days_are_rejected(text: str) -> None:
    assert parse_day(text, TODAY) is None


def test_a_day_exactly_60_days_ago_is_accepted() -> None:
    assert parse_day("27/9", TODAY) == date(2025, 9, 27)
    assert parse_day("26/9", TODAY) is None


# The fast paths (translate tables, a regex) must agree with the plain per-character definitions.
def _to_sms_by_definition(text: str) -> str:
    folded = "".join(text_module._SMS_REPLACEMENTS.get(c, c) for c in text_module._fold_slowly(text))
    return "".join(c if c in GSM7_BASIC or c in GSM7_EXTENSION else "?" for c in folded)


_MIXED = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0, max_codepoint=0x7F),
        st.characters(min_codepoint=0xC0, max_codepoint=0x24F),
        st.characters(min_codepoint=0x1EA0, max_codepoint=0x1EFF),
        st.sampled_from("\u0300\u0301\u0303\u0309\u0323đĐ\u2013\u201c°…\t\u00a0가\u1100\u1161€"),
    ),
    max_size=40,
)


@given(_MIXED)
def test_fold_fast_path_equals_the_per_character_definition(text: str) -> None:
    assert text_module.fold(text) == text_module._fold_slowly(text)


def test_fold_table_agrees_for_every_character_up_to_cjk() -> None:
    for code in range(0x3000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        assert text_module.fold(chr(code)) == text_module._fold_slowly(chr(code)), hex(code)


@given(_MIXED)
def test_to_sms_fast_path_equals_the_per_character_definition(text: str) -> None:
    assert to_sms(text, True) == _to_sms_by_definition(text)


@given(_MIXED)
def test_is_gsm7_regex_equals_the_alphabet_check(text: str) -> None:
    assert is_gsm7(text) == all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)
