"""`GET /readyz`: ready to take traffic: the database answers and the outbox keeps up.

`/healthz` stays a liveness check (is the process and its database there); a load balancer or
an orchestrator that routes on `/readyz` also learns when messages wait longer than
`alarms.lag_minutes`.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from f0care.runtime import Runtime
from models.db import ping
from models.stats import oldest_queued_at


def install(app: Flask, runtime: Runtime) -> None:
    limit = runtime.config.alarms.lag_minutes * 60

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        if not ping(runtime.db):
            return jsonify(status="database unreachable"), 503
        try:
            oldest = oldest_queued_at(runtime.db)
        except SQLAlchemyError:
            return jsonify(status="database unreachable"), 503
        lag = max(0.0, (runtime.clock() - oldest).total_seconds()) if oldest else 0.0
        if lag > limit:
            return jsonify(status="outbox lagging", outbox_oldest_seconds=round(lag), limit_seconds=limit), 503
        return jsonify(status="ok", outbox_oldest_seconds=round(lag)), 200
