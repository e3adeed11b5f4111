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
from models.uow import UnitOfWork

LIMITED = "limited"  # the status of an inbound message stored but not acted on


class Limit(StrEnum):
    NONE = "none"
    NOTICE = "notice"  # the phone just went over: one notice
    SILENT = "silent"  # over, and told already: stored only
    BUSY = "busy"  # the service's budget is spent: act only on alarming messages


def check(uow: UnitOfWork, program: Program, phone: str, now: datetime) -> Limit:
    """Where this message from `phone` stands against the inbound limits (before it is stored)."""
    if phone in program.staff_by_phone:
        return Limit.NONE
    limits = program.budgets.inbound
    since = now - timedelta(minutes=limits.per_phone_minutes)
    if uow.budgets.inbound_since(phone, since, at_most=limits.per_phone_messages) >= limits.per_phone_messages:
        told = uow.budgets.inbound_since(phone, since, status=LIMITED) > 0
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
