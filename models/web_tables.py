"""The web console's tables: one-time login codes, and the audit of every staff action (web or SMS)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class LoginCode(SQLModel, table=True):
    """A 6-digit code sent by SMS to log in (or verify a phone): only its HMAC digest is kept."""

    __tablename__ = "login_code"
    __table_args__ = (Index("ix_login_code_phone", "phone", "purpose", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=20)
    purpose: str = Field(max_length=16)  # staff, patient, ...
    digest: str = Field(max_length=64)
    salt: str = Field(max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    tries: int = 0
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StaffAction(SQLModel, table=True):
    """Who did what to which patient, and what the service answered: every staff command, web or SMS."""

    __tablename__ = "staff_action"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    patient_code: str = Field(default="", max_length=16)
    action: str = Field(max_length=16)  # accept, reject, ack, end, extend, called, register
    by_name: str = Field(max_length=80)
    by_phone: str = Field(max_length=20)
    channel: str = Field(max_length=16)  # twilio, web, ...
    detail: str = Field(default="", max_length=500)  # reason, days
    outcome: str = Field(default="", max_length=500)  # the reply the staff member got
