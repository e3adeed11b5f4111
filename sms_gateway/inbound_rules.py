"""What a webhook accepts before the application sees anything: body size, sender, provider ids, text.

Pure checks on what a provider posted; no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import phonenumbers

from dialogs.phones import normalize_phone
from dialogs.text import clean_inbound

MAX_BODY_BYTES = 64 * 1024  # a Twilio form is about 1 KiB; 1,600 characters of text fit many times over
MAX_PROVIDER_ID = 128  # the column's length on both databases (Twilio's own are 34 characters)
MAX_ERROR_CODE_DIGITS = 9  # fits the INTEGER column on both databases

_E164 = re.compile(r"\+[1-9][0-9]{6,14}", re.ASCII)
_SHORT_CODE = re.compile(r"[0-9]{3,8}", re.ASCII)
_ERROR_CODE = re.compile(rf"[0-9]{{1,{MAX_ERROR_CODE_DIGITS}}}", re.ASCII)
# What XML 1.0 cannot carry and `clean_inbound` keeps: lone surrogates and the two non-characters.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def strip_controls(text: str) -> str:
    """`text` as the service stores it (`clean_inbound`), fit for XML, a tab as a space."""
    return _NOT_XML.sub("", clean_inbound(text)).replace("\t", " ")


def is_allowed_sender(sender: str, short_codes: Collection[str] = (), region: str | None = None) -> bool:
    """Whether `sender` may start a conversation: an E.164 number of a real country, or a configured short code.

    With the service's `region`, a valid number is told by `normalize_phone`, whose cache the service
    then reads the same sender from: one parse of the number per message instead of two.
    """
    if sender in short_codes:
        return bool(_SHORT_CODE.fullmatch(sender))
    if not _E164.fullmatch(sender):
        return False
    if region is not None and normalize_phone(sender, region) == sender:
        return True
    try:
        return bool(phonenumbers.is_possible_number(phonenumbers.parse(sender, None)))
    except phonenumbers.NumberParseException:
        return False


def parse_error_code(raw: str | None) -> int | None:
    """A provider's ErrorCode as a number, None for anything else (empty, text, negative, too long)."""
    text = (raw or "").strip()
    return int(text) if _ERROR_CODE.fullmatch(text) else None
