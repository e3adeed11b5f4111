"""Start-up checks of every text in force, shipped or overridden in config.yaml.

A text may use only the placeholders its callers fill (those of the shipped text) and the
program placeholders; folded, it must stay within GSM-7 and, rendered with the longest
realistic values, within its segment budget. Each problem names the language and the key.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from dialogs.program import Program
from dialogs.templates import LANGUAGES, placeholders
from dialogs.templates.values import PROGRAM_PLACEHOLDERS, Templates, build_catalogue
from dialogs.templates.widest import widest_values
from dialogs.text import segments, to_sms

DEFAULT_SEGMENTS = 2
# SMS parts a text may cost at most, when not DEFAULT_SEGMENTS: the morning prompt goes to every
# patient every day, so it must fit in one.
# The help, too: it answers every message that is not understood.
SEGMENT_BUDGET: Mapping[str, int] = MappingProxyType({"daily_prompt": 1, "help": 1})
# Texts whose full value only their callers build (a question with its hint, a history, a menu):
# the budget is checked on the parts here and on the whole in tests/unit/test_templates.py.
BUILT_BY_CALLERS = frozenset(
    {"ask_question", "history", "guidance_menu", "guidance_topic", "choose_patient", "help_in_dialog"}
)


@dataclass(frozen=True)
class TextProblem:
    language: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"texts.{self.language}.{self.key}: {self.message}"


def budget(key: str) -> int:
    return SEGMENT_BUDGET.get(key, DEFAULT_SEGMENTS)


def known_placeholders(shipped: Templates, key: str) -> frozenset[str]:
    """What a text may use: what its callers fill (the shipped texts' placeholders) and the program's."""
    used = {name for lang in LANGUAGES for name in placeholders(shipped.get(lang, {}).get(key, ""))}
    return frozenset(used) | frozenset(PROGRAM_PLACEHOLDERS)


def check_templates(shipped: Templates, overrides: Templates, program: Program) -> list[TextProblem]:
    """Every problem of the texts in force; an empty list when all can be used."""
    problems = _shape(shipped, overrides)
    if problems:
        return problems
    catalogue = build_catalogue(shipped, overrides, program)
    for lang in LANGUAGES:
        texts = catalogue.texts(lang)
        widest = widest_values(program, texts)
        for key in texts:
            template = texts.raw(key)
            if program.sms_ascii:
                problems += [TextProblem(lang, key, message) for message in _gsm7(template)]
            if program.sms_ascii and key not in BUILT_BY_CALLERS:
                problems += [TextProblem(lang, key, message) for message in _fits(key, texts(key, **widest(key)))]
    return problems


def _shape(shipped: Templates, overrides: Templates) -> list[TextProblem]:
    """Unknown languages and keys, missing texts, unreadable braces and unknown placeholders."""
    problems: list[TextProblem] = []
    keys = sorted({key for lang in LANGUAGES for key in shipped.get(lang, {})})
    for lang in sorted(set(overrides) - set(LANGUAGES)):
        problems.append(TextProblem(lang, "*", f"unknown language; use one of {', '.join(LANGUAGES)}"))
    for lang in LANGUAGES:
        for key in keys:
            if key not in shipped.get(lang, {}):
                problems.append(TextProblem(lang, key, "is missing from the shipped texts; add it"))
        for key, text in {**shipped.get(lang, {}), **overrides.get(lang, {})}.items():
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
                hint = f'did you mean "{close[0]}"?' if close else "`f0care texts` lists the keys"
                problems.append(TextProblem(lang, key, f"unknown text key; {hint}"))
                continue
            problems += [TextProblem(lang, key, message) for message in _placeholder_problems(shipped, key, text)]
    return problems


def _placeholder_problems(shipped: Templates, key: str, text: str) -> list[str]:
    if not text.strip():
        return ["is empty; write the text, or remove the key to use the shipped one"]
    try:
        names = placeholders(text)
    except ValueError as exc:
        return [f"cannot read its placeholders ({exc}); write {{{{ and }}}} for a literal brace"]
    known = known_placeholders(shipped, key)
    unknown = [name for name in dict.fromkeys(names) if name not in known]
    if "" in unknown:
        return ["{} needs a name; known: " + ", ".join(sorted(known))]
    return [f"unknown placeholder {{{name}}}; known: {', '.join(sorted(known))}" for name in unknown]


def _gsm7(template: str) -> list[str]:
    lost = sorted({c for c in template if c != "?" and to_sms(c, True) == "?"})
    if not lost:
        return []
    shown = " ".join(repr(c) for c in lost)
    return [f"has characters an SMS without diacritics cannot carry ({shown}); replace them"]


def _fits(key: str, rendered: str) -> list[str]:
    cost, allowed = segments(rendered), budget(key)
    if cost <= allowed:
        return []
    parts = "one SMS" if allowed == 1 else f"{allowed} SMS"
    return [f"is {len(rendered)} characters with the longest values ({cost} SMS); shorten it to fit {parts}"]
