"""Replaying inbound messages the service failed on: each runs through the same service, once.

A failed message was kept with status "error" (and its provider id, so a retried delivery was
not run twice). A replay first marks it "replayed" in its own transaction, so a second replay,
or two operators at once, never run it again; then it runs as if received at its original time
(its declaration counts for the day it was sent), and the reply, which no webhook answer carried,
is queued for the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from dialogs.program import Program
from f0care.service.inbound import receive
from models import operations
from models.uow import SqlUnitOfWork
from sms_gateway.wire import InboundSms

log = logging.getLogger("f0care.replay")


@dataclass(frozen=True)
class Replayed:
    id: int
    phone: str
    received_at: datetime
    outcome: str  # replied, no reply, skipped (another run has it), failed: <why>
    queued: tuple[int, ...] = ()  # outbox ids: the reply and what the message caused


def replay_failed_inbound(
    db: Engine, program: Program, since: datetime | None, by: str, now: datetime
) -> list[Replayed]:
    """Run every inbound message stored as failed (since `since`) through the service, once each."""
    return [_replay_one(db, program, failed, by, now) for failed in operations.failed_inbound(db, since)]


def _replay_one(db: Engine, program: Program, failed: operations.Failed, by: str, now: datetime) -> Replayed:
    done = Replayed(failed.id, failed.phone, failed.received_at, "skipped (another run has it)")
    if not operations.take_for_replay(db, failed, by, now):
        return done
    sid = failed.provider_sid or f"replay-{failed.id}"
    sms = InboundSms(failed.phone, failed.body, sid, failed.channel)
    try:
        handled = receive(lambda: SqlUnitOfWork(db), program, sms, failed.received_at)
    except Exception as error:  # the fault is still there: kept, and never replayed by itself again
        log.exception("replay of inbound message %s failed", failed.id)
        operations.replay_failed(db, failed.id, f"replay failed: {type(error).__name__}: {error}")
        return Replayed(failed.id, failed.phone, failed.received_at, f"failed: {type(error).__name__}")
    replies = operations.queue_replies(db, sid, now)
    outcome = "replied" if replies else "no reply"
    return Replayed(failed.id, failed.phone, failed.received_at, outcome, (*replies, *handled.queued_ids))
