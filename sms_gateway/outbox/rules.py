"""Retry policy, rate limit and the outcome of one send: the rules of outbound delivery."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

# Twilio errors that retrying only costs money for; the patient needs a phone call instead.
NEEDS_CALL = frozenset({21211, 21214, 21408, 21614, 30003, 30005, 30006, 30007})
OPTED_OUT = 21610  # the recipient sent STOP to the provider


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: float = 15.0
    max_seconds: float = 900.0

    def next_attempt(
        self, attempts: int, now: datetime, retry_after: float | None, rng: random.Random | None = None
    ) -> datetime | None:
        """When to try again after `attempts` failures, or None when it is time to give up."""
        if attempts >= self.max_attempts:
            return None
        delay = min(self.max_seconds, self.base_seconds * 2 ** (attempts - 1))
        delay *= (rng or random).uniform(0.5, 1.5)  # jitter: senders that failed together retry apart
        if retry_after is not None:
            delay = max(delay, retry_after)
        return now + timedelta(seconds=delay)


def refill(tokens: float, seconds: float, rate: float, capacity: float) -> float:
    """A token bucket's tokens `seconds` after it held `tokens` (time never runs backwards here)."""
    return min(capacity, tokens + max(0.0, seconds) * rate)


class RateLimiter:
    """A token bucket in segments per second; the provider queues up to `burst_seconds` of them.

    This one counts for one process; the outbox shares its rate and capacity with every other
    sender through the database (sms_gateway.outbox.budget.SharedBudget)."""

    def __init__(self, per_second: float, burst_seconds: float = 60.0) -> None:
        self.rate = per_second
        self.capacity = max(1.0, per_second * burst_seconds)
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self, segments: int = 1) -> None:
        """Block until `segments` may be sent."""
        need = min(float(segments), self.capacity)
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = refill(self._tokens, now - self._stamp, self.rate, self.capacity)
                self._stamp = now
                if self._tokens >= need:
                    self._tokens -= need
                    return
                wait = (need - self._tokens) / self.rate
            time.sleep(wait)
