"""Find a patient's clinic from the ward or commune they type, forgiving accents and typos."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from dialogs.text import normalize

# Unit words written before a name: "Phuong Tran Phu", "P. Tran Phu", "TT Dong Anh".
_UNIT_PREFIX = re.compile(r"^(?:PHUONG|THI TRAN|XA|TT|WARD|COMMUNE|P|X)(?:\.\s*|\s+)")
_NOT_WORD = re.compile(r"[^A-Z0-9]+")
ACCEPT_RATIO = 0.85  # a typo such as "Tran Phuu" for "Tran Phu"
CLEAR_MARGIN = 0.05  # the best clinic must beat the next one by this much
SUGGEST_RATIO = 0.5


@dataclass(frozen=True)
class AreaMatch:
    """The clinic found for a typed area, or None and a few area names to suggest."""

    clinic_id: str | None
    area: str | None
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class _Area:
    key: str
    name: str
    clinic_id: str


def area_key(text: str) -> str:
    """Return the comparison key of an area name: no accents, case, unit word or punctuation."""
    words = normalize(text)
    stripped = _UNIT_PREFIX.sub("", words, count=1)
    return _clean(stripped) or _clean(words)


def _clean(words: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", words).split())


class AreaIndex:
    """Area names of the config, indexed once for matching what patients type."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Index (area name as written in the config, clinic id) pairs."""
        areas: list[_Area] = []
        seen: set[tuple[str, str]] = set()
        for name, clinic_id in pairs:
            key = area_key(name)
            if key and (key, clinic_id) not in seen:  # "Tran Phu" = "Phuong Tran Phu"
                areas.append(_Area(key=key, name=name, clinic_id=clinic_id))
                seen.add((key, clinic_id))
        self._areas = tuple(areas)

    def match(self, text: str, limit: int = 3) -> AreaMatch:
        """Return the clinic for `text`, or no clinic and up to `limit` suggestions."""
        key = area_key(text)
        if not key:
            return AreaMatch(None, None, self._first(limit))
        compact = key.replace(" ", "")
        exact = [a for a in self._areas if a.key.replace(" ", "") == compact]
        if len({a.clinic_id for a in exact}) == 1:
            return AreaMatch(exact[0].clinic_id, exact[0].name, ())
        scored = sorted(
            ((SequenceMatcher(None, key, a.key).ratio(), i) for i, a in enumerate(self._areas)),
            key=lambda pair: (-pair[0], pair[1]),
        )
        # A truncated name ("Tran Hung" for "Tran Hung Dao") is offered, never guessed.
        prefixed = [a.name for a in self._areas if a.key.startswith(key + " ")]
        if not exact and not prefixed and scored:
            best_ratio, best_index = scored[0]
            best = self._areas[best_index]
            others = [r for r, i in scored if self._areas[i].clinic_id != best.clinic_id]
            runner_up = others[0] if others else 0.0
            if best_ratio >= ACCEPT_RATIO and best_ratio - runner_up >= CLEAR_MARGIN:
                return AreaMatch(best.clinic_id, best.name, ())
        close = list(dict.fromkeys(prefixed + [self._areas[i].name for r, i in scored if r >= SUGGEST_RATIO]))
        return AreaMatch(None, None, tuple(close[:limit]) if close else self._first(limit))

    def names(self) -> tuple[str, ...]:
        """Every area once, as first written in the config ("Tran Phu", not also "Phuong Tran Phu")."""
        return tuple(a.name for a in self._areas)

    def _first(self, limit: int) -> tuple[str, ...]:
        """Return the first `limit` distinct area names, in config order."""
        return tuple(a.name for a in self._areas[:limit])
