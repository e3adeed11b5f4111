"""The day's answers as patients write them: labels and units before or after the numbers.

`98 18 86 37,5 0 0`, `98% 18 86 37,5 0 0`, `SpO2: 97, nhip tho 18 l/p, mach 80, t 37 do 5,
kho tho 0, dau hieu 0`, `97 spo2 18 nt`. Label words come from the configured questions
(their key and the labels in every language, e.g. "nhip tho", "breaths") and, for the six
default questions, from the built-in `ALIASES`. A labelled value answers its question; the
other values answer the open questions in order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from dialogs.memo import PerObject
from dialogs.program import Question
from dialogs.reading_words import ALIASES, LABEL_PARTS_THAT_ARE_UNITS, UNITS
from dialogs.spelling import untone
from dialogs.text import fold, normalize, split_answers

# A decimal is two digits, a point or comma, one or two digits ("37,5", "36.8"); other commas separate.
_ITEM = re.compile(r"[0-9]{2}[.,][0-9]{1,2}(?![0-9]|[.,][0-9])|[0-9]+(?:\.[0-9]+)?|[A-Za-z][A-Za-z0-9]*|%", re.ASCII)
_NUMBERS_ONLY = re.compile(r"[0-9.,]+", re.ASCII)
_GLUED = re.compile(r"([A-Z]+)([0-9]+)", re.ASCII)  # "T37", "NT18"
_MAX_PHRASE = 3


@dataclass(frozen=True)
class Item:
    kind: str  # "value" (a number or an answer word), "label", "unit", "word"
    text: str  # as typed (diacritics folded): what a patient is shown back
    key: str = ""  # the question a label or unit names


@dataclass(frozen=True)
class Reading:
    """What a message answers: values by question key, and values without a label, in order."""

    labelled: tuple[tuple[str, str], ...] = ()
    ordered: tuple[str, ...] = ()
    starts_with_value: bool = False
    words: tuple[str, ...] = field(default=(), compare=False)  # unknown words (dropped when labelled)

    @property
    def count(self) -> int:
        return len(self.labelled) + len(self.ordered)

    @property
    def looks_like_answers(self) -> bool:
        """A labelled value, or a message that starts with a value."""
        return bool(self.labelled) or (self.starts_with_value and bool(self.ordered))


@dataclass(frozen=True, eq=False)  # hashed by identity: one per program, a key of `_read`'s cache
class _Lexicon:
    """The words a program's questions are answered with, derived once."""

    labels: Mapping[str, str]  # label phrase -> question key
    answers: frozenset[str]  # words that are answers themselves
    known: frozenset[str]  # every word the reader knows (spelling variants are folded onto these)
    digit_labels: bool  # a label starts with a digit: numbers alone may be labels


def _lexicon_of(questions: Sequence[Question]) -> _Lexicon:
    labels = _vocabulary(questions)
    answers = frozenset(
        {"K", "KO", "KHONG", "KG", "C", "CO", "Y", "YES", "N", "NO"}.union(*(q.none_words for q in questions))
    )
    known = frozenset(labels) | frozenset(UNITS) | answers | {w for phrase in labels for w in phrase.split()}
    digit_labels = any(phrase[:1].isdigit() for phrase in labels)
    return _Lexicon(MappingProxyType(labels), answers, known, digit_labels)


_lexicon: PerObject[Sequence[Question], _Lexicon] = PerObject(_lexicon_of)


def vocabulary(questions: Sequence[Question]) -> Mapping[str, str]:
    """Label phrase -> question key: keys, configured labels, built-in aliases (first question wins)."""
    return _lexicon(questions).labels


def answer_words(questions: Sequence[Question]) -> frozenset[str]:
    """Words that are answers themselves: yes, no, "not measured"."""
    return _lexicon(questions).answers


def _vocabulary(questions: Sequence[Question]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for question in questions:
        phrases = [question.key.upper()]
        for label in question.label.values():
            head = normalize(label).split(" (")[0]
            phrases += [part.strip() for part in head.split("/") if part.strip() not in LABEL_PARTS_THAT_ARE_UNITS]
        phrases += ALIASES.get(question.key, ())
        for phrase in phrases:
            if phrase:
                labels.setdefault(phrase, question.key)
    return labels


def chunks(text: str) -> list[str]:
    """The message cut at spaces and semicolons, commas and full stops at either end removed.

    Unlike `split_answers`, "37,5°C" stays whole: the reader knows its unit.
    """
    plain = unicodedata.normalize("NFKC", text)  # full-width digits and letters
    return [c for c in (raw.strip(".,") for raw in re.split(r"[\s;]+", plain)) if c]


def read(text: str, questions: Sequence[Question]) -> Reading:
    """Read `text` as answers to `questions` (nothing is validated here: see `dialogs.answers`)."""
    return _read(text, _lexicon(questions))


@lru_cache(maxsize=256)  # a message is read twice (does it look like answers? then the answers)
def _read(text: str, lexicon: _Lexicon) -> Reading:
    raw = [m for chunk in chunks(fold(text)) for m in _tokens(chunk)]
    if raw and not lexicon.digit_labels and all(token[:1].isdigit() for token in raw):
        return Reading((), tuple(raw), True)  # "97 18 86 37.2 0 0": most messages, values in order
    items = _merge_degrees(_items(raw, lexicon))
    meaningful = [i for i in items if i.kind in ("value", "label")]
    starts = (len(meaningful) > 0 and _numeric(meaningful[0])) or (
        len(meaningful) > 1 and meaningful[0].kind == "value" and _numeric(meaningful[1])
    )
    unknown = tuple(i.text for i in items if i.kind == "word")
    if not any(i.kind == "label" for i in items):
        return _unlabelled(items, starts, unknown)
    after = starts and meaningful[-1].kind == "label"
    labelled, ordered = _pair_after(items) if after else _pair_before(items)
    return Reading(tuple(labelled), tuple(ordered), starts, unknown)


def _items(raw: list[str], lexicon: _Lexicon) -> list[Item]:
    labels, answers, known = lexicon.labels, lexicon.answers, lexicon.known
    words: list[str] = []
    for token in raw:
        glued = _GLUED.fullmatch(token.upper())
        if token.upper() not in known and glued and glued.group(1) in known:
            words += [glued.group(1), glued.group(2)]  # "T37", "NT18"
            continue
        upper = untone(token.upper(), known)
        words.append(token if upper == token.upper() else upper)
    items: list[Item] = []
    at = 0
    while at < len(words):
        size, key = _phrase(words, at, labels)
        if size:
            items.append(Item("label", " ".join(words[at : at + size]), key))
            at += size
            continue
        items.append(_item(words[at], answers, items[-1] if items else None))
        at += 1
    return items


def _tokens(chunk: str) -> list[str]:
    """'98,18,86' is three answers (as `split_answers` reads them); 'SpO2:97%' is a label, a value, a unit."""
    if chunk.upper() in ("°C", "°", "OC"):  # "37,5 °C"
        return ["°C"]
    if _NUMBERS_ONLY.fullmatch(chunk):
        dotted = chunk.count(".") >= 2 and "," not in chunk  # "98.18.86.37.0.0"
        return split_answers(chunk.replace(".", ",") if dotted else chunk)
    found: list[str] = _ITEM.findall(chunk)
    return [
        "°C" if token.upper() == "C" and at > 0 and found[at - 1][0].isdigit() else token
        for at, token in enumerate(found)
    ]


def _phrase(words: list[str], at: int, labels: Mapping[str, str]) -> tuple[int, str]:
    for size in range(_MAX_PHRASE, 0, -1):
        phrase = " ".join(w.upper() for w in words[at : at + size])
        if len(words) - at >= size and phrase in labels:
            return size, labels[phrase]
    return 0, ""


def _item(word: str, answers: frozenset[str], before: Item | None) -> Item:
    upper = word.upper()
    if upper[:1].isdigit():
        return Item("value", word)
    after_value = before is not None and before.kind in ("value", "unit")  # "l/p": a unit after a unit too
    if upper in UNITS and (after_value or upper == "%"):
        return Item("unit", word, UNITS[upper])
    if upper == "C" and before is not None and before.kind == "unit" and before.key == "temperature":
        return Item("unit", word, "temperature")  # "37 do C"
    if upper in answers:
        return Item("value", word)
    return Item("word", word)


def _merge_degrees(items: list[Item]) -> list[Item]:
    """'37 do 5' is 37.5 degrees (how a temperature is said in Vietnamese)."""
    merged: list[Item] = []
    at = 0
    while at < len(items):
        window = items[at : at + 3]
        if len(window) == 3 and _is_degrees(window):
            merged += [Item("value", f"{window[0].text}.{window[2].text}"), Item("unit", window[1].text, "temperature")]
            at += 3
            continue
        merged.append(items[at])
        at += 1
    return merged


def _is_degrees(window: list[Item]) -> bool:
    whole, unit, tenth = window
    return (
        whole.kind == "value"
        and whole.text.isdigit()
        and 34 <= int(whole.text) <= 43
        and unit.kind == "unit"
        and unit.text.upper() == "DO"
        and tenth.kind == "value"
        and len(tenth.text) == 1
        and tenth.text in "123456789"
    )


def _numeric(item: Item) -> bool:
    return item.kind == "value" and item.text[:1].isdigit()


def _unlabelled(items: list[Item], starts: bool, unknown: tuple[str, ...]) -> Reading:
    labelled: list[tuple[str, str]] = []
    ordered: list[str] = []
    for at, item in enumerate(items):
        if item.kind == "value" and _unit_key(items, at):
            labelled.append((_unit_key(items, at), item.text))
        elif item.kind in ("value", "word"):
            ordered.append(item.text)
    return Reading(tuple(labelled), tuple(ordered), starts, unknown)


def _unit_key(items: list[Item], at: int) -> str:
    following = items[at + 1] if at + 1 < len(items) else None
    return following.key if following is not None and following.kind == "unit" else ""


def _pair_before(items: list[Item]) -> tuple[list[tuple[str, str]], list[str]]:
    """'spo2 97 nhip tho 18': a label names the value after it."""
    labelled: list[tuple[str, str]] = []
    ordered: list[str] = []
    pending = ""
    for at, item in enumerate(items):
        following = items[at + 1] if at + 1 < len(items) else None
        if item.kind == "label":
            pending = item.key
        elif item.kind == "value":
            key = pending or _unit_key(items, at)
            if not key and not _numeric(item) and following is not None and following.kind == "label":
                labelled.append((following.key, item.text))  # "ko dau nguc": the word answers the label after it
            elif key:
                labelled.append((key, item.text))
            elif _numeric(item):
                ordered.append(item.text)  # a yes or no without a label is dropped: which question?
            pending = ""
    return labelled, ordered


def _pair_after(items: list[Item]) -> tuple[list[tuple[str, str]], list[str]]:
    """'97 spo2 18 nhip tho': a label names the value before it."""
    labelled: list[tuple[str, str]] = []
    ordered: list[str] = []
    waiting: list[str] = []
    for item in items:
        if item.kind == "value":
            ordered += waiting
            waiting = [item.text]
        elif item.kind == "label" and waiting:
            labelled.append((item.key, waiting.pop()))
    return labelled, ordered + waiting
