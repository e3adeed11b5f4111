"""`GET /metrics` (Prometheus text format): request latency per route, and the database's counts.

Counts that live in the database (messages, patients, alerts, the outbox) are read at scrape
time by a collector, so every web worker answers the same. Latency histograms live in the
process; under gunicorn set PROMETHEUS_MULTIPROC_DIR (an empty directory, wiped at each start)
and the workers' histograms are summed.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from f0care.runtime import Runtime
from models.clock import Clock
from models.stats import snapshot

log = logging.getLogger("f0care.metrics")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class DatabaseCollector(Collector):
    """The service's state as Prometheus metrics, queried at each scrape."""

    def __init__(self, db: Engine, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        try:
            state = snapshot(self.db)
        except SQLAlchemyError as error:
            log.warning("metrics: database unreachable (%s)", type(error).__name__)
            yield GaugeMetricFamily("f0care_database_up", "1 when the database answered this scrape", value=0)
            return
        yield GaugeMetricFamily("f0care_database_up", "1 when the database answered this scrape", value=1)
        yield _family(CounterMetricFamily, "f0care_inbound_messages", "Inbound messages stored", "channel",
                      state.inbound_by_channel)  # fmt: skip
        yield _family(GaugeMetricFamily, "f0care_outbound_messages_total",
                      "Outbound messages by their current status (queued, sending, sent, delivered, failed, ...)",
                      "status", state.outbound_by_status)  # fmt: skip
        yield GaugeMetricFamily("f0care_outbox_queued", "Messages waiting to be sent", value=state.queued)
        oldest = state.oldest_queued_at
        age = max(0.0, (self.clock() - oldest).total_seconds()) if oldest else 0.0
        yield GaugeMetricFamily(
            "f0care_outbox_oldest_seconds", "Age of the oldest queued message (0: empty)", value=age
        )
        yield GaugeMetricFamily("f0care_alerts_open", "Red alerts not yet acknowledged", value=state.alerts_open)
        yield _family(GaugeMetricFamily, "f0care_patients", "Patients by status", "status", state.patients_by_status)
        yield _family(CounterMetricFamily, "f0care_declarations", "Daily declarations by triage level", "triage",
                      state.declarations_by_level)  # fmt: skip


def _family(
    kind: type[CounterMetricFamily | GaugeMetricFamily], name: str, about: str, label: str, values: dict[str, int]
) -> Metric:
    family = kind(name, about, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family


def install(app: Flask, runtime: Runtime) -> None:
    """Time every request per route, and serve `GET /metrics` to whom `metrics.token` allows."""
    latency = Histogram(
        "f0care_http_request_duration_seconds",
        "Time to answer a request, per route",
        ["route", "method", "status"],
        buckets=BUCKETS,
        registry=CollectorRegistry(),  # this app's own: several apps in one process (tests) do not clash
    )
    scraped = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(scraped)  # type: ignore[no-untyped-call]
    else:
        scraped.register(_Single(latency))
    scraped.register(DatabaseCollector(runtime.db, runtime.clock))
    token = runtime.config.metrics.token
    children: dict[tuple[str, str, str], Any] = {}

    @app.before_request
    def _start() -> None:
        g.f0care_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("f0care_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule else "unmatched"
            labels = (route, request.method, str(response.status_code))
            child = children.get(labels)
            if child is None:  # a few dozen label sets; looking one up costs more than observing
                child = children.setdefault(labels, latency.labels(*labels))
            child.observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        refused = _refusal(token)
        if refused is not None:
            return refused
        return Response(generate_latest(scraped), mimetype=CONTENT_TYPE_LATEST)


class _Single(Collector):
    """One metric of another registry, exposed in the scraped one."""

    def __init__(self, metric: Histogram) -> None:
        self.metric = metric

    def collect(self) -> Iterator[Metric]:
        yield from self.metric.collect()


def _refusal(token: str) -> Response | None:
    """401 without the right bearer token (when one is configured); 403 off loopback (when none is)."""
    if token:
        given = request.headers.get("Authorization", "").encode()
        if hmac.compare_digest(given, f"Bearer {token}".encode()):
            return None
        return Response("metrics need Authorization: Bearer <metrics.token>\n", 401, {"WWW-Authenticate": "Bearer"})
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return None
    return Response("metrics are served on loopback only; set metrics.token to scrape from elsewhere\n", 403)
