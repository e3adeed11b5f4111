"""Text helpers for SMS: Vietnamese folding, GSM-7 segment counting and answer parsing.

Pure functions: no clock reads (`today` is an argument) and no exceptions for bad input.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, timedelta

GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION: frozenset[str] = frozenset("^{}\\[~]|€")

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


def _fold_slowly(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))


# Every precomposed Latin letter with its folded form: one C-level translate instead of a loop
# per character (every reply is folded). Latin-1 to Latin Extended Additional holds all of Vietnamese.
_FOLD_TABLE: dict[int, str] = {
    code: folded for code in range(0xC0, 0x1F00) if (folded := _fold_slowly(chr(code))) != chr(code)
}
_GSM7_CLASS = "".join(sorted(GSM7_BASIC | GSM7_EXTENSION))
_NOT_GSM7 = re.compile("[^" + re.escape(_GSM7_CLASS) + "]")
# ASCII text to GSM-7: a tab is a space, characters outside GSM-7 (backtick, controls) are "?".
_ASCII_TO_SMS: dict[int, str] = {
    code: (" " if chr(code) == "\t" else "?")
    for code in range(128)
    if chr(code) not in GSM7_BASIC and chr(code) not in GSM7_EXTENSION
}


def fold(text: str) -> str:
    """Return `text` without Vietnamese diacritics (đ/Đ become d/D); other characters kept."""
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


def sms_length(text: str) -> int:
    """Return the length in septets (GSM-7) or in UTF-16 code units (UCS-2)."""
    if is_gsm7(text):
        return len(text) + sum(text.count(c) for c in GSM7_EXTENSION)
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def segments(text: str) -> int:
    """Return how many SMS parts `text` costs (an empty text is one part)."""
    n = sms_length(text)
    single, part = (160, 153) if is_gsm7(text) else (70, 67)
    return 1 if n <= single else math.ceil(n / part)


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
    token = text.strip()
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
    for raw in re.split(r"[\s;]+", text):
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
    token = text.strip()
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
    token = text.strip()
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
