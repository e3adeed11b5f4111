"""What may be a patient's name: letters of any script, and nothing a third party could be sent.

A name is relayed to staff (never to the patient's phone in the code SMS), so it must not carry
a link, an e-mail address or a phone number. Spaces, hyphens, apostrophes and dots sit between
letters only ("Nguyen Van An", "Hoàng-Lê", "O'Neil", "Ng.Van An").
"""

from __future__ import annotations

import re
import unicodedata

MIN_LETTERS, MAX_LETTERS, MAX_LENGTH = 2, 60, 80
_JOINERS = frozenset(" -'.\u2019")
# What looks like a way to reach someone: a scheme or www, a domain, an @, a run of digits.
_CONTACT = re.compile(
    r"(?i)(https?|www|ftp|[a-z0-9-]\.(com|net|org|vn|io|me|ly|xyz|info|example|link|top|app|ru|cn)\b|@|\d)"
)


def looks_like_contact(text: str) -> bool:
    """Whether the text holds something like a link, an e-mail address or a phone number."""
    return bool(_CONTACT.search(text)) or "/" in text


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "M")  # marks: combining diacritics of decomposed text


def _joins(before: str, ch: str, after: str) -> bool:
    """A joiner between letters; "Ng. Van" and "Hoang- Le": a dot or hyphen may touch one space."""
    if ch == " ":
        return (_is_letter(before) or before in ".-") and _is_letter(after)
    return _is_letter(before) and (_is_letter(after) or (ch in ".-" and after == " "))


def clean_name(text: str) -> str | None:
    """A full name of 2-60 letters with joiners only between letters; title-cased when typed in one case."""
    name = " ".join(text.split())
    letters = sum(ch.isalpha() for ch in name)
    if not MIN_LETTERS <= letters <= MAX_LETTERS or len(name) > MAX_LENGTH or looks_like_contact(name):
        return None
    for index, ch in enumerate(name):
        if _is_letter(ch):
            continue
        if ch not in _JOINERS or index == 0 or index == len(name) - 1:
            return None
        if not _joins(name[index - 1], ch, name[index + 1]):
            return None
    return name.title() if name.isupper() or name.islower() else name
