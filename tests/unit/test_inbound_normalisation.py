"""What phones and keyboards slip into a message does not change how it is read.

Format characters (zero-width, direction marks, BOM), Unicode spaces, full-width forms and
other scripts' digits are unified in `dialogs.text` before any parser sees the text;
`clean_inbound` is the lighter clean-up of a raw body before it is stored and echoed.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs import danger
from dialogs.effects import RaiseAlert, RecordDeclaration
from dialogs.keywords import Keyword, match
from dialogs.program import Level
from dialogs.text import (
    clean_inbound,
    fold,
    normalize,
    parse_birth,
    parse_day,
    parse_number,
    parse_yes_no,
    split_answers,
    unify,
)
from tests.unit.conftest import STRANGER_PHONE, Thread, patient

TODAY = date(2025, 11, 26)


def has_sign(text: str, phrases: tuple[str, ...]) -> bool:
    return danger.find(text, phrases) is not None


SIX = ["98", "18", "86", "37.5", "0", "0"]
LRM, RLM, RLE, PDF, LRI, PDI = "\u200e", "\u200f", "\u202b", "\u202c", "\u2066", "\u2069"
ZWSP, ZWJ, BOM, SHY = "\u200b", "\u200d", "\ufeff", "\u00ad"
NBSP, THIN, IDEOGRAPHIC, NARROW = "\u00a0", "\u2009", "\u3000", "\u202f"


def _category(category: str) -> list[str]:
    """Every assigned character of a category up to plane 1, and the tags of plane 14."""
    codes = [*range(0x20000), *range(0xE0000, 0xE0080)]
    return [chr(c) for c in codes if unicodedata.category(chr(c)) == category]


FORMAT = _category("Cf")
SPACES = _category("Zs")
DIGITS = _category("Nd")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


@pytest.mark.parametrize(
    "text",
    [
        f"{ZWSP}DK",
        f"{RLE}DK{PDF}",
        f"DK{NBSP}",
        "ＤＫ",
        f"{LRI}dk{PDI}",
        f"{BOM}DK",
        f"{LRM}DK{RLM}",
        f"D{ZWSP}K",
        f"{LRM}Đăng{NBSP}ký",
        f"đăng{IDEOGRAPHIC}ký{ZWJ}",
    ],
)
def test_dk_is_read_through_invisible_characters_unicode_spaces_and_full_width_letters(text: str) -> None:
    assert match(text) == (Keyword.REGISTER, "")


def test_a_keyword_argument_is_read_through_them_too() -> None:
    assert match(f"KB{NBSP}{LRM}٩٨ ١٨") == (Keyword.DECLARE, "98 18")


@pytest.mark.parametrize(
    "text",
    [
        "٩٨ ١٨ ٨٦ ٣٧٫٥ ٠ ٠",  # Arabic-Indic digits and decimal separator
        "۹۸ ۱۸ ۸۶ ۳۷٫۵ ۰ ۰",  # Extended Arabic-Indic (Persian) digits
        "９８　１８　８６　３７．５　０　０",  # full-width digits, full stop and ideographic spaces
        "९८ १८ ८६ ३७.५ ० ०",  # Devanagari digits
        f"{ZWSP}98{NBSP}18{THIN}86{NARROW}37.5 {RLM}0 0{BOM}",
        f"98,{NBSP}18,{SHY}86,{LRI}37.5{PDI}, 0, 0",
    ],
)
def test_six_numbers_are_read_in_any_digits_and_through_unicode_spaces(text: str) -> None:
    assert split_answers(text) == SIX
    assert [parse_number(token) for token in split_answers(text)] == [98.0, 18.0, 86.0, 37.5, 0.0, 0.0]


@pytest.mark.parametrize(
    "text", ["٣٧٫٥", "٣٧,٥", "۳۷٫۵", "３７，５", "３７．５", f"{ZWSP}37,5", f"37.5{LRM}", f"{NBSP}37.5"]
)
def test_a_number_is_read_in_any_digits_and_through_invisible_characters(text: str) -> None:
    assert parse_number(text) == 37.5


def test_every_unicode_decimal_digit_reads_as_its_value() -> None:
    assert len(DIGITS) > 500
    for digit in DIGITS:
        assert parse_number(digit) == unicodedata.decimal(digit), f"U+{ord(digit):04X}"


def test_other_number_like_characters_are_still_not_numbers() -> None:
    for text in ["²", "½", "Ⅻ", "①", "٣٧٬٥"]:  # superscript, fraction, Roman numeral, circled, thousands sign
        assert parse_number(text) is None, text


def test_every_format_character_vanishes_and_every_unicode_space_is_a_space() -> None:
    assert {"\u200b", "\u200e", "\u202b", "\u2066", "\ufeff", "\u00ad", "\U000e0001"} <= set(FORMAT)
    for char in FORMAT:
        assert unify(f"a{char}b") == "ab", f"U+{ord(char):04X}"
        assert normalize(f"d{char}k") == "DK", f"U+{ord(char):04X}"
    for char in SPACES:
        assert unify(f"a{char}b") == "a b", f"U+{ord(char):04X}"
        assert split_answers(f"98{char}18") == ["98", "18"], f"U+{ord(char):04X}"


def test_full_width_forms_are_their_ascii_characters() -> None:
    printable = "".join(chr(c) for c in range(0x21, 0x7F))
    assert unify(full_width(printable)) == printable
    assert normalize("ｈôｍ　ｎａｙ") == "HOM NAY"


@pytest.mark.parametrize(
    ("text", "expected"), [("ｃｏ", True), (f"{ZWSP}Có", True), (f"không{LRM}", False), ("ＫＯ", False)]
)
def test_yes_and_no_are_read_through_invisible_characters_and_full_width_letters(text: str, expected: bool) -> None:
    assert parse_yes_no(text) is expected


def test_days_and_birth_dates_are_read_in_any_digits() -> None:
    assert parse_day("٢٥/١١", TODAY) == date(2025, 11, 25)
    assert parse_day(f"hôm{NBSP}qua{ZWSP}", TODAY) == date(2025, 11, 25)
    assert parse_birth("١٩٨٠", TODAY) == (None, 1980)
    assert parse_birth(f"{LRM}15/3/1980", TODAY) == (date(1980, 3, 15), 1980)


def test_an_emergency_phrase_is_heard_through_unicode_spaces_and_direction_marks() -> None:
    phrases = ("KHO THO", "CAP CUU")
    assert has_sign(f"tôi bị khó{NBSP}thở", phrases)
    assert has_sign(f"{RLE}khó thở{PDF}", phrases)
    assert has_sign("ｃａｐ　ｃｕｕ", phrases)


# --- Vietnamese is untouched -------------------------------------------------

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_VIETNAMESE_TEXT = st.text(
    st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + " ,.;:!?()/%-0123456789\n\u0300\u0301\u0303\u0309\u0323"),
    max_size=80,
)


def _fold_by_definition(text: str) -> str:
    """The folding of Vietnamese before this change: decompose, drop the marks, d for đ."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))


@given(_VIETNAMESE_TEXT)
def test_vietnamese_with_or_without_diacritics_is_unified_to_itself_and_folded_as_before(text: str) -> None:
    assert unify(text) == text
    assert clean_inbound(text) == text
    assert fold(text) == _fold_by_definition(text)


_INVISIBLE = st.sampled_from([LRM, RLM, RLE, PDF, LRI, PDI, ZWSP, ZWJ, BOM, SHY, "\u2060", "\u061c"])


@st.composite
def _with_invisible_characters(draw: st.DrawFn) -> tuple[str, str]:
    """A Vietnamese text, and the same text with format characters inserted and other spaces."""
    text = draw(_VIETNAMESE_TEXT)
    noisy = []
    for char in text:
        noisy.append(draw(_INVISIBLE) if draw(st.integers(0, 3)) == 0 else "")
        noisy.append(draw(st.sampled_from([" ", NBSP, THIN, IDEOGRAPHIC, NARROW])) if char == " " else char)
    return text, "".join(noisy)


@given(_with_invisible_characters())
def test_invisible_characters_and_unicode_spaces_change_no_reading(pair: tuple[str, str]) -> None:
    text, noisy = pair
    assert normalize(noisy) == normalize(text)
    assert match(noisy) == match(text)
    assert split_answers(noisy) == split_answers(text)
    assert parse_yes_no(noisy) == parse_yes_no(text)
    assert parse_number(noisy) == parse_number(text)
    assert (danger.find(noisy, ("KHO THO",)) is None) == (danger.find(text, ("KHO THO",)) is None)


# --- clean_inbound -----------------------------------------------------------


def test_clean_inbound_keeps_vietnamese_emoji_full_width_and_other_digits_as_written() -> None:
    for text in ["Đăng ký khám, khó thở 😀", "Tra\u0302\u0300n Phu", "ＤＫ ٩٨ ۹۸", "a\tb\nc", "{€} 37,5°C"]:
        assert clean_inbound(text) == text


def test_clean_inbound_drops_control_and_format_characters_and_spaces_unicode_spaces() -> None:
    raw = f"{BOM}{RLE}Tôi\x00 bị\x1b khó{NBSP}thở{PDF}\x07\x7f\x85\x9f{ZWSP}!\r\nGọi{IDEOGRAPHIC}lại\rnhé\u2028ok"
    assert clean_inbound(raw) == "Tôi bị khó thở!\nGọi lại\nnhé\nok"


@given(st.text(max_size=200))
def test_clean_inbound_leaves_no_control_format_or_odd_space_character(text: str) -> None:
    cleaned = clean_inbound(text)
    for char in cleaned:
        category = unicodedata.category(char)
        assert category not in ("Cf", "Zl", "Zp"), repr(char)
        assert category != "Cc" or char in "\n\t", repr(char)
        assert category != "Zs" or char == " ", repr(char)
    assert clean_inbound(cleaned) == cleaned


@given(st.text(st.characters(blacklist_categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Cs")), max_size=200))
def test_clean_inbound_changes_nothing_else(text: str) -> None:
    assert clean_inbound(text) == text


def test_the_unicode_tables_cover_the_interpreter_s_unicode() -> None:
    assert unicodedata.unidata_version >= "13.0"
    assert sys.maxunicode == 0x10FFFF


# --- through the dialog ------------------------------------------------------


@pytest.mark.parametrize("text", [f"{ZWSP}DK", f"{RLE}DK{PDF}", f"DK{NBSP}", "ＤＫ", f"{BOM}đăng ký"])
def test_a_stranger_starts_registration_through_invisible_characters(thread: Callable[..., Thread], text: str) -> None:
    stranger = thread(phone=STRANGER_PHONE)
    assert "1/7" in stranger.send(text)
    assert stranger.state == "reg_name"


@pytest.mark.parametrize("text", ["٩٨ ١٨ ٨٦ ٣٧٫٥ ٠ ٠", "۹۸ ۱۸ ۸۶ ۳۷٫۵ ۰ ۰", "９８　１８　８６　３７，５　０　０"])
def test_a_declaration_in_other_digits_is_recorded_as_the_six_numbers(thread: Callable[..., Thread], text: str) -> None:
    an = thread(patient())
    an.send(text)
    (record,) = an.all(RecordDeclaration)
    assert record.complete
    assert record.level is Level.GREEN
    assert record.answers == {
        "spo2": 98.0,
        "breaths": 18.0,
        "pulse": 86.0,
        "temperature": 37.5,
        "breathless": 0.0,
        "signs": "0",
    }


def test_a_red_declaration_in_arabic_indic_digits_alerts_the_clinic(thread: Callable[..., Thread]) -> None:
    an = thread(patient())
    reply = an.send("٩٣ ١٨ ٨٦ ٣٧ ٠ ٠")
    (alert,) = an.all(RaiseAlert)
    assert alert.level is Level.RED
    assert "SpO2 93" in alert.reason
    assert "115" in reply


@pytest.mark.parametrize("text", [f"{RLE}CUU{PDF}", f"{ZWSP}SOS", "ＣＵＵ", f"cấp{NBSP}cứu"])
def test_cuu_is_heard_through_invisible_characters(thread: Callable[..., Thread], text: str) -> None:
    an = thread(patient())
    an.send(text)
    (alert,) = an.all(RaiseAlert)
    assert alert.level is Level.RED
