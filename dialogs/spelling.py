"""Spelling variants patients type, folded before keywords and signs are looked up.

A phone without a Vietnamese keyboard leaves Telex (`dang kys`, `khos thowr`) or VNI
(`dang ky1`, `cu7u1`) behind. Folded Vietnamese never ends a word in S, F, R, X or J and
never holds a digit inside a word, so such a leftover is removed only when what remains is a
word we know (`untone`): "SPO2" stays "SPO2", "YES" stays "YES".
"""

from __future__ import annotations

import re
from collections.abc import Collection

_TELEX_VOWELS = (("AA", "A"), ("EE", "E"), ("OO", "O"), ("AW", "A"), ("OW", "O"), ("UW", "U"), ("W", "U"))
_TELEX_TONES = "SFRXJ"
_VNI_MARK = re.compile(r"(?<=[A-Z])[1-9]+")


def _telex(word: str) -> str:
    if word.startswith("DD"):
        word = word[1:]
    for written, vowel in _TELEX_VOWELS:
        word = word.replace(written, vowel)
    return word[:-1] if len(word) > 2 and word[-1] in _TELEX_TONES else word


def _vni(word: str) -> str:
    return _VNI_MARK.sub("", word)


def untone(word: str, known: Collection[str]) -> str:
    """`word` (folded, upper case) without Telex/VNI leftovers when that makes it a known word."""
    if word in known or not word[:1].isalpha():
        return word
    for candidate in (_telex(word), _vni(word), _telex(_vni(word))):
        if candidate != word and candidate in known:
            return candidate
    return word


def untone_all(words: list[str], known: Collection[str]) -> list[str]:
    return [untone(word, known) for word in words]
