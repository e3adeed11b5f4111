"""Everything built once at start-up from the config: database, program, gateway, outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dialogs import engine as dialog_engine
from dialogs.program import OnCall, Program
from f0care.config import Config, to_program
from f0care.ops_settings import alarm_settings, retention_policy
from f0care.rejections import store_rejected
from f0care.service.inbound import receive, record_failed
from models.clock import Clock, utcnow
from models.db import make_engine
from models.uow import SqlUnitOfWork
from scheduler.context import JobContext, Schedule
from sms_gateway.android_sender import AndroidSender
from sms_gateway.outbox.outbox import Outbox, OutboxMode
from sms_gateway.outbox.receipts import record_status
from sms_gateway.outbox.rules import RateLimiter, RetryPolicy
from sms_gateway.senders import ConsoleSender, Sender, TwilioSender
from sms_gateway.wire import Handled, InboundSms, NotStored

log = logging.getLogger("f0care")


@dataclass
class Runtime:
    config: Config
    program: Program
    db: Engine
    outbox: Outbox
    clock: Clock = utcnow

    def unit_of_work(self) -> SqlUnitOfWork:
        """A new unit of work on the service's database."""
        return SqlUnitOfWork(self.db)

    def receive(self, sms: InboundSms, now: datetime | None = None) -> Handled:
        """One inbound message, any channel: handled, committed, then its outbox delivered."""
        moment = now or self.clock()
        try:
            handled = receive(self.unit_of_work, self.program, sms, moment)
        except SQLAlchemyError as error:
            # The database is unreachable or refused the write: nothing was kept, the sender's retry will be.
            log.error("inbound message not stored: %s", type(error).__name__)
            raise NotStored from error
        except Exception as error:
            # A fault of ours, not the database's: kept as "error" for replay (a retry finds it stored).
            log.exception("inbound message could not be handled")
            record_failed(self.unit_of_work, sms, moment)
            raise NotStored from error
        self.outbox.notify(handled.queued_ids)
        return handled

    def reject(self, sms: InboundSms, reason: str, now: datetime | None = None) -> None:
        """A message the channel refused: stored with status "rejected", no conversation started."""
        try:
            store_rejected(self.db, sms, reason, now or self.clock())
        except SQLAlchemyError as error:
            log.error("rejected inbound message not stored: %s", type(error).__name__)
            raise NotStored from error

    def record_receipt(self, provider_sid: str, status: str, error_code: int | None) -> bool:
        """A provider's delivery receipt: the status moves forward; some errors opt out or flag the patient."""
        try:
            return record_status(self.db, provider_sid, status, error_code, self.clock())
        except SQLAlchemyError as error:
            log.error("delivery receipt not stored: %s", type(error).__name__)
            raise NotStored from error


def make_sender(config: Config) -> Sender:
    if config.gateway.provider == "twilio":
        twilio = config.gateway.twilio
        return TwilioSender(
            twilio.account_sid,
            twilio.auth_token,
            twilio.from_number,
            twilio.api_base_url,
            messaging_service_sid=twilio.messaging_service_sid,
        )
    if config.gateway.provider == "android":
        android = config.gateway.android
        return AndroidSender(android.base_url, android.username, android.password, android.timeout_seconds)
    return ConsoleSender()


def build_runtime(
    config: Config,
    *,
    sender: Sender | None = None,
    db: Engine | None = None,
    outbox_mode: OutboxMode = "inline",
    clock: Clock = utcnow,
) -> Runtime:
    """Wire the service once; the flow table is checked here, not when a patient hits a gap."""
    dialog_engine.check_flows()
    engine = db or make_engine(config.database.url)
    callback = None
    if config.gateway.provider == "twilio":
        callback = config.service.public_url.rstrip("/") + "/sms/twilio/status"
    gateway = config.gateway
    policy = RetryPolicy(gateway.retry.max_attempts, gateway.retry.base_seconds, gateway.retry.max_seconds)
    limiter = RateLimiter(gateway.max_per_second, gateway.burst_seconds)
    outbox = Outbox(engine, sender or make_sender(config), callback, outbox_mode, clock, policy, limiter)
    return Runtime(config, to_program(config), engine, outbox, clock)


def job_context(runtime: Runtime) -> JobContext:
    """What the scheduled jobs need, from the config."""
    config = runtime.config
    schedule, oncall = schedule_of(config)
    retention = retention_policy(config) if config.retention.enabled else None
    return JobContext(
        runtime.db, runtime.program, schedule, oncall, runtime.outbox.notify, alarm_settings(config), retention
    )


def schedule_of(config: Config) -> tuple[Schedule, tuple[OnCall, ...]]:
    """`schedule:` and the on-call list of config.yaml, as the jobs take them."""
    s = config.schedule
    schedule = Schedule(
        morning_prompt=s.morning_prompt,
        reminder=s.reminder,
        deadline=s.deadline,
        end_of_monitoring=s.end_of_monitoring,
        ack_timeout_minutes=s.ack_timeout_minutes,
        accept_within_hours=s.accept_within_hours,
        quiet_hours=s.quiet_hours,
        checkins=s.checkins,
        misfire_grace_minutes=s.misfire_grace_minutes,
        ack_watch_minutes=s.ack_watch_minutes,
    )
    return schedule, tuple(o.to_oncall() for o in config.escalation.oncall)
