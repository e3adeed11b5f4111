"""An SMS segment counter written from GSM 03.38 / 3GPP TS 23.038, independent of dialogs.text.

The stub and the cost benchmark use it to check the service's own counter. It splits the way
carriers do: a GSM-7 escape sequence (extension character) and a UTF-16 surrogate pair are never
cut across two segments, so a long text can cost one part more than a plain length division says.
"""

from __future__ import annotations

# The GSM 03.38 default alphabet (basic table), in table order.
BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
EXTENSION = "\f^{}\\[~]|€"  # each costs two septets: ESC + the character
_BASIC = frozenset(BASIC) - {"\x1b"}
_EXTENSION = frozenset(EXTENSION)

GSM_SINGLE, GSM_PART = 160, 153  # septets; a part loses 7 to the concatenation header
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units


def encoding(text: str) -> str:
    """'GSM-7' when every character is in the default alphabet or its extension, else 'UCS-2'."""
    return "GSM-7" if all(c in _BASIC or c in _EXTENSION for c in text) else "UCS-2"


def _units(text: str, gsm: bool) -> list[int]:
    if gsm:
        return [2 if c in _EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def count(text: str) -> int:
    """How many SMS parts `text` is billed as (an empty text is one part)."""
    gsm = encoding(text) == "GSM-7"
    units = _units(text, gsm)
    single, part = (GSM_SINGLE, GSM_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    if sum(units) <= single:
        return 1
    parts, used = 1, 0
    for size in units:  # an escape pair or a surrogate pair moves whole to the next part
        if used + size > part:
            parts, used = parts + 1, 0
        used += size
    return parts
