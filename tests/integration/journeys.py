"""Short SMS journeys shared by the integration tests: register, confirm, accept, read the rows."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from tests.support.phone import Phone

PATIENT = "+84987654321"
RELATIVE = "+84911222333"
PARENT = "+84987000111"
DOCTOR = "+84912000001"  # BS Lan, Tram Y te phuong Tran Phu
NURSE = "+84912000002"  # DD Mai, same clinic
SUPERVISOR = "+84912000003"  # TYT Hung, same clinic
TRAN_PHU_STAFF = (DOCTOR, NURSE, SUPERVISOR)
OTHER_DOCTOR = "+84912000004"  # BS Minh, Tram Y te phuong Quang Trung
CLINIC_PHONE = "0220 3852 000"
UNKNOWN = "+84933444555"

Row = TypeVar("Row", bound=SQLModel)


def otp_in(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found, text
    return found.group(1)


def code_in(text: str) -> str:
    found = re.search(r"\b(?:ma|code) ([A-Z][A-Z2-9]{4})\b", text)
    assert found, text
    return found.group(1)


def fill_registration(
    registrant: Phone,
    name: str = "Nguyen Van An",
    birth: str = "1980",
    area: str = "Tran Phu",
    mobile: str = "NAY",
) -> str:
    """Answer the seven questions; returns the last reply (the OTP was just sent)."""
    for text in ("DK", name, birth, area, mobile, "hom nay", "K", "K"):
        registrant.send(text)
    return registrant.last_reply()


def register(
    registrant: Phone,
    name: str = "Nguyen Van An",
    birth: str = "1980",
    area: str = "Tran Phu",
    otp_phone: Phone | None = None,
    mobile: str = "NAY",
) -> str:
    """Register a patient by SMS up to the clinic's queue; returns the patient code."""
    fill_registration(registrant, name, birth, area, mobile)
    registrant.send(otp_in((otp_phone or registrant).last_sms()))
    return code_in(registrant.last_reply())


def accept(staff: Phone, code: str) -> str:
    reply = staff.send(f"DUYET {code}")
    assert "Da duyet" in reply, reply
    return reply


def rows(db: Engine, table: type[Row], *where: Any) -> list[Row]:
    with Session(db) as session:
        return list(session.exec(select(table).where(*where)))
