"""The application service for one inbound message, for every channel (Twilio, simulator, USSD).

Load what the dialogs need, run one pure step, write its effects: one unit of work, one commit.
A retried delivery (same provider id) gets the stored reply.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError, OperationalError

from dialogs import engine as dialog_engine
from dialogs import ussd_request
from dialogs.phones import normalize_phone
from dialogs.program import Program
from dialogs.text import clean_inbound
from f0care.service import limits
from f0care.service.decide import decide
from f0care.service.limits import Limit
from models.apply import apply
from models.repositories.messages import MAX_BODY
from models.uow import UnitOfWork
from sms_gateway.wire import Handled, InboundSms

UnitsOfWork = Callable[[], UnitOfWork]  # a new unit of work per call
ATTEMPTS = 5  # a taken patient code or a write conflict: run the whole message again
log = logging.getLogger("f0care.inbound")


def receive(uows: UnitsOfWork, program: Program, sms: InboundSms, now: datetime) -> Handled:
    """Handle one inbound SMS; returns the reply for the sender and the outbox ids to deliver."""
    sid = sms.provider_sid or f"local-{uuid.uuid4().hex}"
    for _attempt in range(ATTEMPTS):
        try:
            return _receive_once(uows(), program, sms, sid, now)
        except IntegrityError:
            with uows() as uow:
                stored = uow.messages.reply_to(sid)
            if stored is not None:  # the same message, stored meanwhile by another worker
                return Handled(stored or None, duplicate=True)
        except OperationalError as error:
            if not transient(error):
                raise
            log.warning("write conflict on an inbound message; trying again")
    raise RuntimeError("could not store the inbound message after several attempts")


def _receive_once(uow: UnitOfWork, program: Program, sms: InboundSms, sid: str, now: datetime) -> Handled:
    phone = normalize_phone(sms.phone, program.country) or sms.phone.strip()[:20]
    text = clean_inbound(sms.body)[:MAX_BODY]  # every channel: no control or format characters stored
    if sms.channel not in ussd_request.CHANNELS:
        dialog_engine.read_ahead(text, program)  # parsed before the transaction: SQLite's writer lock waits less
    with uow:
        # Staff phones have no inbound limit, and their commands read no contact.
        staff = phone in program.staff_by_phone
        contact = (
            None if staff else uow.contacts.for_update(phone, program.default_language, limits.window(program, now))
        )
        limit = limits.check(uow, program, contact, now)
        if limit is not Limit.NONE and limit is not Limit.BUSY:
            return _store_limited(uow, program, sms, sid, phone, text, limit is Limit.NOTICE, now)
        decision = decide(uow, program, phone, text, now, sms.channel, contact)
        if limit is Limit.BUSY and not limits.alarming(decision.effects):
            return _store_limited(uow, program, sms, sid, phone, text, False, now)
        reply, guessed = decision.reply, decision.patient_id()
        # Stored before the effects, so the record reads in order; a retried delivery stops here.
        inbound_id = uow.messages.add_inbound(
            phone=phone,
            text=text,
            channel=sms.channel,
            provider_sid=sid,
            patient_id=guessed,
            replied=reply is not None,
            secret=decision.was_otp,  # a typed one-time code is not kept
            now=now,
        )
        if inbound_id is None:
            uow.rollback()
            return Handled(uow.messages.reply_to(sid) or None, duplicate=True)
        applied = apply(uow, decision.effects, now, decision.contact, decision.known)
        uow.budgets.link_queued(inbound_id, applied.queued)  # who asked for each code (registration budget)
        if decision.contact is not None:
            uow.contacts.save(decision.contact)
        patient_id = decision.patient_id(applied)
        if patient_id != guessed:  # a patient created by this very message
            uow.messages.link_patient(inbound_id, patient_id)
        queued = list(applied.queued)
        if reply is not None:
            queued += _add_reply(uow, sms, inbound_id, phone, reply, patient_id, now)
        if decision.staff_note is not None:
            uow.audit.add(decision.staff_note, patient_id, sms.channel, reply or "", now)
        uow.commit()
    return Handled(applied.reply, tuple(queued))


def _add_reply(
    uow: UnitOfWork, sms: InboundSms, inbound_id: int, phone: str, reply: str, patient_id: int | None, now: datetime
) -> list[int]:
    """Store the reply: sent with the channel's answer, or queued as an SMS when the channel has no answer."""
    queued = uow.messages.add_reply(
        to_id=inbound_id,
        phone=phone,
        body=reply,
        channel=sms.channel,
        patient_id=patient_id,
        now=now,
        queued=not sms.reply_in_answer,
    )
    return [] if queued is None else [queued]


def _store_limited(
    uow: UnitOfWork, program: Program, sms: InboundSms, sid: str, phone: str, text: str, tell: bool, now: datetime
) -> Handled:
    """Over an inbound limit: the message is stored, not acted on; `tell`: the phone's one notice."""
    reply = limits.notice(uow, program, phone) if tell else None
    inbound_id = uow.messages.add_inbound(
        phone=phone,
        text=text,
        channel=sms.channel,
        provider_sid=sid,
        patient_id=None,
        replied=tell,
        secret=True,  # not read, so perhaps a one-time code: kept redacted
        now=now,
        status=limits.LIMITED,
    )
    if inbound_id is None:
        uow.rollback()
        return Handled(uow.messages.reply_to(sid) or None, duplicate=True)
    queued = _add_reply(uow, sms, inbound_id, phone, reply, None, now) if reply is not None else []
    uow.commit()
    return Handled(reply, tuple(queued))


def transient(error: OperationalError) -> bool:
    """A serialisation failure or deadlock (PostgreSQL), or a busy database (SQLite): worth a retry."""
    code = getattr(error.orig, "sqlstate", None)
    return code in ("40001", "40P01", "55P03") or "database is locked" in str(error.orig)


def record_failed(uows: UnitsOfWork, sms: InboundSms, now: datetime) -> None:
    """Keep an inbound message the service failed on, for replay (best effort)."""
    try:
        with uows() as uow:
            uow.messages.add_failed(
                phone=sms.phone, body=sms.body, channel=sms.channel, provider_sid=sms.provider_sid, now=now
            )
            uow.commit()
    except Exception:  # the database itself may be what failed
        logging.getLogger("f0care").error("could not record the failed inbound message")
