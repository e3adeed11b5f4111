"""What crosses the edge between a channel and the application: an inbound message, what the
service made of it, and what a provider answered for one outbound SMS.

`f0care` depends on these; channels (`sms_gateway`) never import `f0care`: a webhook is handed
an `InboundPort` that the application implements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class InboundSms:
    """One message from a phone, as a channel received it."""

    phone: str  # as the provider gave it
    body: str
    provider_sid: str | None = None
    channel: str = "twilio"
    # True: the channel carries the reply in its answer (TwiML, a USSD screen). False (a phone's
    # webhook, which answers nothing back): the reply is queued in the outbox and sent as an SMS.
    reply_in_answer: bool = True


@dataclass(frozen=True)
class Handled:
    """What the service did with an inbound message: the reply for the sender and the outbox ids to deliver."""

    reply: str | None
    queued_ids: tuple[int, ...] = ()
    duplicate: bool = False


@dataclass(frozen=True)
class SendResult:
    """A provider's answer to one outbound SMS."""

    ok: bool
    provider_sid: str | None = None
    status: str | None = None
    segments: int | None = None
    error: str | None = None
    error_code: int | None = None
    retryable: bool = False
    retry_after: float | None = None


class NotStored(Exception):
    """An inbound message could not be stored (database unreachable, write failed): the provider must retry.

    A channel answers it with a temporary failure (HTTP 503), never with a success: a message
    acknowledged but not stored would be lost without anyone knowing.
    """


class InboundPort(Protocol):
    """The application as a channel sees it."""

    def receive(self, sms: InboundSms) -> Handled:
        """Handle one inbound message (stored, decided, committed) and return the reply; NotStored if not stored."""
        ...

    def reject(self, sms: InboundSms, reason: str) -> None:
        """Keep a message the channel refused (a sender that is no phone number) as rejected; NotStored if not."""
        ...

    def record_receipt(self, provider_sid: str, status: str, error_code: int | None) -> bool:
        """Move an outbound message's status forward from a delivery receipt."""
        ...
