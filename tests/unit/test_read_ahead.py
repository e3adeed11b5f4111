"""`read_ahead` parses a message before the host takes its locks: the step then finds every reading
done (keyword, answers, danger phrases), and answers exactly as without it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dialogs import danger, keywords, reading
from dialogs.engine import read_ahead
from dialogs.program import Program
from tests.unit.conftest import CODE, Thread, patient

MESSAGES = (
    "98 18 86 37.5 0 0",  # the compact answers: most messages
    f"{CODE} 97 18 86 37,5 0 0",  # after a patient code
    "spo2 96 nhip tho 20 mach 90 t 37 do 5 kho tho 0 dau hieu 0",  # labels
    "kho tho qua, dau nguc",  # a danger phrase
    "LS",  # a keyword
    "xin chao",  # nothing known
)


def _misses() -> tuple[int, int, int]:
    return (
        reading._read.cache_info().misses,
        danger.find.cache_info().misses,
        keywords.match.cache_info().misses,
    )


@pytest.mark.parametrize("text", MESSAGES)
def test_after_reading_ahead_the_step_reads_nothing_again(
    text: str, program: Program, thread: Callable[..., Thread]
) -> None:
    read_ahead(text, program)
    before = _misses()
    thread(patient()).send(text)
    assert _misses() == before


@pytest.mark.parametrize("text", MESSAGES)
def test_reading_ahead_changes_no_answer(text: str, program: Program, thread: Callable[..., Thread]) -> None:
    for cached in (reading._read, danger.find, keywords.match):
        cached.cache_clear()
    cold = thread(patient())
    cold_reply = cold.send(text)
    read_ahead(text, program)
    warm = thread(patient())
    assert warm.send(text) == cold_reply
    assert warm.effects == cold.effects
