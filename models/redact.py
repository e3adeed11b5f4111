"""Texts that may hold a phone number or a one-time code, made safe to keep or to log.

`redact` blanks a stored message body that held a one-time code. `mask` is for logs and stored
provider errors: phone numbers keep their first three and last three characters
(+84912345678 -> +84******678, 0912345678 -> 091****678) and six-digit codes become ******.
"""

from __future__ import annotations

import re

DIGIT_RUN = re.compile(r"\d{4,}")  # a one-time code (and any other long number)
# A phone: E.164 (+ or its URL encoding %2B, then 7-15 digits) or a national/bare run of 9-15
# digits; never part of a longer word, so message sids (SM3f2a...) and hex ids stay as they are.
_PHONE = re.compile(r"(?<![\w+])(?:\+|%2[Bb])\d{7,15}(?!\w)|(?<![\w+])\d{9,15}(?!\w)")
_CODE = re.compile(r"(?<![\w+])\d{6}(?!\w)")
_SIX_DIGITS = re.compile(r"\d{6}")  # in every phone and every code: a text without it is left as it is
KEPT = 3  # digits kept at the end of a masked phone


def redact(body: str) -> str:
    """Replace every run of 4+ digits (a one-time code) with asterisks."""
    return DIGIT_RUN.sub("******", body)


def mask(text: str) -> str:
    """`text` with phone numbers masked (their last 3 digits kept) and six-digit codes blanked."""
    if not _SIX_DIGITS.search(text):  # most log lines (gunicorn's access lines): one scan, no rewriting
        return text
    return _CODE.sub("******", _PHONE.sub(_mask_phone, text))


def _mask_phone(match: re.Match[str]) -> str:
    number = match[0]
    head = 5 if number.startswith("%") else 3  # "%2B84" shows as much as "+84"
    return number[:head] + "*" * (len(number) - head - KEPT) + number[-KEPT:]
