"""Delivery of the outbox: queued messages go to the gateway after their transaction commits.

A failed send never loses a message: it stays queued with its error (transient
failures) or is marked failed (permanent ones), for the retry worker and staff.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.redact import redact
from models.tables import Message
from sms_gateway.senders import Sender

log = logging.getLogger("f0care.outbox")
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Outbox:
    """Sends queued messages through one `Sender`; inline, or on a background thread."""

    def __init__(
        self,
        db: Engine,
        sender: Sender,
        status_callback: str | None = None,
        background: bool = False,
        clock: Clock = _utcnow,
    ) -> None:
        self.db = db
        self.sender = sender
        self.status_callback = status_callback
        self.clock = clock
        self._queue: queue.Queue[tuple[int, ...] | None] | None = None
        self._thread: threading.Thread | None = None
        if background:
            self._queue = queue.Queue()
            self._thread = threading.Thread(target=self._run, name="f0care-outbox", daemon=True)
            self._thread.start()

    def notify(self, ids: Iterable[int]) -> None:
        """Deliver these freshly committed messages (now, or soon on the background thread)."""
        batch = tuple(ids)
        if not batch:
            return
        if self._queue is None:
            self.deliver(batch)
        else:
            self._queue.put(batch)

    def deliver_pending(self) -> int:
        """Deliver every queued message (e.g. left over from before a restart)."""
        with Session(self.db) as session:
            query = select(Message.id).where(Message.direction == "out", Message.status == "queued")
            ids = [i for i in session.exec(query.order_by(col(Message.id))) if i is not None]
        self.deliver(ids)
        return len(ids)

    def deliver(self, ids: Iterable[int]) -> None:
        for message_id in ids:
            self._deliver_one(message_id)

    def _deliver_one(self, message_id: int) -> None:
        with Session(self.db) as session:
            message = session.get(Message, message_id)
            if message is None or message.status != "queued":
                return
            to, body, sensitive = message.phone, message.body, message.sensitive
        result = self.sender.send(to, body, status_callback=self.status_callback, sensitive=sensitive)
        with Session(self.db) as session:
            message = session.get(Message, message_id)
            if message is None:
                return
            message.attempts += 1
            if result.ok:
                message.status = "sent"
                message.provider_sid = result.provider_sid
                message.sent_at = self.clock()
                message.error = None
                if result.segments:
                    message.segments = result.segments
                if sensitive:
                    message.body = redact(message.body)
            else:
                message.status = "queued" if result.retryable else "failed"
                message.error = (result.error or "send failed")[:300]
                message.error_code = result.error_code
                if sensitive and message.status == "failed":
                    message.body = redact(message.body)
                log.warning("SMS %s to %s not sent: %s", message_id, to[:6] + "***", message.error)
            session.add(message)
            session.commit()

    def _run(self) -> None:
        assert self._queue is not None
        while True:
            batch = self._queue.get()
            if batch is None:
                return
            try:
                self.deliver(batch)
            except Exception:  # keep the thread alive; the rows stay queued
                log.exception("outbox delivery failed")

    def close(self) -> None:
        if self._queue is not None and self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
