"""Reading what patients write: labels and units, denied signs, spelling variants (issue 11, points 2 and 5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dialogs import reading
from dialogs.danger import SignKind, find
from dialogs.keywords import Keyword, match, yes_no
from dialogs.program import Program
from dialogs.reading import Reading, read, vocabulary

CONFIGURED = ("CAP CUU", "KHO THO", "TIM TAI", "NGAT")
YES_NO_LABELS = frozenset({"KHO THO", "DAU NGUC"})
SIX = {"spo2": "97", "breaths": "18", "pulse": "80", "temperature": "37", "breathless": "0", "signs": "0"}


def by_key(reading: Reading) -> dict[str, str]:
    return dict(reading.labelled)


@pytest.mark.parametrize(
    "text",
    [
        "spo2 97 nhip tho 18 mach 80 nhiet do 37 kho tho 0 dau hieu 0",
        "SpO2: 97, nhịp thở: 18, mạch: 80, nhiệt độ: 37, khó thở: 0, dấu hiệu khác: 0",
        "nhiet do 37 mach 80 spo2 97 nhip tho 18 kho tho 0 dau hieu 0",
        "SpO2 97%, NT 18 l/p, M 80 lan/phut, T 37 độ, khó thở 0, dấu hiệu 0",
        "97 spo2 18 nhip tho 80 mach 37 nhiet do 0 kho tho 0 dau hieu",
        "T37 M80 NT18 SPO2 97 kho tho 0 dau hieu 0",
        "pulse 80, temp 37, spo2 97, breaths 18, breathless 0, signs 0",
        "spo2=97 nt=18 m=80 t=37 kt=0 dh=0",
    ],
)
def test_labels_before_or_after_the_numbers_name_their_question_in_any_order(program: Program, text: str) -> None:
    reading = read(text, program.questions)
    assert by_key(reading) == SIX
    assert reading.ordered == ()


@pytest.mark.parametrize(
    ("text", "labelled", "ordered"),
    [
        ("98% 18 86 37,5 0 0", {"spo2": "98"}, ("18", "86", "37,5", "0", "0")),
        ("98 18 86 37,5°C 0 0", {"temperature": "37,5"}, ("98", "18", "86", "0", "0")),
        ("98 18 l/p 86 l/p 37 do 0 0", {"temperature": "37"}, ("98", "18", "86", "0", "0")),
        ("98 18 86 36 độ 8 0 0", {"temperature": "36.8"}, ("98", "18", "86", "0", "0")),
        ("98 18 86 37 C 0", {}, ("98", "18", "86", "37", "C", "0")),  # C alone is a yes, not Celsius
        ("98,18,86,37,5", {}, ("98", "18", "86", "37", "5")),
    ],
)
def test_units_after_a_number_name_its_question_and_are_otherwise_ignored(
    program: Program, text: str, labelled: dict[str, str], ordered: tuple[str, ...]
) -> None:
    reading = read(text, program.questions)
    assert by_key(reading) == labelled
    assert reading.ordered == ordered


def test_label_words_come_from_the_configured_questions_and_the_built_in_aliases(program: Program) -> None:
    words = vocabulary(program.questions)
    assert words["NHIP THO"] == words["BREATHS"] == words["NT"] == "breaths"  # vi label, en label, alias
    assert words["DAU NGUC"] == "breathless"  # the part after "/" of "Khó thở/đau ngực"
    assert "PHUT" not in words  # "Nhịp thở/phút": a unit, not a label


@pytest.mark.parametrize(
    "text",
    ["kho tho 0", "khó thở: 0", "kho tho khong", "kho tho ko", "kho tho no", "kho tho: khong, dau hieu 0",
     "khong kho tho", "ko bi kho tho", "không còn khó thở", "het kho tho roi", "bi ngat mui", "no chest pain",
     "spo2 97 nhip tho 18 mach 80 nhiet do 37 kho tho 0 dau hieu 0", "kho tho 1"],
)  # fmt: skip
def test_a_denied_sign_or_a_labelled_answer_is_not_an_emergency_in_words(text: str) -> None:
    assert find(text, CONFIGURED, YES_NO_LABELS) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("kho tho qua", SignKind.BREATHING),
        ("kho tho khong chiu noi", SignKind.BREATHING),  # "khong" that does not close the statement
        ("kho tho khong?", SignKind.BREATHING),
        ("co kho tho khong", SignKind.BREATHING),
        ("nó khó thở", SignKind.BREATHING),
        ("khos thowr", SignKind.BREATHING),  # Telex left behind
        ("kho1 tho73", SignKind.BREATHING),  # VNI left behind
        ("tức ngực", SignKind.BREATHING),
        ("bà ngất xỉu", SignKind.CONSCIOUSNESS),
        ("be co giat", SignKind.CONSCIOUSNESS),
        ("moi tim tai", SignKind.CYANOSIS),
        ("cap cuu", SignKind.EMERGENCY),
        ("I can't breathe", SignKind.BREATHING),
    ],
)
def test_a_sign_written_in_words_is_an_emergency_of_its_kind(text: str, kind: SignKind) -> None:
    found = find(text, CONFIGURED, YES_NO_LABELS)
    assert found is not None
    assert found.kind is kind


@pytest.mark.parametrize(
    "text", ["Đăng kí", "dang ki", "đk", "ĐK", "DANGKI", "dang kys", "dang ky1", "ddang kys", "Dang ki!"]
)
def test_spelling_variants_of_dang_ky_start_a_registration(text: str) -> None:
    assert match(text) == (Keyword.REGISTER, "")


@pytest.mark.parametrize(
    ("text", "keyword"),
    [("khai báo", Keyword.DECLARE), ("khai baos", Keyword.DECLARE), ("huyr", Keyword.CANCEL),
     ("CANCEL", Keyword.CANCEL), ("cancel", Keyword.CANCEL), ("HUY BO", Keyword.CANCEL),
     ("STOP", Keyword.OPT_OUT), ("dừng", Keyword.OPT_OUT), ("bắt đầu", Keyword.OPT_IN),
     ("RESEND", Keyword.RESEND), ("GUI LAI", Keyword.RESEND)],
)  # fmt: skip
def test_keywords_of_both_languages_and_their_spellings_are_recognised(text: str, keyword: Keyword) -> None:
    found = match(text)
    assert found is not None
    assert found[0] is keyword


@pytest.mark.parametrize("text", ["SPO2", "yes", "Nguyen Van An", "dung roi"])
def test_words_that_only_look_like_telex_are_left_alone(text: str) -> None:
    assert match(text) is None


@pytest.mark.parametrize("text", ["K", "0", "không có", "khong co", "KO", "ko co", "no", "None"])
def test_no_is_written_many_ways(text: str) -> None:
    assert yes_no(text) is False


@pytest.mark.parametrize(
    "text",
    ["98 18 86 37.5 0 0", "97,18,86,37,5,0,0", "98.18.86.37.0.0", "37,5", "96 20", "１２ ３４", "98 18 86 37 0 0 1"],
)
def test_numbers_alone_are_read_as_the_full_reader_reads_them(text: str, program: Program) -> None:
    """The short cut for messages of numbers only gives what the word-by-word reader gives."""
    lexicon = reading._lexicon(program.questions)
    word_by_word = replace(lexicon, digit_labels=True)  # a label could start with a digit: no short cut
    fast, full = reading._read(text, lexicon), reading._read(text, word_by_word)
    assert (fast.labelled, fast.ordered, fast.starts_with_value, fast.words) == (
        full.labelled,
        full.ordered,
        full.starts_with_value,
        full.words,
    )
