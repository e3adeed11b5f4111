"""What an inbound message is and what handling it returns, for every channel.

The service itself is `f0care.service.inbound`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InboundSms:
    phone: str  # as the provider gave it
    body: str
    provider_sid: str | None = None
    channel: str = "twilio"


@dataclass(frozen=True)
class Handled:
    reply: str | None
    queued_ids: tuple[int, ...] = ()
    duplicate: bool = False
