"""The one clock of the service. Everything below the edge takes `now` as an argument; the edges
(web app, outbox sender, scheduler) read it here, so a test can hand them a clock it moves by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)
