"""The real app served on loopback for a browser (Playwright driving Debian's Chromium), and what its phones got.

`LiveServer` runs the app of a real runtime (a SQLite file or PostgreSQL) in a thread with
werkzeug's threaded server; outbound SMS go to a `RecordingSender`, so a test reads the login
code a staff member was sent, and `sms()` plays an inbound SMS through the same application
service as the webhook. The clock is a `Clock` the test may move.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from f0care.app import create_app
from f0care.config import load_config
from f0care.runtime import Runtime, build_runtime
from sms_gateway.wire import InboundSms
from tests.support.fakes import Clock, RecordingSender
from tests.support.processes import ROOT

CHROMIUM = "/usr/bin/chromium"  # Debian's package `chromium` (.ci/run installs it)
CODE = re.compile(r"\b(\d{6})\b")
# Playwright's launch options for Debian's Chromium: no browser download, no sandbox as root in CI.
LAUNCH_ARGS: dict[str, Any] = {"executable_path": CHROMIUM, "args": ["--no-sandbox"]}


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No line per request on the test's output."""


@dataclass
class LiveServer:
    """The app on http://127.0.0.1:<port>, with the runtime, sender and clock behind it."""

    runtime: Runtime
    sender: RecordingSender
    clock: Clock
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def sms_to(self, phone: str) -> list[str]:
        """Every SMS delivered to `phone` (E.164), oldest first."""
        return list(self.sender.sent.get(phone, []))

    def last_code(self, phone: str) -> str:
        """The 6-digit code in the latest SMS to `phone` (a login code)."""
        for text in reversed(self.sms_to(phone)):
            found = CODE.search(text)
            if found:
                return found.group(1)
        raise AssertionError(f"no code was sent to {phone}; sent: {self.sms_to(phone)}")

    def sms(self, phone: str, body: str) -> str:
        """An inbound SMS from `phone`, through the application service; returns the reply."""
        return self.runtime.receive(InboundSms(phone, body, channel="test")).reply or ""


def database_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@contextmanager
def live_server(db: Engine, now: datetime, config_path: Path = ROOT / "config.yaml") -> Iterator[LiveServer]:
    """The shipped config on `db` (schema already made), served on a free loopback port until the block ends."""
    config = load_config(config_path, environ={"DATABASE_URL": database_url(db)})
    sender, clock = RecordingSender(), Clock(now)
    runtime = build_runtime(config, sender=sender, db=db, clock=clock)
    server = make_server("127.0.0.1", 0, create_app(runtime), threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(runtime, sender, clock, server, thread)
    finally:
        server.shutdown()
        thread.join(timeout=10)
