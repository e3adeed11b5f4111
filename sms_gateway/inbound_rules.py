"""What a webhook accepts before the application sees anything: body size, sender, provider ids, text.

Pure checks on what a provider posted; no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import phonenumbers

MAX_BODY_BYTES = 64 * 1024  # a Twilio form is about 1 KiB; 1,600 characters of text fit many times over
MAX_PROVIDER_ID = 128  # the column's length on both databases (Twilio's own are 34 characters)
MAX_ERROR_CODE_DIGITS = 9  # fits the INTEGER column on both databases

_E164 = re.compile(r"\+[1-9][0-9]{6,14}", re.ASCII)
_SHORT_CODE = re.compile(r"[0-9]{3,8}", re.ASCII)
_ERROR_CODE = re.compile(rf"[0-9]{{1,{MAX_ERROR_CODE_DIGITS}}}", re.ASCII)
# C0 and C1 controls but tab, newline and carriage return; the code points XML 1.0 cannot carry.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NEWLINES = re.compile(r"\r\n?")


def strip_controls(text: str) -> str:
    """`text` without control characters: CR LF and CR become LF, a tab a space, the rest is dropped.

    To be replaced by `dialogs.text.clean_inbound` (branch textnorm), which the service will apply
    to every channel; until then the Twilio edge cleans what it hands on and what it echoes.
    """
    return _CONTROLS.sub("", _NEWLINES.sub("\n", text)).replace("\t", " ")


def is_allowed_sender(sender: str, short_codes: Collection[str] = ()) -> bool:
    """Whether `sender` may start a conversation: an E.164 number of a real country, or a configured short code."""
    if sender in short_codes:
        return bool(_SHORT_CODE.fullmatch(sender))
    if not _E164.fullmatch(sender):
        return False
    try:
        return bool(phonenumbers.is_possible_number(phonenumbers.parse(sender, None)))
    except phonenumbers.NumberParseException:
        return False


def parse_error_code(raw: str | None) -> int | None:
    """A provider's ErrorCode as a number, None for anything else (empty, text, negative, too long)."""
    text = (raw or "").strip()
    return int(text) if _ERROR_CODE.fullmatch(text) else None
