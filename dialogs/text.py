"""Text helpers for SMS: input clean-up, Vietnamese folding, segment counting, answer parsing.

Pure functions: no clock reads (`today` is an argument) and no exceptions for bad input.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta

GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Escaped characters: two septets each (form feed is the 03.38 page break).
GSM7_EXTENSION: frozenset[str] = frozenset("\f^{}\\[~]|€")

# Typographic look-alikes and their plain equivalents ("°C" becomes "C"). Escapes keep the
# look-alikes visible: curly and low quotes, prime; en, figure, em dashes, minus, hyphens, bullet.
_SMS_REPLACEMENTS: dict[str, str] = (
    dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'")
    | dict.fromkeys("\u201c\u201d\u201e\u2033\u00ab\u00bb", '"')
    | dict.fromkeys("\u2013\u2012\u2014\u2212\u2010\u2011\u2022", "-")
    | dict.fromkeys("\u00a0\t\u2002\u2003\u2009\u202f", " ")
    | {"°": "", "≤": "<=", "≥": ">=", "…": "...", "\u00d7": "x", "÷": "/"}
)

_YES = frozenset({"C", "CO", "Y", "YES"})
_NO = frozenset({"K", "KO", "KHONG", "N", "NO"})
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?", re.ASCII)
_THOUSANDS = re.compile(r"[0-9]{1,3}[.,][0-9]{3}", re.ASCII)
_DECIMAL_ANSWER = re.compile(r"[0-9]{2}[,.][0-9]{1,2}", re.ASCII)
_SEP = r"\s*[/.-]\s*"
_FULL_DATE = re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{4}})", re.ASCII)
_DAY_MONTH = re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{1,2}})", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_TODAY_WORDS = frozenset({"HOM NAY", "NAY", "TODAY"})
_YESTERDAY_WORDS = frozenset({"HOM QUA", "QUA", "YESTERDAY"})
MAX_AGE_YEARS = 120
MAX_DAYS_BACK = 60


def _unseen(char: str) -> str | None:
    """Format characters (zero-width, direction marks, BOM: Cf) vanish; Unicode spaces are spaces."""
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Zs":
        return " "
    return "\n" if category in ("Zl", "Zp") else None


def _unify_char(char: str) -> str:
    """One character as parsers read it: `_unseen`, ASCII for full-width forms, digits for digits."""
    unseen = _unseen(char)
    if unseen is not None:
        return unseen
    if unicodedata.category(char) == "Nd":  # Arabic-Indic, Persian, Devanagari, full-width digits
        return str(unicodedata.decimal(char))
    if "\uff01" <= char <= "\uff5e":  # full-width ASCII forms (U+FF21 U+FF2B is DK)
        return chr(ord(char) - 0xFEE0)
    return "." if char == "\u066b" else char  # the Arabic decimal separator


def _inbound_char(char: str) -> str:
    """One character as stored: controls other than newline and tab dropped, CR is a newline."""
    if char in "\n\t\r":
        return "\n" if char == "\r" else char
    unseen = _unseen(char)
    return ("" if unicodedata.category(char) == "Cc" else char) if unseen is None else unseen


class _Table(dict[int, str]):
    """A `str.translate` table filled on first sight of each character; the rule is per character."""

    def __init__(self, rule: Callable[[str], str]) -> None:
        super().__init__()
        self._rule = rule

    def __missing__(self, code: int) -> str:
        value = self._rule(chr(code))
        if len(self) < 20_000:  # bounded: a stream of rare characters cannot grow it forever
            self[code] = value
        return value


_UNIFY = _Table(_unify_char)
_INBOUND = _Table(_inbound_char)


def unify(text: str) -> str:
    """Return `text` as every parser reads it: invisible format characters removed, Unicode spaces
    as spaces, full-width forms as ASCII, any Unicode decimal digit as 0-9 (Arabic-Indic 37,5 is "37.5")."""
    return text if text.isascii() else text.translate(_UNIFY)


def clean_inbound(text: str) -> str:
    """Return a raw inbound body fit to store and echo: control characters other than newline and
    tab removed (CR and CRLF become a newline), format characters removed, Unicode spaces as spaces.
    Everything else is kept as written, Vietnamese diacritics included."""
    if text.isascii() and text.isprintable():
        return text
    return text.replace("\r\n", "\n").translate(_INBOUND)


def _fold_slowly(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", unify(text))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))


# Every character with its folded form, computed on first sight: one C-level translate instead of
# a loop per character (every reply is folded).
_FOLD_TABLE = _Table(_fold_slowly)
_GSM7_CLASS = "".join(sorted(GSM7_BASIC | GSM7_EXTENSION))
_NOT_GSM7 = re.compile("[^" + re.escape(_GSM7_CLASS) + "]")
_ESCAPED_CHARS = "".join(sorted(GSM7_EXTENSION))
_ESCAPED = re.compile("[" + re.escape(_ESCAPED_CHARS) + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# ASCII text to GSM-7: a tab is a space, characters outside GSM-7 (backtick, controls) are "?".
_ASCII_TO_SMS: dict[int, str] = {
    code: (" " if chr(code) == "\t" else "?")
    for code in range(128)
    if chr(code) not in GSM7_BASIC and chr(code) not in GSM7_EXTENSION
}


def fold(text: str) -> str:
    """Return `unify(text)` without Vietnamese diacritics (đ/Đ become d/D); other characters kept."""
    if text.isascii():
        return text
    folded = unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)
    # Character by character equals the slow path whenever the result is plain ASCII.
    return folded if folded.isascii() else _fold_slowly(text)


def normalize(text: str) -> str:
    """Return folded, upper-case text with whitespace collapsed, for keyword matching."""
    return " ".join(fold(text).upper().split())


def to_sms(text: str, ascii_only: bool) -> str:
    """Return text ready to send: NFC, or when `ascii_only` folded to GSM-7 ('?' for the rest)."""
    if not ascii_only:
        return unicodedata.normalize("NFC", text)
    plain = fold(text)
    if plain.isascii():
        return plain.translate(_ASCII_TO_SMS)
    folded = "".join(_SMS_REPLACEMENTS.get(c, c) for c in plain)
    return "".join(c if c in GSM7_BASIC or c in GSM7_EXTENSION else "?" for c in folded)


def is_gsm7(text: str) -> bool:
    """Return True when every character of `text` is in the GSM-7 alphabet (basic or extension)."""
    return _NOT_GSM7.search(text) is None


def _measure(text: str) -> tuple[int, bool]:
    if is_gsm7(text):
        return len(text) + sum(map(text.count, _ESCAPED_CHARS)), True
    return len(text.encode("utf-16-le", "surrogatepass")) // 2, False


def sms_length(text: str) -> int:
    """Return the length in septets (GSM-7) or in UTF-16 code units (UCS-2)."""
    return _measure(text)[0]


def segments(text: str) -> int:
    """Return how many SMS parts `text` costs, split as GSM 03.38 / UCS-2 concatenated SMS are
    (160 or 153 septets a part, 70 or 67 UTF-16 units); an empty text is one part."""
    length, gsm = _measure(text)
    doubles, single, part = (_ESCAPED, 160, 153) if gsm else (_ASTRAL, 70, 67)
    if length <= single:
        return 1
    least = -(-length // part)
    # Greedy packing leaves at most one unit empty per full part: when that fits, `least` is exact.
    if length == len(text) or length + least - 1 <= least * part:
        return least
    # A two-unit character (an escape pair, a surrogate pair) is never split: when it would start
    # in the last unit of a part, that unit stays empty and the character opens the next part.
    wasted = 0
    for before, found in enumerate(doubles.finditer(text)):
        if (found.start() + before + wasted) % part == part - 1:
            wasted += 1
    return -(-(length + wasted) // part)


def parse_yes_no(text: str) -> bool | None:
    """Return True for C/CO/Y/YES, False for K/KO/KHONG/N/NO (any case or accents), else None."""
    word = normalize(text).replace(" ", "").rstrip(".!")
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def parse_number(text: str) -> float | None:
    """Return the number in `text` ("37,5" or "37.5"), or None when it is not a plain number.

    A separator followed by exactly three digits ("1.000", "1,500") is read as a thousands
    separator, which is ambiguous in Vietnamese, and rejected.
    """
    token = unify(text).strip()
    if not _NUMBER.fullmatch(token) or _THOUSANDS.fullmatch(token):
        return None
    value = float(token.replace(",", "."))
    return value if math.isfinite(value) else None


def split_answers(text: str) -> list[str]:
    """Split a multi-answer SMS into tokens on whitespace, semicolons and commas.

    A token like "37,5" or "36.8" (two digits, a separator, one or two digits) stays one
    decimal number. A run without spaces such as "98,18,86,37,5" is split at every comma,
    so there "37,5" becomes "37" and "5": this ambiguity is accepted, the caller re-asks.
    """
    tokens: list[str] = []
    for raw in re.split(r"[\s;]+", unify(text)):
        token = raw.strip(",")
        if "," not in token or _DECIMAL_ANSWER.fullmatch(token):
            tokens.append(token)
        else:
            tokens.extend(token.split(","))
    return [t for t in tokens if t]


def _age_years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def parse_birth(text: str, today: date) -> tuple[date | None, int] | None:
    """Return (date of birth or None, year) from "1980" or "15/3/1980", else None.

    Years must have four digits; future dates and ages over 120 are rejected.
    """
    token = unify(text).strip()
    full = _FULL_DATE.fullmatch(token)
    if full:
        day, month, year = (int(g) for g in full.groups())
        try:
            born = date(year, month, day)
        except ValueError:
            return None
        if born > today or _age_years(born, today) > MAX_AGE_YEARS:
            return None
        return born, year
    if _YEAR.fullmatch(token):
        year = int(token)
        if year > today.year or today.year - year > MAX_AGE_YEARS:
            return None
        return None, year
    return None


def _recent(day: date, today: date) -> bool:
    return today - timedelta(days=MAX_DAYS_BACK) <= day <= today


def parse_day(text: str, today: date) -> date | None:
    """Return the day meant by "hom nay", "hom qua", "25/11" or "25/11/2026", else None.

    Without a year the latest such day not after `today` is meant. Future days and days
    more than 60 days before `today` are rejected.
    """
    words = normalize(text)
    if words in _TODAY_WORDS:
        return today
    if words in _YESTERDAY_WORDS:
        return today - timedelta(days=1)
    token = unify(text).strip()
    full = _FULL_DATE.fullmatch(token)
    short = _DAY_MONTH.fullmatch(token)
    if full:
        day, month, year = (int(g) for g in full.groups())
        candidates = [year]
    elif short:
        day, month = (int(g) for g in short.groups())
        candidates = [today.year, today.year - 1]
    else:
        return None
    for year in candidates:
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found <= today:
            return found if _recent(found, today) else None
    return None


def is_digits(text: str) -> bool:
    """ASCII digits only ("²" and other Unicode digits are not numbers a patient typed)."""
    return text.isascii() and text.isdigit()
