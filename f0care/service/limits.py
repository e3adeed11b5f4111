"""The inbound rate limits (issue 16 point 4): per phone in a sliding window, and for the whole service.

A phone over its limit gets one notice, then no replies and no paging until it calms down; staff
phones are exempt. Over the service's per-minute budget, only alarming messages are acted on.
Every message is stored either way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from dialogs.effects import AddToAlert, Effect, RaiseAlert
from dialogs.program import Program
from models.records import ContactRow, InboundWindow
from models.uow import UnitOfWork

LIMITED = "limited"  # the status of an inbound message stored but not acted on


class Limit(StrEnum):
    NONE = "none"
    NOTICE = "notice"  # the phone just went over: one notice
    SILENT = "silent"  # over, and told already: stored only
    BUSY = "busy"  # the service's budget is spent: act only on alarming messages


def window(program: Program, now: datetime) -> InboundWindow:
    """The per-phone window at `now`: counted with the contact's read (`ContactRepository.for_update`)."""
    limits = program.budgets.inbound
    return InboundWindow(now - timedelta(minutes=limits.per_phone_minutes), limits.per_phone_messages)


def check(uow: UnitOfWork, program: Program, contact: ContactRow | None, now: datetime) -> Limit:
    """Where this message stands against the inbound limits (before it is stored); `contact` is the
    sender's, read with `window` (None: a staff phone, exempt)."""
    if contact is None:
        return Limit.NONE
    limits, recent = program.budgets.inbound, window(program, now)
    full = contact.window_full
    if full is None:  # no contact row to read it with (a phone's first message, or purged): count alone
        full = uow.budgets.inbound_since(contact.phone, recent.since, at_most=recent.at_most) >= recent.at_most
    if full:
        told = uow.budgets.inbound_since(contact.phone, recent.since, status=LIMITED) > 0
        return Limit.SILENT if told else Limit.NOTICE
    if uow.budgets.service_busy(limits.per_minute, now):
        return Limit.BUSY
    return Limit.NONE


def alarming(effects: tuple[Effect, ...]) -> bool:
    """Whether a message's effects alert the clinic: acted on even when the service is busy."""
    return any(isinstance(effect, RaiseAlert | AddToAlert) for effect in effects)


def notice(uow: UnitOfWork, program: Program, phone: str) -> str:
    """The one notice of a phone over its limit: no replies for a while, 115 and the station's phone."""
    patients = uow.patients.live_on_phone(phone)
    clinic = program.clinic(patients[0].clinic_id) if patients else program.clinics[0]
    language = patients[0].view.language if patients else program.default_language
    return program.texts(language)("inbound_limited", clinic_phone=clinic.phone)
