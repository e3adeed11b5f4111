"""Short SMS commands from health-station staff: DUYET, TUCHOI, OK, XONG, TIEP, DAGOI, DK <phone> ...

`parse` reads a command; the host loads the patient it names and calls `handle`.
Staff act only on their own clinic's patients. `COMMANDS` is the table of verbs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dialogs import monitoring
from dialogs.effects import AcknowledgeAlerts, CallMade, Effect, Reply, SendSms, SetPatientStatus
from dialogs.program import Program
from dialogs.render import is_code, local_now, local_today, national
from dialogs.staff_context import AlertNote, Command, StaffContext, Verb
from dialogs.staff_register import parse_direct, register, welcome
from dialogs.state import PatientView
from dialogs.templates import Texts
from dialogs.text import fold, normalize

__all__ = ["COMMANDS", "Command", "StaffContext", "StaffVerb", "Verb", "handle", "help_reply", "parse", "welcome"]

Act = Callable[[Command, StaffContext, Texts, datetime], tuple[Effect, ...]]
PatientAct = Callable[[Command, PatientView, StaffContext, Texts, datetime], tuple[Effect, ...]]
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


def _not_active(patient: PatientView, ctx: StaffContext, texts: Texts) -> tuple[Effect, ...]:
    status = _status(texts, patient.status)
    return (Reply(texts("staff_not_active", code=patient.code, name=patient.full_name, status=status)),)


def _not_pending(patient: PatientView, ctx: StaffContext, texts: Texts) -> tuple[Effect, ...]:
    return (Reply(_already(patient, texts, ctx)),)


# What staff are told when the patient is not in the status a command needs.
REFUSALS: Mapping[str, Refusal] = {"active": _not_active, "pending": _not_pending}


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


def _accept(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    until = _monitor_until(patient, ctx.program, now)
    return (
        SetPatientStatus(patient.code, "active", ctx.staff.phone, ctx.staff.name, None, until),
        SendSms(patient.phone, welcome(patient, ctx.program), "welcome", patient.code),
        Reply(texts("staff_accepted", code=patient.code, name=patient.full_name, phone=national(patient.phone))),
    )


def _reject(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    if not cmd.rest:
        return (Reply(texts("staff_reject_needs_reason", code=patient.code)),)
    clinic = ctx.program.clinic(ctx.staff.clinic_id)
    told = ctx.program.texts(patient.language)
    notice = told(
        "rejected_to_registrant",
        clinic=clinic.name,
        name=patient.full_name,
        reason=cmd.rest[:120],
        clinic_phone=clinic.phone,
    )
    return (
        SetPatientStatus(patient.code, "rejected", ctx.staff.phone, ctx.staff.name, cmd.rest[:500]),
        SendSms(patient.registered_by or patient.phone, notice, "notice", patient.code),
        Reply(texts("staff_rejected", code=patient.code, name=patient.full_name)),
    )


def _end(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    return monitoring.staff_end(patient, ctx.staff, ctx.program)


def _extend(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    return monitoring.staff_extend(patient, cmd.rest, ctx.staff, ctx.program, now)


def _after_ack(act: PatientAct, word: str) -> PatientAct:
    """`act` once every red alert of the patient is acknowledged; before that, say which alert waits."""

    def checked(
        cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime
    ) -> tuple[Effect, ...]:
        alert = ctx.open_alert
        if alert is None and ctx.open_alerts == 0:
            return act(cmd, patient, ctx, texts, now)
        reason = " ".join(alert.reason.split())[:60] if alert else ""
        when = _when(alert.raised_at, ctx) if alert else ""
        reply = texts(
            "staff_alert_first", code=patient.code, name=patient.full_name, reason=reason, when=when, command=word
        )
        return (Reply(reply),)

    return checked


def acknowledge(
    cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime
) -> tuple[Effect, ...]:
    """`OK <CODE>`: the open alerts are seen; the patient is told who saw them."""
    if ctx.open_alerts == 0:
        return (Reply(_nothing_open(patient, ctx.last_acked, ctx, texts)),)
    clinic = ctx.program.clinic(patient.clinic_id)
    told = ctx.program.texts(patient.language)
    notice = told("ack_patient", staff=ctx.staff.name, clinic=clinic.name, code=patient.code)
    reply = texts(
        "staff_acked", count=ctx.open_alerts, code=patient.code, name=patient.full_name, phone=national(patient.phone)
    )
    return (
        AcknowledgeAlerts(patient.code, ctx.staff.phone, ctx.staff.name),
        SendSms(patient.phone, notice, "notice", patient.code),
        Reply(reply),
    )


def _called(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    """`DAGOI <CODE>`: staff phoned a patient SMS could not reach; the digest stops listing them."""
    if not ctx.call_needed:
        return (Reply(texts("staff_call_not_needed", code=patient.code, name=patient.full_name)),)
    reply = Reply(texts("staff_called", code=patient.code, name=patient.full_name))
    return (CallMade(patient.code, ctx.staff.name), reply)


def _nothing_open(patient: PatientView, acked: AlertNote | None, ctx: StaffContext, texts: Texts) -> str:
    """No open alert: who answered the last one and when, or that there was none."""
    if acked is None or acked.acknowledged_at is None:
        return texts("staff_no_alerts", code=patient.code, name=patient.full_name)
    by, when = acked.acknowledged_by or "?", _when(acked.acknowledged_at, ctx)
    return texts("staff_already_acked", code=patient.code, name=patient.full_name, by=by, when=when)


COMMANDS: Mapping[str, StaffVerb] = {
    Verb.REGISTER: StaffVerb(("DK",), parse_direct, register),
    Verb.ACCEPT: StaffVerb(("DUYET",), _coded, _on_patient(_accept, "pending")),
    Verb.REJECT: StaffVerb(("TUCHOI", "TU CHOI"), _coded, _on_patient(_reject, "pending")),
    Verb.ACK: StaffVerb(("OK",), _coded, _on_patient(acknowledge)),
    Verb.END: StaffVerb(("XONG",), _coded, _on_patient(_after_ack(_end, "XONG"), "active")),
    Verb.EXTEND: StaffVerb(("TIEP",), _coded, _on_patient(_after_ack(_extend, "TIEP"), "active")),
    Verb.CALLED: StaffVerb(("DAGOI", "DA GOI"), _coded, _on_patient(_called)),
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


def _monitor_until(patient: PatientView, program: Program, now: datetime) -> date:
    start = patient.positive_test_date or local_today(now, program.timezone)
    return start + timedelta(days=program.monitoring_days)


def _status(texts: Texts, status: str) -> str:
    key = "status_" + status
    return texts.raw(key) if key in texts else status


def _when(moment: datetime, ctx: StaffContext) -> str:
    """'14:05 03/12' in the service's timezone."""
    return local_now(moment, ctx.program.timezone).strftime("%H:%M %d/%m")


def _already(patient: PatientView, texts: Texts, ctx: StaffContext) -> str:
    if patient.decided_at is None:
        return texts(
            "staff_not_pending", code=patient.code, name=patient.full_name, status=_status(texts, patient.status)
        )
    when = _when(patient.decided_at, ctx)
    return texts(
        "staff_already_done",
        code=patient.code,
        name=patient.full_name,
        by=patient.decided_by,
        status=_status(texts, patient.status),
        when=when,
    )
