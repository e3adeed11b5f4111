"""Danger signs written in words ("kho tho qua", "me bi ngat"), and the ones that are denied.

A phrase is a danger sign unless the patient denies it: a negation before it ("khong kho
tho", "ko bi kho tho", "het kho tho") or a no after it that closes the statement ("kho tho 0",
"kho tho: khong, sot nhe", "kho tho ko"). A yes after a phrase that is a question's label
("kho tho 1") is an answer: the triage of the answers makes it red. When in doubt the phrase
is a danger sign: a call the patient did not need costs less than a missed one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from dialogs.spelling import untone_all
from dialogs.text import normalize


class SignKind(StrEnum):
    """What a danger sign in words is about: it chooses the advice the patient gets."""

    BREATHING = "breathing"  # breathless, chest pain
    CONSCIOUSNESS = "consciousness"  # fainting, confusion, fits
    CYANOSIS = "cyanosis"  # blue lips or fingertips
    EMERGENCY = "emergency"  # "cap cuu": no sign named


# Built in, on top of the configured `emergency_phrases` (those default to EMERGENCY unless listed here).
SIGNS: Mapping[str, SignKind] = {
    "KHO THO": SignKind.BREATHING,
    "THO DOC": SignKind.BREATHING,
    "THO GAP": SignKind.BREATHING,
    "THO NHANH": SignKind.BREATHING,
    "HUT HOI": SignKind.BREATHING,
    "NGHET THO": SignKind.BREATHING,
    "NGOP THO": SignKind.BREATHING,
    "KHONG THO DUOC": SignKind.BREATHING,
    "DAU NGUC": SignKind.BREATHING,
    "TUC NGUC": SignKind.BREATHING,
    "SHORT OF BREATH": SignKind.BREATHING,
    "SHORTNESS OF BREATH": SignKind.BREATHING,
    "BREATHLESS": SignKind.BREATHING,
    "CANT BREATHE": SignKind.BREATHING,
    "CAN T BREATHE": SignKind.BREATHING,
    "CANNOT BREATHE": SignKind.BREATHING,
    "CHEST PAIN": SignKind.BREATHING,
    "NGAT": SignKind.CONSCIOUSNESS,
    "XIU": SignKind.CONSCIOUSNESS,
    "LU LAN": SignKind.CONSCIOUSNESS,
    "LI BI": SignKind.CONSCIOUSNESS,
    "LO MO": SignKind.CONSCIOUSNESS,
    "CO GIAT": SignKind.CONSCIOUSNESS,
    "HON ME": SignKind.CONSCIOUSNESS,
    "BAT TINH": SignKind.CONSCIOUSNESS,
    "FAINTED": SignKind.CONSCIOUSNESS,
    "FAINTING": SignKind.CONSCIOUSNESS,
    "CONFUSED": SignKind.CONSCIOUSNESS,
    "SEIZURE": SignKind.CONSCIOUSNESS,
    "UNCONSCIOUS": SignKind.CONSCIOUSNESS,
    "TIM TAI": SignKind.CYANOSIS,
    "MOI TIM": SignKind.CYANOSIS,
    "TIM MOI": SignKind.CYANOSIS,
    "BLUE LIPS": SignKind.CYANOSIS,
    "LIPS BLUE": SignKind.CYANOSIS,
    "CAP CUU": SignKind.EMERGENCY,
    "EMERGENCY": SignKind.EMERGENCY,
}
# Harmless phrases that contain a danger word once diacritics are gone ("ngat mui": stuffy nose).
BENIGN = ("NGAT MUI", "NGAT NGAO", "NGAT KET NOI")
NEGATIONS_BEFORE = frozenset({"KHONG", "KO", "K", "KG", "KHG", "NOT", "CHUA", "HET", "NEVER", "WITHOUT"})
NO_BEFORE_IN_ENGLISH = "NO"  # "no chest pain"; in Vietnamese "no kho tho" is "he is breathless"
# Words that may stand between a negation and the phrase: "khong bi kho tho", "khong con kho tho".
BETWEEN = frozenset({"BI", "CO", "THAY", "CON", "DA", "HE", "ANY", "LONGER"})
NO_AFTER = frozenset({"0", "KHONG", "KO", "K", "KG", "KHG", "NO", "N", "NONE", "KHONGCO"})
YES_AFTER = frozenset({"1", "C", "CO", "Y", "YES"})
_WORD = re.compile(r"[A-Z0-9]+|[,.;!?:=/]")
_CLAUSE_END = frozenset(",.;!")


@dataclass(frozen=True)
class Danger:
    phrase: str  # as matched, e.g. "KHO THO"
    kind: SignKind


@lru_cache(maxsize=256)  # read ahead of the step (`dialogs.engine.read_ahead`), then by the step
def find(text: str, configured: tuple[str, ...], answer_labels: frozenset[str] = frozenset()) -> Danger | None:
    """The first danger sign `text` names and does not deny, or None.

    `answer_labels` are the labels of yes/no questions ("KHO THO"): followed by a yes they are
    an answer, not free text. Any other word after the phrase is read as free text.
    """
    signs = _signs(configured)
    norm = normalize(text)
    for benign in BENIGN:
        norm = norm.replace(benign, " ")
    tokens = _WORD.findall(norm)
    words = untone_all([t for t in tokens if t[0].isalnum()], signs.known)
    ends = _clause_ends(tokens)
    for at in range(len(words)):
        for phrase in signs.by_first_word.get(words[at], ()):
            size = len(phrase.split())
            if " ".join(words[at : at + size]) != phrase:
                continue
            asked = at > 0 and words[at - 1] == "CO"  # "co kho tho khong": a question
            denied = _denied_before(words, at, phrase)
            after = _Next(words, at + size, ends, signs.starts)
            if not denied and not after.answers(phrase in answer_labels, asked):
                return Danger(phrase, signs.phrases[phrase])
            break
    return None


@dataclass(frozen=True)
class _Signs:
    """The phrases to look for, built once per configured list."""

    phrases: Mapping[str, SignKind]
    known: frozenset[str]  # every word of a phrase or a negation (spelling variants fold onto them)
    by_first_word: Mapping[str, tuple[str, ...]]  # longest phrase first, as they are tried
    starts: frozenset[str]  # words that open the next answer after a denied phrase


@lru_cache(maxsize=16)
def _signs(configured: tuple[str, ...]) -> _Signs:
    phrases = {**{p: SignKind.EMERGENCY for p in configured}, **SIGNS}
    known = frozenset({word for phrase in phrases for word in phrase.split()} | NEGATIONS_BEFORE | NO_AFTER)
    by_first: dict[str, list[str]] = {}
    for phrase in sorted(phrases, key=lambda p: -len(p.split())):
        by_first.setdefault(phrase.split()[0], []).append(phrase)
    starts = _ANSWER_STARTS | {phrase.split()[0] for phrase in phrases}
    return _Signs(phrases, known, {k: tuple(v) for k, v in by_first.items()}, starts)


def _clause_ends(tokens: list[str]) -> dict[int, str]:
    """For each word index, the punctuation that follows it (if any)."""
    ends: dict[int, str] = {}
    index = -1
    for token in tokens:
        if token[0].isalnum():
            index += 1
        elif index >= 0:
            ends.setdefault(index, token)
    return ends


def _denied_before(words: list[str], at: int, phrase: str) -> bool:
    back = at - 1
    while back >= 0 and at - back <= 3 and words[back] in BETWEEN:
        back -= 1
    if back < 0 or at - back > 3:
        return False
    word = words[back]
    return word in NEGATIONS_BEFORE or (word == NO_BEFORE_IN_ENGLISH and phrase.isascii() and _english(phrase))


def _english(phrase: str) -> bool:
    return SIGNS.get(phrase) is not None and phrase.split()[0] in _ENGLISH_FIRST_WORDS


_ENGLISH_FIRST_WORDS = frozenset(
    {"SHORT", "SHORTNESS", "BREATHLESS", "CANT", "CAN", "CANNOT", "CHEST", "FAINTED", "FAINTING"}
    | {"CONFUSED", "SEIZURE", "UNCONSCIOUS", "BLUE", "LIPS", "EMERGENCY"}
)


@dataclass(frozen=True)
class _Next:
    """What follows a phrase: its words, the punctuation after each, the words that open an answer."""

    words: list[str]
    after: int
    ends: dict[int, str]
    starts: frozenset[str]

    def answers(self, is_label: bool, asked: bool) -> bool:
        """A no closing the statement after the phrase, or a yes after a question's label."""
        words, after, ends = self.words, self.after, self.ends
        if after >= len(words):
            return False
        word = words[after]
        if is_label and word in YES_AFTER:
            return True
        if asked or word not in NO_AFTER:
            return False
        last = after + 1 if word == "KHONG" and after + 1 < len(words) and words[after + 1] == "CO" else after
        if last + 1 >= len(words) or ends.get(last, "") in _CLAUSE_END:
            return ends.get(last) != "?"
        following = words[last + 1]
        return following[0].isdigit() or following in self.starts


# Words that start the next answer of a labelled declaration after "kho tho 0".
_ANSWER_STARTS = frozenset(
    {"DAU", "SPO2", "SOT", "NHIET", "MACH", "NHIP", "HO", "T", "M", "NT", "DH", "SIGNS", "OTHER", "TEMP", "PULSE"}
)
