"""Hand-written fakes for tests: a recording SMS sender and a clock tests move by hand."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dialogs.text import segments
from sms_gateway.wire import SendResult


@dataclass
class RecordingSender:
    """Remembers every message per number: `sent[phone] -> [texts]`."""

    sent: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    log: list[tuple[str, str]] = field(default_factory=list)

    def send(self, to: str, body: str, *, status_callback: str | None = None, sensitive: bool = False) -> SendResult:
        self.sent[to].append(body)
        self.log.append((to, body))
        return SendResult(ok=True, provider_sid="SMfake" + uuid.uuid4().hex, status="queued", segments=segments(body))


@dataclass
class Clock:
    """The time the service believes it is; tests move it, nobody sleeps."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
