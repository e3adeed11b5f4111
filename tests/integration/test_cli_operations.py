"""The operator's commands as an operator types them: `f0care outbox list|retry`, `f0care inbound
replay`, `f0care optout list|undo`, on a copy of the shipped config and a temporary SQLite file."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result

from f0care.service.inbound import record_failed
from models.db import make_engine
from models.migrate import upgrade
from models.uow import SqlUnitOfWork
from sms_gateway.wire import InboundSms
from tests.integration.test_cli import SHIPPED, SHIPPED_DB, assert_refused, registered, run


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "f0care.db"


@pytest.fixture
def config_file(tmp_path: Path, database: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(SHIPPED.replace(SHIPPED_DB, f'url: "sqlite:///{database}"'), encoding="utf-8")
    return path


def sql(database: Path, statement: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as conn:
        return conn.execute(statement, args).fetchall()


def json_lines(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]


def test_outbox_list_prints_what_plain_outbox_prints(config_file: Path) -> None:
    registered(config_file)
    for options in ((), ("--json",), ("--to", "0912000001"), ("--failed",), ("--limit", "2")):
        plain, listed = run(config_file, "outbox", *options), run(config_file, "outbox", "list", *options)
        assert plain.exit_code == listed.exit_code == 0, listed.output
        assert plain.output == listed.output


def test_outbox_retry_without_saying_which_is_a_usage_error(config_file: Path) -> None:
    assert_refused(run(config_file, "outbox", "retry"), "--failed", "--to")
    assert_refused(run(config_file, "outbox", "retry", "--to", "abc"), '"abc" is not a phone number')


def test_outbox_retry_failed_queues_them_again_in_a_table_or_as_json(config_file: Path, database: Path) -> None:
    registered(config_file)
    sql(database, "UPDATE message SET status = 'failed', error = 'gave up' WHERE kind = 'staff'")
    result = run(config_file, "outbox", "retry", "--failed", "--by", "ops-anh")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["ID", "TO", "KIND", "STATUS"]
    assert sum("staff" in row and "queued" in row for row in rows) == 3
    assert "3 message(s) queued" in result.output
    assert sql(database, "SELECT count(*) FROM message WHERE kind = 'staff' AND status = 'queued'") == [(3,)]
    assert sql(database, "SELECT action, by FROM operatoraction") == [("outbox-retry", "ops-anh")]
    again = run(config_file, "outbox", "retry", "--failed", "--json")
    assert again.exit_code == 0
    assert again.output == ""


def test_outbox_retry_with_nothing_undelivered_says_so(config_file: Path) -> None:
    result = run(config_file, "outbox", "retry", "--failed")
    assert result.exit_code == 0
    assert "nothing to retry" in result.output


def test_inbound_replay_runs_a_failed_message_and_says_what_came_of_it(config_file: Path, database: Path) -> None:
    assert "nothing to replay" in run(config_file, "inbound", "replay").output
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    record_failed(
        lambda: SqlUnitOfWork(engine),
        InboundSms("+84987654321", "DK", "SMbroken"),
        datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
    )
    engine.dispose()
    [row] = json_lines(run(config_file, "inbound", "replay", "--json", "--by", "ops-anh"))
    assert (row["phone"], row["outcome"], row["received"]) == ("+84987654321", "replied", "2026-11-25 08:00")
    statuses = sql(database, "SELECT status FROM message WHERE direction = 'in' ORDER BY id")
    assert statuses == [("replayed",), ("replied",)]
    assert "nothing to replay" in run(config_file, "inbound", "replay").output


def test_inbound_replay_refuses_a_since_that_is_not_a_time(config_file: Path) -> None:
    result = run(config_file, "inbound", "replay", "--since", "yesterday")
    assert result.exit_code == 2
    assert "24h" in result.output
    assert "Traceback" not in result.output


def test_optout_list_and_undo_with_who_did_it(config_file: Path, database: Path) -> None:
    assert "no phone is opted out" in run(config_file, "optout", "list").output
    stop = run(config_file, "simulate", "--phone", "0912345678", input="STOP\n")
    assert stop.exit_code == 0, stop.output
    [listed] = json_lines(run(config_file, "optout", "list", "--json"))
    assert listed["phone"] == "+84912345678"
    table = run(config_file, "optout", "list").output.splitlines()
    assert table[0].split() == ["PHONE", "SINCE", "PATIENTS"]
    assert "+84912345678" in table[1]
    undo = run(config_file, "optout", "undo", "0912 345 678", "--by", "BS Lan", "--reason", "called back")
    assert undo.exit_code == 0
    assert "+84912345678 gets scheduled messages again" in undo.output
    assert sql(database, "SELECT opted_out FROM contact") == [(0,)]
    recorded = sql(database, "SELECT action, subject, by FROM operatoraction")
    assert recorded == [("optout-undo", "+84912345678", "BS Lan")]
    again = run(config_file, "optout", "undo", "0912345678", "--by", "BS Lan")
    assert again.exit_code == 1
    assert "not opted out: nothing to undo" in again.output


def test_optout_undo_refuses_a_number_that_is_not_a_phone(config_file: Path) -> None:
    assert_refused(run(config_file, "optout", "undo", "12ab", "--by", "x"), '"12ab" is not a phone number')
