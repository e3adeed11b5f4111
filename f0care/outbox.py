"""Delivery of the outbox: queued messages go to the gateway after their transaction commits.

Senders claim due messages (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one
writer at a time), send them, and record the outcome. Transient failures are retried
with backoff; permanent ones fail at once and flag the patient for a phone call.
The one at-least-once window: a sender that dies after the provider accepted a
message and before recording it; the claim expires after CLAIM_TIMEOUT and the
message is sent again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from f0care.delivery import NEEDS_CALL, OPTED_OUT, RateLimiter, RetryPolicy
from models.redact import redact
from models.tables import Contact, Message, Patient
from sms_gateway.senders import Sender, SendResult

log = logging.getLogger("f0care.outbox")
Clock = Callable[[], datetime]
# inline: in the caller's thread (tests, simulator, CLI); thread: a sender thread (`serve`);
# external: only queue, `f0care worker` processes deliver (gunicorn web workers).
OutboxMode = Literal["inline", "thread", "external"]
CLAIM_TIMEOUT = timedelta(minutes=15)  # longer than a batch of sends that all time out
BATCH = 50
IDLE_POLL_SECONDS = 0.2


def _utcnow() -> datetime:
    return datetime.now(UTC)


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
        clock: Clock = _utcnow,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.db = db
        self.sender = sender
        self.status_callback = status_callback
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.limiter = limiter
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
        for start in range(0, len(wanted), BATCH):
            self._send_all(self._claim(wanted[start : start + BATCH]))

    def deliver_pending(self) -> int:
        """Deliver every message that is due (e.g. left over from before a restart)."""
        total = 0
        while sent := self.run_once():
            total += sent
        return total

    def run_once(self) -> int:
        """Claim one batch of due messages and deliver it; the number handled."""
        claimed = self._claim(None)
        self._send_all(claimed)
        return len(claimed)

    def run(self) -> None:
        """The sender loop (a thread in `serve`, the main loop of `f0care worker`)."""
        released = False
        while not self._stop.is_set():
            try:
                if not released:
                    self.release_stale_claims()
                    released = True
                handled = self.run_once()
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

    def _claim(self, ids: list[int] | None) -> list[Message]:
        now = self.clock()
        with Session(self.db, expire_on_commit=False) as session:
            query = select(Message).where(
                Message.direction == "out",
                Message.status == "queued",
                or_(col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now),
            )
            if ids is not None:
                query = query.where(col(Message.id).in_(ids))
            query = query.order_by(col(Message.priority), col(Message.id)).limit(BATCH)
            if self.db.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = list(session.exec(query))
            for row in rows:
                row.status, row.claimed_at, row.claimed_by = "sending", now, self.name
                session.add(row)
            session.commit()
            return rows

    def _send_all(self, messages: list[Message]) -> None:
        for message in messages:
            if self.limiter is not None:
                self.limiter.acquire(message.segments)
            result = self.sender.send(
                message.phone, message.body, status_callback=self.status_callback, sensitive=message.sensitive
            )
            self._record(message, result)

    def _record(self, message: Message, result: SendResult) -> None:
        now = self.clock()
        with Session(self.db) as session:
            row = session.get(Message, message.id, with_for_update=True)
            if row is None or row.claimed_by != self.name or row.status != "sending":
                # The claim expired and another sender took the message: its outcome is theirs.
                log.warning("SMS %s: claim lost while sending; not recording", message.id)
                return
            row.attempts += 1
            row.claimed_at, row.claimed_by = None, None
            if result.ok:
                row.status, row.provider_sid, row.sent_at, row.error = "sent", result.provider_sid, now, None
                row.segments = result.segments or row.segments
            else:
                row.error = (result.error or "send failed")[:300]
                row.error_code = result.error_code
                retry_at = self.policy.next_attempt(row.attempts, now, result.retry_after) if result.retryable else None
                row.status = "queued" if retry_at else "failed"
                row.next_attempt_at = retry_at
                if row.status == "failed":
                    self._flag(session, row)
                log.warning("SMS %s to %s not sent (%s): %s", row.id, row.phone[:6] + "***", row.status, row.error)
            if row.sensitive and row.status in ("sent", "failed"):
                row.body = redact(row.body)
            session.add(row)
            session.commit()

    def _flag(self, session: Session, row: Message) -> None:
        """A message that cannot be delivered: the station should phone the patient."""
        if row.error_code == OPTED_OUT:
            contact = session.get(Contact, row.phone) or Contact(phone=row.phone)
            contact.opted_out, contact.opted_out_at = True, self.clock()
            session.add(contact)
        if row.error_code in NEEDS_CALL or row.error_code == OPTED_OUT or not row.error_code:
            session.execute(update(Patient).where(col(Patient.phone) == row.phone).values(call_needed=True))
