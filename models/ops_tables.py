"""The operators' tables: alarm incidents and the record of what operators (and the purge) did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class AlarmIncident(SQLModel, table=True):
    """One outbound incident (sending failing, outbox lagging): opened once, closed once.

    `open_kind` is the kind while the incident is open and NULL once closed: the unique
    constraint keeps one open incident per kind, however many checkers run.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # sending, lag
    open_kind: str | None = Field(default=None, unique=True, max_length=16)
    since: datetime = Field(sa_type=UTCDateTime)  # when the trouble began
    opened_at: datetime = Field(sa_type=UTCDateTime)  # when the alarm was raised
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OperatorAction(SQLModel, table=True):
    """Who did what outside the SMS flows: an opt-out undone, a purge (its counts), a replay."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    action: str = Field(max_length=32)  # optout-undo, purge, inbound-replay, outbox-retry
    subject: str = Field(default="", max_length=120)  # a phone, an export file
    by: str = Field(max_length=80)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
