"""Short SMS commands from health-station staff: DUYET, TUCHOI, OK, XONG, TIEP, DAGOI, DK <phone> ...

`parse` reads a command; the host loads the patient it names and calls `handle`.
Staff act only on their own clinic's patients. `COMMANDS` is the table of verbs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from dialogs.effects import Effect, Reply
from dialogs.program import Program
from dialogs.render import is_code
from dialogs.staff_acts import (
    PatientAct,
    accept,
    acknowledge,
    after_ack,
    called,
    end,
    extend,
    not_active,
    not_pending,
    reject,
)
from dialogs.staff_context import Command, StaffContext, Verb
from dialogs.staff_register import parse_direct, register, welcome
from dialogs.state import PatientView
from dialogs.templates import Texts
from dialogs.text import fold, normalize

__all__ = ["COMMANDS", "Command", "StaffContext", "StaffVerb", "Verb", "handle", "help_reply", "parse", "welcome"]

Act = Callable[[Command, StaffContext, Texts, datetime], tuple[Effect, ...]]
Refusal = Callable[[PatientView, StaffContext, Texts], tuple[Effect, ...]]


@dataclass(frozen=True)
class StaffVerb:
    """One staff command: the words that name it, how its text is read, what it does."""

    words: tuple[str, ...]
    parse: Callable[[str], Command | None]  # the folded SMS text in; None: not this kind of command
    act: Act


def _coded(folded: str) -> Command | None:
    """`<VERB> <CODE> [rest]`."""
    words = folded.split(maxsplit=2)
    joined = _SPACED.get(normalize(" ".join(words[:2])))
    if joined is not None:  # "TU CHOI K7M2Q ...", "DA GOI K7M2Q"
        words = [joined, *folded.split(maxsplit=3)[2:]]
    if not words:
        return None
    verb = _WORDS.get(normalize(words[0]))
    if verb is None or COMMANDS[verb].parse is not _coded or len(words) < 2:
        return None
    code = normalize(words[1]).strip(".,;:!?")
    if not is_code(code):
        return None  # "ok cam on" is thanks, not a command
    rest = words[2].strip() if len(words) > 2 else ""
    return Command(verb, code=code, rest=rest)


# What staff are told when the patient is not in the status a command needs.
REFUSALS: Mapping[str, Refusal] = {"active": not_active, "pending": not_pending}


def _on_patient(act: PatientAct, status: str | None = None) -> Act:
    """`act` on the patient the command names, when in the staff member's clinic and in `status`."""

    def gated(cmd: Command, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
        clinic = ctx.program.clinic(ctx.staff.clinic_id)
        patient = ctx.patient
        if patient is None or patient.clinic_id != clinic.id:
            return (Reply(texts("staff_unknown_code", code=cmd.code[:8], clinic=clinic.name)),)
        if patient.phone == ctx.staff.phone:  # nobody approves, clears or discharges themselves
            return (Reply(texts("staff_own_record", code=patient.code, name=patient.full_name, clinic=clinic.name)),)
        if status is not None and patient.status != status:
            return REFUSALS[status](patient, ctx, texts)
        return act(cmd, patient, ctx, texts, now)

    return gated


COMMANDS: Mapping[str, StaffVerb] = {
    Verb.REGISTER: StaffVerb(("DK",), parse_direct, register),
    Verb.ACCEPT: StaffVerb(("DUYET",), _coded, _on_patient(accept, "pending")),
    Verb.REJECT: StaffVerb(("TUCHOI", "TU CHOI"), _coded, _on_patient(reject, "pending")),
    Verb.ACK: StaffVerb(("OK",), _coded, _on_patient(acknowledge)),
    Verb.END: StaffVerb(("XONG",), _coded, _on_patient(after_ack(end, "XONG"), "active")),
    Verb.EXTEND: StaffVerb(("TIEP",), _coded, _on_patient(after_ack(extend, "TIEP"), "active")),
    Verb.CALLED: StaffVerb(("DAGOI", "DA GOI"), _coded, _on_patient(called)),
}
_WORDS: Mapping[str, str] = {word: verb for verb, row in COMMANDS.items() for word in row.words}
_SPACED: Mapping[str, str] = {word: word.replace(" ", "") for word in _WORDS if " " in word}


def check_commands(commands: Mapping[str, StaffVerb] = COMMANDS) -> None:
    """Fail at start-up when a staff verb has no row, or a row no words, or a word two verbs."""
    missing = [verb.value for verb in Verb if verb not in commands]
    if missing:
        raise RuntimeError(f"staff commands without a handler: {missing}")
    seen: dict[str, str] = {}
    for verb, row in commands.items():
        if not row.words:
            raise RuntimeError(f"staff command {verb!r} has no words to type")
        for word in row.words:
            if seen.setdefault(word, verb) != verb:
                raise RuntimeError(f"staff word {word!r} names both {seen[word]!r} and {verb!r}")


def parse(text: str) -> Command | None:
    """A staff command, or None when the text is not one (it then goes to the patient dialogs)."""
    folded = fold(text)
    for parser in dict.fromkeys(row.parse for row in COMMANDS.values()):
        command = parser(folded)
        if command is not None:
            return command
    return None


def help_reply(program: Program) -> tuple[Effect, ...]:
    """What staff get for text that is not a command."""
    texts = program.texts(program.default_language)
    return (Reply(texts("staff_help")),)


def handle(cmd: Command, ctx: StaffContext, now: datetime) -> tuple[Effect, ...]:
    """Carry out one staff command; always answers the staff member."""
    texts = ctx.program.texts(ctx.program.default_language)
    return COMMANDS[cmd.verb].act(cmd, ctx, texts, now)
