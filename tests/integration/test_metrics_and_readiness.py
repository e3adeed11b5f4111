"""`GET /metrics` (Prometheus) and `GET /readyz` through the Flask test client, on both databases."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine
from sqlmodel import Session

from f0care.app import create_app
from f0care.config import Config
from f0care.config.operations import MetricsConfig
from f0care.runtime import Runtime, build_runtime
from models.db import make_engine
from models.tables import Message
from tests.support.fakes import Clock, RecordingSender
from tests.support.phone import Phone

ELSEWHERE = {"REMOTE_ADDR": "10.1.2.3"}


def samples(client: FlaskClient, **kwargs: object) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def guarded(config: Config, db: Engine, sender: RecordingSender, clock: Clock) -> FlaskClient:
    """An app whose metrics need the bearer token "s3cret"."""
    with_token = config.model_copy(update={"metrics": MetricsConfig(token="s3cret")})
    return create_app(build_runtime(with_token, sender=sender, db=db, clock=clock)).test_client()


def test_metrics_count_what_the_database_holds(client: FlaskClient, phone: Callable[[str], Phone]) -> None:
    patient = phone("+84987654321")
    for text in ("DK", "Nguyen Van An", "1980", "Tran Phu", "NAY", "hom nay", "K", "K"):
        patient.send(text)
    found = samples(client)
    assert found[("f0care_inbound_messages_total", (("channel", "twilio"),))] == 8
    assert found[("f0care_outbound_messages_total", (("status", "sent"),))] >= 8  # replies and the code
    assert found[("f0care_outbox_queued", ())] == 0
    assert found[("f0care_outbox_oldest_seconds", ())] == 0
    assert found[("f0care_alerts_open", ())] == 0
    assert found[("f0care_database_up", ())] == 1


def test_metrics_show_patients_declarations_alerts_and_the_outbox_lag(
    client: FlaskClient, runtime: Runtime, clock: Clock, phone: Callable[[str], Phone]
) -> None:
    doctor, patient = phone("+84912000001"), phone("+84987654321")
    doctor.send("DK 0987654321 Nguyen Van An, 1980, Tran Phu")
    patient.send("94 24 86 37.5 0 0")  # red
    with Session(runtime.db) as session:
        session.add(Message(direction="out", phone="+84987654321", body="x", created_at=clock(), status="queued"))
        session.commit()
    clock.advance(minutes=5)
    found = samples(client)
    assert found[("f0care_patients", (("status", "active"),))] == 1
    assert found[("f0care_declarations_total", (("triage", "red"),))] == 1
    assert found[("f0care_alerts_open", ())] == 1
    assert found[("f0care_outbox_queued", ())] == 1
    assert found[("f0care_outbox_oldest_seconds", ())] == 300


def test_request_latency_is_a_histogram_per_route(client: FlaskClient) -> None:
    client.get("/healthz")
    client.get("/healthz")
    found = samples(client)
    key = ("f0care_http_request_duration_seconds_count", (("method", "GET"), ("route", "/healthz"), ("status", "200")))
    assert found[key] == 2


def test_without_a_token_metrics_are_served_on_loopback_only(client: FlaskClient) -> None:
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    refused = client.get("/metrics", environ_base=ELSEWHERE)
    assert refused.status_code == 403
    assert "metrics.token" in refused.get_data(as_text=True)


def test_with_a_token_metrics_need_it_from_anywhere(guarded: FlaskClient) -> None:
    assert guarded.get("/metrics").status_code == 401  # loopback is not enough
    wrong = guarded.get("/metrics", headers={"Authorization": "Bearer nope"}, environ_base=ELSEWHERE)
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    right = {"Authorization": "Bearer s3cret"}
    assert ("f0care_outbox_queued", ()) in samples(guarded, headers=right, environ_base=ELSEWHERE)


def test_readyz_fails_when_the_oldest_queued_message_passes_the_alarm_threshold(
    client: FlaskClient, runtime: Runtime, clock: Clock
) -> None:
    assert client.get("/readyz").status_code == 200
    with Session(runtime.db) as session:
        session.add(Message(direction="out", phone="+84987654321", body="x", created_at=clock(), status="queued"))
        session.commit()
    clock.advance(minutes=runtime.config.alarms.lag_minutes)
    assert client.get("/readyz").json == {"status": "ok", "outbox_oldest_seconds": 900}
    clock.advance(seconds=1)
    late = client.get("/readyz")
    assert late.status_code == 503
    assert late.json is not None
    assert late.json["status"] == "outbox lagging"
    assert client.get("/healthz").status_code == 200  # still alive: liveness is not readiness


def test_readyz_and_metrics_say_so_when_the_database_is_gone(config: Config, tmp_path: Path) -> None:
    gone = make_engine(f"sqlite:///{tmp_path / 'missing' / 'f0care.db'}")
    client = create_app(build_runtime(config, sender=RecordingSender(), db=gone)).test_client()
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json == {"status": "database unreachable"}
    assert samples(client)[("f0care_database_up", ())] == 0


def test_the_dashboard_and_alert_rules_use_only_metrics_the_service_exports(
    client: FlaskClient, phone: Callable[[str], Phone]
) -> None:
    phone("+84912000001").send("DK 0987654321 Nguyen Van An, 1980, Tran Phu")
    phone("+84987654321").send("94 24 86 37.5 0 0")
    exported = {name for name, _labels in samples(client)}
    docs = Path(__file__).resolve().parents[2] / "docs" / "ops"
    for path in (docs / "grafana-dashboard.json", docs / "prometheus-alerts.yml"):
        named = set(re.findall(r"\bf0care_[a-z_]+", path.read_text(encoding="utf-8")))
        assert named, f"{path.name}: {sorted(named - exported)} are not exported"
        assert named <= exported, f"{path.name}: {sorted(named - exported)} are not exported"
