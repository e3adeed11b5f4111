"""The application service for one inbound message, for every channel (Twilio, simulator, USSD).

Load what the dialogs need, run one pure step, write its effects: one transaction,
one commit. A retried delivery (same provider id) gets the stored reply.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from dialogs import engine as dialog_engine
from dialogs import staff as staff_dialog
from dialogs.codec import dump_conversation, load_conversation
from dialogs.effects import Effect, Reply
from dialogs.phones import normalize_phone
from dialogs.program import Program, Staff
from dialogs.render import CODE_FIRST, CODE_REST, local_now, local_today
from dialogs.state import Context, Conversation, PatientView, State, Step
from dialogs.text import segments
from models import store
from models.apply import Applied, apply_effects
from models.redact import redact
from models.scheduled import insert_ignoring
from models.tables import Message, Patient
from sms_gateway.wire import Handled, InboundSms

MESSAGES = Message.__table__  # type: ignore[attr-defined]
# Built once: building a statement per message costs more than running it.
_UPDATE_INBOUND = update(MESSAGES).where(MESSAGES.c.id == bindparam("b_id"))
_INSERT_REPLY = insert(MESSAGES)
_INSERT_INBOUND: dict[str, Any] = {}  # per dialect: INSERT ... ON CONFLICT (provider_sid) DO NOTHING RETURNING id


def _insert_inbound(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERT_INBOUND:
        _INSERT_INBOUND[dialect] = insert_ignoring(session, Message, "provider_sid").returning(MESSAGES.c.id)
    return _INSERT_INBOUND[dialect]


MAX_BODY = 1600
log = logging.getLogger("f0care.inbound")
ATTEMPTS = 5  # a taken patient code or a write conflict: run the whole message again


def new_code() -> str:
    """A patient code: 5 characters, a letter first, no 0/O/1/I."""
    return secrets.choice(CODE_FIRST) + "".join(secrets.choice(CODE_REST) for _ in range(4))


def new_otp() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def receive(db: Engine, program: Program, sms: InboundSms, now: datetime) -> Handled:
    """Handle one inbound SMS; returns the reply for the sender and the outbox ids to deliver."""
    sid = sms.provider_sid or f"local-{uuid.uuid4().hex}"
    for _attempt in range(ATTEMPTS):
        try:
            return _receive_once(db, program, sms, sid, now)
        except IntegrityError:
            with Session(db) as session:
                stored = store.reply_to(session, sid)
            if stored is not None:
                return Handled(stored or None, duplicate=True)
        except OperationalError as error:
            if not transient(error):
                raise
            log.warning("write conflict on an inbound message; trying again")
    raise RuntimeError("could not store the inbound message after several attempts")


def transient(error: OperationalError) -> bool:
    """A serialisation failure or deadlock (PostgreSQL), or a busy database (SQLite): worth a retry."""
    code = getattr(error.orig, "sqlstate", None)
    return code in ("40001", "40P01", "55P03") or "database is locked" in str(error.orig)


def apology(program: Program) -> str:
    """What a patient reads when the service itself failed: never silence."""
    texts = program.texts(program.default_language)
    return texts("service_error")


def record_failed(db: Engine, sms: InboundSms, now: datetime) -> None:
    """Keep an inbound message the service failed on, for replay (best effort)."""
    try:
        with Session(db) as session:
            session.add(
                Message(
                    direction="in",
                    phone=sms.phone[:20],
                    body=sms.body[:MAX_BODY],
                    created_at=now,
                    channel=sms.channel,
                    kind="inbound",
                    status="error",
                    provider_sid=sms.provider_sid,
                )
            )
            session.commit()
    except Exception:  # the database itself may be what failed
        logging.getLogger("f0care").error("could not record the failed inbound message")


@dataclass
class Decision:
    """What one inbound message does, decided from what was read and before anything is written."""

    effects: tuple[Effect, ...]
    known: Sequence[Patient | store.PatientRef] = ()
    contact: store.ContactRow | None = None  # saved after the effects (its conversation moved on)
    was_otp: bool = False  # the text may be a one-time code: not stored as typed

    @property
    def reply(self) -> str | None:
        texts = [effect.text for effect in self.effects if isinstance(effect, Reply)]
        return "\n".join(texts) if texts else None


def _receive_once(db: Engine, program: Program, sms: InboundSms, sid: str, now: datetime) -> Handled:
    phone = normalize_phone(sms.phone, program.country) or sms.phone.strip()[:20]
    text = sms.body.replace("\x00", "")[:MAX_BODY]
    with Session(db, expire_on_commit=False) as session:
        decision = _decide(session, program, phone, text, now)
        reply = decision.reply
        guessed = _patient_of(Applied(), decision)
        inbound = {
            "direction": "in",
            "phone": phone,
            "body": redact(text) if decision.was_otp else text,  # a typed one-time code is not kept
            "created_at": now,
            "channel": sms.channel,
            "kind": "inbound",
            "provider_sid": sid,
            "segments": segments(text),
            "patient_id": guessed,
            "status": "replied" if reply else "received",
        }
        # Stored before the effects, so the record reads in order; a retried delivery stops here.
        inbound_id = session.connection().execute(_insert_inbound(session), inbound).scalar()
        if inbound_id is None:
            session.rollback()
            return Handled(store.reply_to(session, sid) or None, duplicate=True)
        applied = apply_effects(session, decision.effects, now, decision.contact, decision.known)
        if decision.contact is not None:
            store.save_contact(session, decision.contact)
        patient_id = _patient_of(applied, decision)
        if patient_id != guessed:  # a patient created by this very message
            session.connection().execute(_UPDATE_INBOUND, {"b_id": inbound_id, "patient_id": patient_id})
        if reply is not None:
            answer = {
                "direction": "out",
                "phone": phone,
                "body": reply,
                "created_at": now,
                "channel": sms.channel,
                "kind": "reply",
                "status": "sent",
                "in_reply_to": inbound_id,
                "patient_id": patient_id,
                "segments": segments(reply),
                "sent_at": now,
            }
            session.connection().execute(_INSERT_REPLY, answer)
        session.commit()
        return Handled(applied.reply, tuple(applied.queued))


def _decide(session: Session, program: Program, phone: str, text: str, now: datetime) -> Decision:
    staff = program.staff_by_phone.get(phone)
    command = staff_dialog.parse(text) if staff else None
    if staff is not None and command is not None:
        return _staff(session, program, staff, command, now)
    contact = store.contact_for_update(session, phone, program.default_language)
    patients = store.patients_on_phone(session, phone)
    idle = contact.state == State.IDLE.value
    if staff is not None and not patients and idle and not dialog_engine.starts_registration(text):
        # Staff who are not patients themselves get their command list, not patient help.
        return Decision(staff_dialog.help_reply(program), (), contact)
    conv = load_conversation(contact.state, contact.state_data, contact.state_updated_at)
    ctx = _context(session, program, contact, patients, conv, text, now)
    step = dialog_engine.advance(conv, text, ctx, now)
    _save_conversation(contact, step)
    return Decision(step.effects, patients, contact, conv.state is State.REG_OTP)


def _context(
    session: Session,
    program: Program,
    contact: store.ContactRow,
    patients: list[store.PatientRef],
    conv: Conversation,
    text: str,
    now: datetime,
) -> Context:
    target = dialog_engine.otp_phone(conv)
    otp_count, target_patients = 0, tuple[PatientView, ...]()
    if target:
        midnight = datetime.combine(local_today(now, program.timezone), time(), local_now(now, program.timezone).tzinfo)
        otp_count = store.otp_sent_since(session, target, midnight)
        target_patients = tuple(p.view for p in store.patients_on_phone(session, target))
    history = {}
    if patients and dialog_engine.wants_history(conv, text):
        since = local_today(now, program.timezone) - timedelta(days=6)
        history = store.history(session, [p for p in patients if p.status == "active"], since)
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
        target_patients=target_patients,
        history=history,
    )


def _save_conversation(contact: store.ContactRow, step: Step) -> None:
    contact.state, contact.state_data = dump_conversation(step.conversation)
    contact.state_updated_at = step.conversation.updated_at


def _patient_of(applied: Applied, decision: Decision) -> int | None:
    """The patient a message concerns: the one its effects name, or the phone's only patient."""
    known = {patient.code: patient.id for patient in decision.known}
    for effect in decision.effects:
        code = getattr(effect, "code", None) or getattr(effect, "patient_code", None)
        patient_id = (applied.id_of(code) or known.get(code)) if code else None
        if patient_id is not None:
            return patient_id
    return decision.known[0].id if len(decision.known) == 1 else None


def _staff(session: Session, program: Program, staff: Staff, command: staff_dialog.Command, now: datetime) -> Decision:
    patient = store.patient_by_code(session, command.code, lock=True) if command.code else None
    target: tuple[store.PatientRef, ...] = ()
    if command.verb == "register":
        e164 = normalize_phone(command.phone, program.country)
        target = tuple(store.patients_on_phone(session, e164)) if e164 else ()
    ctx = staff_dialog.StaffContext(
        program=program,
        staff=staff,
        patient=store.view(patient) if patient else None,
        open_alerts=len(store.open_alerts(session, patient.id)) if patient and patient.id else 0,
        new_code=new_code(),
        target_patients=tuple(p.view for p in target),
    )
    return Decision(staff_dialog.handle(command, ctx, now), [patient] if patient else [])
