"""SMS parts counted as a GSM 03.38 / UCS-2 concatenated SMS is split, against an independent splitter.

The reference below encodes each character on its own (GSM 03.38 table positions, an escape
and a position for the extension table, UTF-16 code units otherwise) and packs the encoded
characters greedily into parts, never splitting one. It shares no code with `dialogs.text`.
"""

from __future__ import annotations

import functools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.text import segments, sms_length

# GSM 03.38 default alphabet in table order (0x00-0x7F); 0x1B is the escape to the extension table.
GSM_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION_TABLE = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~", 0x3E: "]"}
GSM_EXTENSION_TABLE |= {0x40: "|", 0x65: "€"}
ESCAPE = 0x1B
SEPTET = {char: position for position, char in enumerate(GSM_TABLE) if position != ESCAPE}
ESCAPED = {char: position for position, char in GSM_EXTENSION_TABLE.items()}


@functools.cache
def units(char: str, gsm: bool) -> tuple[int, ...]:
    """The code units one character takes: septets in GSM-7, UTF-16 code units in UCS-2."""
    if gsm:
        return (SEPTET[char],) if char in SEPTET else (ESCAPE, ESCAPED[char])
    encoded = char.encode("utf-16-be")
    return tuple(encoded[i] << 8 | encoded[i + 1] for i in range(0, len(encoded), 2))


def encode(text: str) -> tuple[list[tuple[int, ...]], int, int]:
    """Each character's code units, and the single-message and per-part limits of the encoding."""
    gsm = all(c in SEPTET or c in ESCAPED for c in text)
    return [units(c, gsm) for c in text], *((160, 153) if gsm else (70, 67))


def split(text: str) -> list[int]:
    """The sizes of the parts a phone network sends: greedy, a character's units in one part."""
    encoded, single, limit = encode(text)
    sizes = [0]
    for size in map(len, encoded):
        if sizes[-1] + size > limit:
            sizes.append(0)
        sizes[-1] += size
    return [sum(sizes)] if sum(sizes) <= single else sizes


def naive(text: str) -> int:
    """The count that ignores where parts split (the bug this file guards against)."""
    encoded, single, limit = encode(text)
    length = sum(map(len, encoded))
    return 1 if length <= single else -(-length // limit)


ASCII = [chr(c) for c in range(32, 127) if chr(c) not in "^{}\\[~]|"]
EXTENSION = list("€[]{}\\~^|\f")
VIETNAMESE = list("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐƯƠ")
EMOJI = ["😀", "🚑", "❤", "🤒", "🇻", "🇳", "👍"]  # "❤" is in the BMP: one unit


def test_the_reference_tables_are_the_whole_gsm_alphabet() -> None:
    assert len(GSM_TABLE) == 128
    assert len(SEPTET) == 127
    assert len(ESCAPED) == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 158 + "€", 1),  # 160 septets
        ("a" * 159 + "€", 2),  # 161 septets
        ("a" * 152 + "€" + "b", 1),  # one message: no part boundary inside
        ("a" * 152 + "€" + "b" * 152, 3),  # the escape pair would straddle septet 153: 306 septets, 3 parts
        ("a" * 151 + "€" + "b" * 153, 2),  # the pair ends part 1 exactly
        ("€" * 153, 3),  # 76 pairs a part, one septet left empty each time
        ("a" * 152 + "\f" + "b" * 152, 3),  # form feed is escaped like the euro sign
        ("a" * 152 + "{}" + "b" * 150, 3),
        ("đ" * 66 + "😀", 1),  # 68 units: one message
        ("đ" * 69 + "😀", 2),  # 71 units
        ("đ" * 66 + "😀" + "đ" * 66, 3),  # the surrogate pair would straddle unit 67
        ("đ" * 65 + "😀" + "đ" * 67, 2),  # the pair ends part 1 exactly
        ("😀" * 67, 3),  # 33 pairs a part
        ("a" * 66 + "😀" + "€" * 66, 3),  # one emoji makes the euro signs one unit each
    ],
)
def test_a_character_that_would_straddle_a_part_boundary_opens_the_next_part(text: str, expected: int) -> None:
    assert len(split(text)) == expected
    assert segments(text) == expected


def test_the_straddling_examples_are_ones_a_plain_division_gets_wrong() -> None:
    assert naive("a" * 152 + "€" + "b" * 152) == 2
    assert naive("đ" * 66 + "😀" + "đ" * 66) == 2


def test_form_feed_counts_two_septets_as_an_escaped_character() -> None:
    assert sms_length("\f") == 2
    assert segments("\f" * 80) == 1
    assert segments("\f" * 81) == 2


def _family(*pools: tuple[list[str], float]) -> tuple[list[str], list[float]]:
    """One alphabet with a weight per character, so that each pool weighs what it is given."""
    return [c for pool, _ in pools for c in pool], [w / len(pool) for pool, w in pools for _ in pool]


# Texts around the part boundaries: GSM-7 with escaped characters, UCS-2 with emoji, a mixture.
FAMILIES = [
    (_family((ASCII, 0.75), (EXTENSION, 0.25)), (140, 700)),
    (_family((ASCII, 0.4), (VIETNAMESE, 0.3), (EMOJI, 0.25), (EXTENSION, 0.05)), (60, 300)),
    (_family((ASCII, 0.6), (EXTENSION, 0.2), (VIETNAMESE, 0.1), (EMOJI, 0.1)), (60, 500)),
    (_family((EXTENSION, 0.6), (ASCII, 0.4)), (100, 500)),  # dense: most boundaries meet a pair
    (_family((EMOJI, 0.6), (VIETNAMESE, 0.4)), (40, 250)),
]


def _pad_to_near_a_boundary(text: str, short_by: int) -> str:
    """`text` and enough "x" (one unit in either encoding) to end `short_by` units before a part."""
    encoded, _, limit = encode(text)
    return text + "x" * ((-short_by - sum(map(len, encoded))) % limit)


def _random_text(rng: random.Random) -> str:
    """A text from one family; half of them end a few units short of a full part."""
    (alphabet, weights), (shortest, longest) = rng.choice(FAMILIES)
    text = "".join(rng.choices(alphabet, weights, k=rng.randint(shortest, longest)))
    return _pad_to_near_a_boundary(text, rng.randint(0, 3)) if rng.random() < 0.5 else text


def test_segments_agree_with_the_greedy_splitter_over_thousands_of_random_texts() -> None:
    rng = random.Random(20251126)
    disagree, miscounted_by_division = [], 0
    for _ in range(3000):
        text = _random_text(rng)
        parts = len(split(text))
        if segments(text) != parts:
            disagree.append(text)
        miscounted_by_division += naive(text) != parts
    assert not disagree, f"{len(disagree)} disagree, e.g. {disagree[0]!r}"
    # The sample reaches the cases a plain division miscounts, so the agreement means something.
    assert miscounted_by_division >= 100


_CHARS = st.sampled_from(ASCII + EXTENSION + VIETNAMESE + EMOJI)
_GSM_CHARS = st.sampled_from(ASCII + EXTENSION)
_TEXTS = st.one_of(st.text(_CHARS, max_size=600), st.text(_GSM_CHARS, max_size=900))
# Half the characters take two units, and the text ends near a part boundary.
_DENSE = st.one_of(
    st.text(st.one_of(st.sampled_from(EXTENSION + EMOJI), _CHARS), min_size=60, max_size=400),
    st.text(st.one_of(st.sampled_from(EXTENSION), _GSM_CHARS), min_size=100, max_size=600),
)
_NEAR_A_BOUNDARY = st.builds(_pad_to_near_a_boundary, _DENSE, st.integers(0, 3))


@settings(max_examples=400)
@given(st.one_of(_TEXTS, _NEAR_A_BOUNDARY))
def test_segments_agree_with_the_greedy_splitter_on_generated_texts(text: str) -> None:
    assert segments(text) == len(split(text))


@given(st.text(_CHARS, max_size=700))
def test_no_part_holds_more_than_the_limit_of_its_encoding(text: str) -> None:
    sizes, (_, single, limit) = split(text), encode(text)
    assert all(size <= (single if len(sizes) == 1 else limit) for size in sizes)
