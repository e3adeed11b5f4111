"""A provider's last Retry-After header, kept per thread: the client libraries' exceptions drop headers."""

from __future__ import annotations

import threading
from collections.abc import Mapping


class RetryAfter:
    """What the last HTTP answer on this thread asked: wait this many seconds before the next try."""

    def __init__(self) -> None:
        self._local = threading.local()

    def forget(self) -> None:
        """Before a request: an old answer's header must not outlive it."""
        self._local.value = None

    def keep(self, headers: Mapping[str, str] | None) -> None:
        """After a request: its Retry-After header, if any."""
        self._local.value = (headers or {}).get("Retry-After")

    def seconds(self) -> float | None:
        """The header's seconds when numeric; None otherwise (an HTTP-date: the caller's backoff decides)."""
        value = getattr(self._local, "value", None)
        try:
            return max(0.0, float(value)) if value is not None else None
        except ValueError:
            return None
