"""The Flask app factory: nothing happens at import time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify

from f0care import metrics, readiness, ussd, web
from f0care.runtime import Runtime
from f0care.web import portal, staff
from models.db import ping
from sms_gateway import android_webhook, twilio_webhook
from sms_gateway.inbound_rules import MAX_BODY_BYTES


class _App(Flask):
    """Flask, asking once per function whether a view or hook is a coroutine (none here), not on
    every call: with the web pages' hooks that is eight inspections per webhook."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._sync: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        found = self._sync.get(func)
        if found is None:
            found = self._sync.setdefault(func, super().ensure_sync(func))
        return found


def create_app(runtime: Runtime) -> Flask:
    """A web app serving `runtime` (built once by the caller from the config)."""
    app = _App("f0care")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # every route; the webhooks refuse before reading
    app.extensions["f0care"] = runtime
    config = runtime.config
    twilio_webhook.install(
        app,
        runtime,
        config.webhook_auth_token,
        config.service.public_url,
        config.gateway.short_codes,
        config.service.country,
    )
    android_webhook.install(
        app,
        runtime,
        config.gateway.android.webhook_secret,
        config.service.country,
        lambda: runtime.clock().timestamp(),
        config.gateway.short_codes,
    )

    ussd.install(app, runtime)  # POST /ussd (issue 12)
    metrics.install(app, runtime)
    web.install(app, runtime)
    staff.install(app)
    portal.install(app)
    readiness.install(app, runtime)

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        ok = ping(runtime.db)
        return jsonify(status="ok" if ok else "database unreachable"), 200 if ok else 503

    @app.errorhandler(500)
    def server_error(_error: Exception) -> tuple[str, int]:
        logging.getLogger("f0care").error("internal error while handling a request")
        body = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
        return body, 500

    return app
