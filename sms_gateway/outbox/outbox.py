"""Delivery of the outbox: queued messages go to the gateway after their transaction commits.

Senders claim due messages (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one
writer at a time), send them, and record the outcomes a batch at a time (sms_gateway.outbox.claims).
Transient failures are retried with backoff; permanent ones fail at once and flag the
patient for a phone call. The one at-least-once window: a sender that dies after the
provider accepted messages and before recording them (at most RECORD_EVERY_SECONDS of
sends); their claims expire after CLAIM_TIMEOUT and those messages are sent again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from models.clock import Clock, utcnow
from models.tables import Message
from sms_gateway.outbox.budget import SharedBudget
from sms_gateway.outbox.claims import Claimed, Outcome, any_due, claim, record, release
from sms_gateway.outbox.rules import RateLimiter, RetryPolicy
from sms_gateway.senders import Sender

log = logging.getLogger("f0care.outbox")
# inline: in the caller's thread (tests, simulator, CLI); thread: a sender thread (`serve`);
# external: only queue, `f0care worker` processes deliver (gunicorn web workers).
OutboxMode = Literal["inline", "thread", "external"]
CLAIM_TIMEOUT = timedelta(minutes=15)  # longer than a batch of sends that all time out
BATCH = 200  # messages per claim; a claim is one statement, so a fan-out pays it once per 200
# A batch is sent for at most this long, then its unsent rest goes back to the queue: an alert
# queued meanwhile waits no longer than this for a sender busy with bulk prompts.
BATCH_SECONDS = 0.5
# Outcomes are recorded a batch at a time (a transaction per message cost as much as the send),
# but never later than this after the first unrecorded send: a sender that dies sends at most
# this long's messages again once its claims expire.
RECORD_EVERY_SECONDS = 1.0
IDLE_POLL_SECONDS = 0.2


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


class Outbox:
    """Sends queued messages through one `Sender`: inline, on a background thread, or as a worker."""

    def __init__(
        self,
        db: Engine,
        sender: Sender,
        status_callback: str | None = None,
        mode: OutboxMode = "inline",
        clock: Clock = utcnow,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        record_every: float = RECORD_EVERY_SECONDS,
        batch_seconds: float = BATCH_SECONDS,
    ) -> None:
        self.db = db
        self.sender = sender
        self.status_callback = status_callback
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.limiter = limiter
        # The limiter's rate and burst, shared with every other sender of this database.
        self.budget = SharedBudget(db, limiter.rate, limiter.capacity) if limiter is not None else None
        self.record_every = record_every
        self.batch_seconds = batch_seconds
        self.name = worker_name()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.mode = mode
        if mode == "thread":
            self._thread = threading.Thread(target=self.run, name="f0care-outbox", daemon=True)
            self._thread.start()

    def notify(self, ids: Iterable[int]) -> None:
        """Freshly committed messages: delivered now (inline) or the sender thread is woken."""
        batch = tuple(ids)
        if not batch or self.mode == "external":
            return  # external: `f0care worker` processes deliver them
        if self.mode == "inline":
            self.deliver(batch)
        else:
            self._wake.set()

    def deliver(self, ids: Iterable[int]) -> None:
        """Deliver these messages now, in this thread."""
        wanted = list(ids)
        while wanted:
            chunk, wanted = wanted[: self._limit()], wanted[self._limit() :]
            claimed = self._claim(chunk)
            sent = self._send_all(claimed)
            wanted = [m.id for m in claimed[sent:]] + wanted  # put back at the time limit: their turn again

    def deliver_pending(self) -> int:
        """Deliver every message that is due (e.g. left over from before a restart)."""
        total = 0
        while sent := self.run_once():
            total += sent
        return total

    def run_once(self) -> int:
        """Claim one batch of due messages and deliver it; the number sent."""
        return self._send_all(self._claim(None))

    def run(self) -> None:
        """The sender loop (a thread in `serve`, the main loop of `f0care worker`)."""
        released, handled = False, 1
        while not self._stop.is_set():
            try:
                if not released:
                    self.release_stale_claims()
                    released = True
                # Idle: look before claiming, as a claim is a write (SQLite: the one writer's turn).
                handled = self.run_once() if handled or any_due(self.db, self.clock()) else 0
            except Exception:  # the database may be restarting: keep going
                log.exception("outbox delivery failed; retrying")
                handled = 0
            if not handled:
                self._wake.wait(IDLE_POLL_SECONDS)
                self._wake.clear()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def release_stale_claims(self) -> int:
        """Messages claimed by a sender that died are queued again (the at-least-once window)."""
        with Session(self.db) as session:
            result = session.execute(
                update(Message)
                .where(col(Message.status) == "sending", col(Message.claimed_at) < self.clock() - CLAIM_TIMEOUT)
                .values(status="queued", claimed_by=None)
            )
            session.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    def _limit(self) -> int:
        if self.limiter is None:
            return BATCH
        # A rate-limited gateway: claim about what it takes in a batch's time.
        return max(1, min(BATCH, int(self.limiter.rate * self.batch_seconds)))

    def _claim(self, ids: list[int] | None) -> list[Claimed]:
        return claim(self.db, self.name, self.clock(), self._limit(), ids)

    def _send_all(self, messages: list[Claimed]) -> int:
        """Send the batch for at most `batch_seconds` (the rest go back to the queue, so that an alert
        queued meanwhile is next); outcomes are recorded together, at least every `record_every` seconds.
        Returns the number sent."""
        pending: list[Outcome] = []
        started, sent = self.clock(), 0
        ahead = sum(m.segments for m in messages)  # segments of this batch not sent yet
        try:
            for message in messages:
                if sent and (self._stop.is_set() or self._seconds_since(started) >= self.batch_seconds):
                    break
                ahead -= message.segments
                if self.budget is not None:
                    self.budget.acquire(message.segments, ahead)
                sent += 1
                result = self.sender.send(
                    message.phone, message.body, status_callback=self.status_callback, sensitive=message.sensitive
                )
                pending.append(Outcome(message, result, self.clock()))
                if self._seconds_since(pending[0].at) >= self.record_every:
                    record(self.db, self.name, pending, self.policy)
                    pending = []
        finally:
            record(self.db, self.name, pending, self.policy)
            release(self.db, self.name, [m.id for m in messages[sent:]])  # never handed to the gateway
        return sent

    def _seconds_since(self, moment: datetime) -> float:
        return (self.clock() - moment).total_seconds()
