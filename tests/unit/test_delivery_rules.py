"""Retry backoff and the sender's rate limit."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from sms_gateway.outbox.rules import RateLimiter, RetryPolicy

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=10, base_seconds=10, max_seconds=100)
    rng = random.Random(1)
    delays = [(policy.next_attempt(n, NOW, None, rng) - NOW).total_seconds() for n in range(1, 6)]  # type: ignore[operator]
    assert 5 <= delays[0] <= 15
    assert 10 <= delays[1] <= 30
    assert 20 <= delays[2] <= 60
    assert all(d <= 150 for d in delays)


def test_retry_after_from_the_provider_is_honoured() -> None:
    policy = RetryPolicy(base_seconds=1)
    moment = policy.next_attempt(1, NOW, 120.0)
    assert moment is not None
    assert moment - NOW >= timedelta(seconds=120)


def test_after_the_last_attempt_there_is_no_retry() -> None:
    assert RetryPolicy(max_attempts=3).next_attempt(3, NOW, None) is None


def test_the_rate_limiter_lets_a_burst_through_then_keeps_to_the_rate() -> None:
    limiter = RateLimiter(per_second=50, burst_seconds=1)
    start = time.monotonic()
    for _ in range(50):
        limiter.acquire()
    burst = time.monotonic() - start
    for _ in range(10):
        limiter.acquire()
    sustained = time.monotonic() - start - burst
    assert burst < 0.1
    assert sustained >= 0.15  # 10 more at 50/s take about 0.2 s
