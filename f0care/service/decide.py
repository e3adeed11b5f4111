"""Load what the dialogs need and run one pure step: the decision of one inbound message.

Nothing is written here; `f0care.service.inbound` applies the decision.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from dialogs import codec, ussd_request
from dialogs import engine as dialog_engine
from dialogs import staff as staff_dialog
from dialogs.alert_collapse import OpenAlertView, collapse
from dialogs.effects import Effect, RaiseAlert, Reply
from dialogs.limits import CodeUsage
from dialogs.phones import normalize_phone
from dialogs.program import Program, Staff
from dialogs.render import CODE_FIRST, CODE_REST, local_now, local_today
from dialogs.state import Context, Conversation, PatientView, State
from models.apply import Applied
from models.records import ContactRow, PatientRef, StaffNote, patient_view
from models.tables import Patient
from models.uow import UnitOfWork


@dataclass
class Decision:
    """What one inbound message does, decided from what was read and before anything is written."""

    effects: tuple[Effect, ...]
    known: Sequence[Patient | PatientRef] = ()
    contact: ContactRow | None = None  # saved after the effects (its conversation moved on)
    was_otp: bool = False  # the text may be a one-time code: not stored as typed
    staff_note: StaffNote | None = None  # a staff command: kept in the audit with its answer

    @property
    def reply(self) -> str | None:
        texts = [effect.text for effect in self.effects if isinstance(effect, Reply)]
        return "\n".join(texts) if texts else None

    def patient_id(self, applied: Applied | None = None) -> int | None:
        """The patient the message concerns: the one its effects name, or the phone's only patient."""
        known = {patient.code: patient.id for patient in self.known}
        for effect in self.effects:
            code = getattr(effect, "code", None) or getattr(effect, "patient_code", None)
            if not code:
                continue
            patient_id = (applied.id_of(code) if applied is not None else None) or known.get(code)
            if patient_id is not None:
                return patient_id
        return self.known[0].id if len(self.known) == 1 else None


CODES = len(CODE_FIRST) * len(CODE_REST) ** 4  # 24 x 32^4: about 25 million


def new_code() -> str:
    """A patient code: 5 characters, a letter first, no 0/O/1/I; uniform over all of them, from one
    draw of the system's random source (drawn for every message, used by few)."""
    number = secrets.randbelow(CODES)
    rest = ""
    for _ in range(4):
        number, digit = divmod(number, len(CODE_REST))
        rest += CODE_REST[digit]
    return CODE_FIRST[number] + rest


def new_otp() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def decide(
    uow: UnitOfWork,
    program: Program,
    phone: str,
    text: str,
    now: datetime,
    channel: str = "sms",
    contact: ContactRow | None = None,
) -> Decision:
    """A staff command, or the next step of the phone's conversation (a whole request from a menu channel);
    `contact`: the phone's, already read and locked by the caller."""
    menu = channel in ussd_request.CHANNELS  # a USSD request is never a staff command
    staff = None if menu else program.staff_by_phone.get(phone)
    command = staff_dialog.parse(text) if staff else None
    if staff is not None and command is not None:
        return _staff(uow, program, staff, command, now)
    if contact is None:
        contact = uow.contacts.for_update(phone, program.default_language)
    patients = uow.patients.live_on_phone(phone)
    idle = contact.state == State.IDLE.value
    if staff is not None and not patients and idle and not dialog_engine.starts_registration(text):
        # Staff who are not patients themselves get their command list, not patient help.
        return Decision(staff_dialog.help_reply(program), (), contact)
    conv = load_conversation(contact)
    if menu:
        target = ussd_request.code_target(conv, text, phone, program.country, now)
        ctx = _context(uow, program, contact, patients, conv, target, text, now)
        step = ussd_request.handle(conv, text, ctx, now)
        secret = ussd_request.is_typed_code(conv, text, now)
    else:
        ctx = _context(uow, program, contact, patients, conv, dialog_engine.otp_phone(conv), text, now)
        step = dialog_engine.advance(conv, text, ctx, now)
        secret = conv.state is State.REG_OTP
    save_conversation(contact, step.conversation)
    effects = _one_alert_per_patient(uow, program, patients, step.effects, now)
    return Decision(effects, patients, contact, secret)


def _one_alert_per_patient(
    uow: UnitOfWork, program: Program, patients: list[PatientRef], effects: tuple[Effect, ...], now: datetime
) -> tuple[Effect, ...]:
    """Red signs while an alert is open join it; staff SMS as `dialogs.alert_collapse` allows."""
    if not any(isinstance(effect, RaiseAlert) for effect in effects):
        return effects
    paged = uow.alerts.open_paged([p.id for p in patients])
    open_alerts = {
        p.code: OpenAlertView(p.code, paged[p.id][0], tuple(paged[p.id][1].split("; ")[1:]))
        for p in patients
        if p.id in paged
    }
    return collapse(effects, open_alerts, {p.code: p.view for p in patients}, program, now)


def load_conversation(contact: ContactRow) -> Conversation:
    """The conversation stored on the contact row (the one place it is read)."""
    return codec.load_conversation(contact.state, contact.state_data, contact.state_updated_at)


def save_conversation(contact: ContactRow, conv: Conversation) -> None:
    """The conversation onto the contact row, saved with it (the one place it is written)."""
    contact.state, contact.state_data = codec.dump_conversation(conv)
    contact.state_updated_at = conv.updated_at


def _context(
    uow: UnitOfWork,
    program: Program,
    contact: ContactRow,
    patients: list[PatientRef],
    conv: Conversation,
    target: str | None,
    text: str,
    now: datetime,
) -> Context:
    otp_count, target_patients, codes = 0, tuple[PatientView, ...](), CodeUsage()
    if target:
        midnight = datetime.combine(local_today(now, program.timezone), time(), local_now(now, program.timezone).tzinfo)
        uow.budgets.lock_codes()  # the counts below hold until this transaction ends
        codes = uow.budgets.code_usage(contact.phone, target, midnight, now - timedelta(hours=1))
        otp_count = codes.to_target_today
        target_patients = tuple(p.view for p in uow.patients.live_on_phone(target))
    history = {}
    if patients and dialog_engine.wants_history(conv, text):
        since = local_today(now, program.timezone) - timedelta(days=6)
        history = uow.declarations.history([p for p in patients if p.status == "active"], since)
    return Context(
        program=program,
        phone=contact.phone,
        language=contact.language,
        opted_out=contact.opted_out,
        patients=tuple(p.view for p in patients),
        new_code=new_code(),
        new_otp=new_otp(),
        nonce=secrets.token_hex(8),
        otp_sent_today=otp_count,
        codes=codes,
        target_patients=target_patients,
        history=history,
    )


def _staff(uow: UnitOfWork, program: Program, staff: Staff, command: staff_dialog.Command, now: datetime) -> Decision:
    patient = uow.patients.by_code(command.code, lock=True) if command.code else None
    target: tuple[PatientRef, ...] = ()
    if command.verb == "register":
        e164 = normalize_phone(command.phone, program.country)
        target = tuple(uow.patients.live_on_phone(e164)) if e164 else ()
    patient_id = patient.id if patient else None
    ctx = staff_dialog.StaffContext(
        program=program,
        staff=staff,
        patient=patient_view(patient) if patient else None,
        open_alerts=uow.alerts.count_open(patient_id) if patient_id else 0,
        open_alert=uow.alerts.latest_open(patient_id) if patient_id else None,
        last_acked=uow.alerts.latest_acknowledged(patient_id) if patient_id else None,
        call_needed=bool(patient and patient.call_needed),
        new_code=new_code(),
        target_patients=tuple(p.view for p in target),
    )
    code = patient.code if patient else command.code
    note = StaffNote(command.verb, code, staff.name, staff.phone, command.rest if command.verb != "register" else "")
    return Decision(staff_dialog.handle(command, ctx, now), [patient] if patient else [], staff_note=note)
