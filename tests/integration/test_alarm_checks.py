"""The operator alarms on both databases: incidents kept in the database, one SMS per incident to
the on-call list (or alarms.notify), one when it clears, however often the check runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, update
from sqlmodel import Session, col

from f0care.cli import main
from f0care.config.operations import AlarmsConfig
from f0care.ops_settings import alarm_settings
from f0care.runtime import Runtime, job_context
from models.alarm_checks import check_alarms, open_incidents
from models.tables import Message
from scheduler.jobs import jobs
from scheduler.runner import run_named
from tests.integration.test_cli import SHIPPED, SHIPPED_DB
from tests.support.fakes import Clock, RecordingSender

ONCALL = "+84912000099"  # escalation.oncall in the shipped config


def outbound(runtime: Runtime, at: datetime, status: str, attempts: int = 0, error: str | None = None) -> int:
    with Session(runtime.db) as session:
        row = Message(direction="out", phone="+84987654321", body="x", created_at=at, status=status, attempts=attempts)
        row.error, row.sent_at = error, at if status == "sent" else None
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def alarm_sms(runtime: Runtime) -> list[tuple[str, str]]:
    with Session(runtime.db) as session:
        query = select(col(Message.phone), col(Message.body)).where(col(Message.kind) == "alarm")
        return [(phone, body) for phone, body in session.execute(query.order_by(col(Message.id))).all()]


def test_sending_failing_for_ten_minutes_alarms_the_oncall_once_and_once_more_when_it_clears(
    runtime: Runtime, clock: Clock
) -> None:
    settings = alarm_settings(runtime.config)
    outbound(runtime, clock() - timedelta(minutes=1), "sent", attempts=1)
    failing = outbound(runtime, clock(), "queued", attempts=2, error="HTTP 503 from the provider")
    assert check_alarms(runtime.db, settings, clock() + timedelta(minutes=9)) == []
    queued = check_alarms(runtime.db, settings, clock() + timedelta(minutes=10))
    assert len(queued) == 1
    assert list(open_incidents(runtime.db)) == ["sending"]
    [(to, text)] = alarm_sms(runtime)
    assert to == ONCALL
    assert "CANH BAO gui SMS bi loi" in text
    for later in (11, 12, 12):  # still failing, and two checkers at the same minute
        assert check_alarms(runtime.db, settings, clock() + timedelta(minutes=later)) == []
    with Session(runtime.db) as session:
        sent_at = clock() + timedelta(minutes=13)
        session.execute(
            update(Message).where(col(Message.id) == failing).values(status="sent", error=None, sent_at=sent_at)
        )
        session.commit()
    assert len(check_alarms(runtime.db, settings, clock() + timedelta(minutes=14))) == 1
    assert open_incidents(runtime.db) == {}
    assert [text.split(":")[1].strip()[:22] for _to, text in alarm_sms(runtime)] == [
        "CANH BAO gui SMS bi lo",
        "Gui SMS da binh thuong",
    ]
    assert check_alarms(runtime.db, settings, clock() + timedelta(minutes=15)) == []


def test_a_lagging_outbox_alarms_the_numbers_in_alarms_notify(runtime: Runtime, clock: Clock) -> None:
    config = runtime.config.model_copy(update={"alarms": AlarmsConfig(notify=("+84912000001", "+84912000002"))})
    settings = alarm_settings(config)
    outbound(runtime, clock(), "queued")
    assert check_alarms(runtime.db, settings, clock() + timedelta(minutes=15)) == []
    assert len(check_alarms(runtime.db, settings, clock() + timedelta(minutes=16))) == 2
    assert [to for to, _text in alarm_sms(runtime)] == ["+84912000001", "+84912000002"]
    assert list(open_incidents(runtime.db)) == ["lag"]


def test_alarms_check_on_the_command_line_lists_the_open_incidents(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(SHIPPED.replace(SHIPPED_DB, f'url: "sqlite:///{tmp_path / "f0care.db"}"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "alarms", "check"], env={"DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    assert "no open incident" in result.output, result.output


def test_the_scheduler_runs_the_alarm_check_every_minute_and_sends_what_it_queues(
    runtime: Runtime, clock: Clock, sender: RecordingSender
) -> None:
    context = job_context(runtime)
    assert jobs(context)["alarms"].cron == {"minute": "*"}
    outbound(runtime, clock(), "queued", attempts=2, error="HTTP 503 from the provider")
    report = run_named(context, "alarms", clock() + timedelta(minutes=10))
    assert report.queued == 1
    assert any("CANH BAO gui SMS bi loi" in text for text in sender.sent[ONCALL])
