"""The budget counts of `models.repositories.budgets`, over the fake's rows in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from dialogs.limits import CodeUsage
from dialogs.otp import BUDGET_KIND
from models.tables import Message


class HasMessages(Protocol):
    messages: list[Message]


class FakeBudgets:
    def __init__(self, tables: HasMessages) -> None:
        self._tables = tables

    def lock_codes(self) -> None:
        """One fake transaction at a time: nothing to lock."""

    def code_usage(self, registrant: str, target: str, midnight: datetime, hour_ago: datetime) -> CodeUsage:
        messages = self._tables.messages
        by_id = {m.id: m for m in messages}
        codes = [m for m in messages if m.kind == "otp" and m.direction == "out"]
        asked = {
            m.phone
            for m in codes
            if m.created_at >= midnight
            and m.phone != registrant
            and (m.in_reply_to in by_id and by_id[m.in_reply_to].phone == registrant)
        }
        return CodeUsage(
            to_target_today=sum(1 for m in codes if m.phone == target and m.created_at >= midnight),
            other_numbers_today=tuple(sorted(asked)),
            service_last_hour=sum(1 for m in codes if m.created_at >= hour_ago),
            supervisors_told=any(m.kind == BUDGET_KIND and m.created_at >= hour_ago for m in messages),
        )

    def link_queued(self, inbound_id: int, queued: Sequence[int]) -> None:
        for message in self._tables.messages:
            if message.id in queued and message.kind == "otp":
                message.in_reply_to = inbound_id

    def service_busy(self, per_minute: int, now: datetime) -> bool:
        return self.inbound_since(None, now - timedelta(minutes=1)) >= per_minute

    def inbound_since(
        self, phone: str | None, since: datetime, status: str | None = None, at_most: int | None = None
    ) -> int:
        found = sum(
            1
            for m in self._tables.messages
            if m.direction == "in"
            and m.created_at >= since
            and (phone is None or m.phone == phone)
            and (status is None or m.status == status)
        )
        return found if at_most is None else min(found, at_most)
