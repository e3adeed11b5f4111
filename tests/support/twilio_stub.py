"""A Twilio-compatible Messages API on loopback, with fault injection, for tests and demos."""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs

from dialogs.text import segments

API_PREFIX = "/2010-04-01/Accounts/"
_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    21211: "The 'To' number is not a valid phone number.",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
}


def _error(code: int, status: int) -> dict[str, Any]:
    return {
        "code": code,
        "message": _MESSAGES.get(code, f"Error {code}"),
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class TwilioStub:
    """Answers POST /2010-04-01/Accounts/{AccountSid}/Messages.json like Twilio does."""

    def __init__(
        self,
        account_sid: str = "AC" + "0" * 32,
        auth_token: str = "stub-auth-token",
        port: int = 0,
        on_message: Callable[[dict[str, str]], None] | None = None,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.reject_numbers: dict[str, int] = {}
        self._port = port
        self._on_message = on_message
        self._cond = threading.Condition()
        self._messages: list[dict[str, str]] = []
        self._faults: list[tuple[int, int | None, float | None]] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL to give the sender as api_base_url, e.g. http://127.0.0.1:PORT."""
        if self._server is None:
            raise RuntimeError("TwilioStub is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def messages(self) -> list[dict[str, str]]:
        """A snapshot of the accepted messages: their form fields plus 'sid'."""
        with self._cond:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Block until at least `count` messages were accepted; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._messages) >= count, timeout)

    def fail_next(
        self,
        n: int,
        status: int = 500,
        code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Make the next n requests fail with `status` (and Retry-After, when given)."""
        with self._cond:
            self._faults.extend([(status, code, retry_after)] * n)

    def start(self) -> Self:
        """Listen on 127.0.0.1 (port 0 picks a free one) in a daemon thread."""
        handler = type("Handler", (_Handler,), {"owner": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits up to one poll interval
            name="twilio-stub",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and wait for the server thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # Called from handler threads.
    def _take_fault(self) -> tuple[int, int | None, float | None] | None:
        with self._cond:
            return self._faults.pop(0) if self._faults else None

    def _authorized(self, header: str | None) -> bool:
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        given = header or ""
        if not given.startswith("Basic "):
            return False
        try:
            decoded = base64.b64decode(given[6:], validate=True)
        except ValueError:
            return False
        return secrets.compare_digest(decoded, expected)

    def _accept(self, form: dict[str, str]) -> dict[str, Any]:
        now = format_datetime(datetime.now(UTC))
        sid = "SM" + secrets.token_hex(16)
        record = {**form, "sid": sid}
        with self._cond:
            self._messages.append(record)
            self._cond.notify_all()
        if self._on_message is not None:
            self._on_message(record)
        return {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form["To"],
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form["Body"],
            "status": "queued",
            "num_segments": str(segments(form["Body"])),
            "num_media": "0",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "price": None,
            "price_unit": "USD",
            "error_code": None,
            "error_message": None,
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "uri": f"{API_PREFIX}{self.account_sid}/Messages/{sid}.json",
            "subresource_uris": {},
        }


class _Handler(BaseHTTPRequestHandler):
    owner: TwilioStub
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: do not wait 40 ms between them

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; bodies may hold OTP codes

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        stub = self.owner
        fault = stub._take_fault()
        if fault is not None:
            status, code, retry_after = fault
            headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
            default = 20429 if status == 429 else status
            return self._reply(status, _error(code or default, status), headers)
        if not stub._authorized(self.headers.get("Authorization")):
            return self._reply(
                401,
                _error(20003, 401),
                {"WWW-Authenticate": 'Basic realm="Twilio API"'},
            )
        expected = f"{API_PREFIX}{stub.account_sid}/Messages.json"
        if self.path.split("?")[0] != expected:
            return self._reply(404, _error(20404, 404))
        form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        problem = self._missing(form)
        if problem is None and form["To"] in stub.reject_numbers:
            problem = stub.reject_numbers[form["To"]]
        if problem is not None:
            return self._reply(400, _error(problem, 400))
        self._reply(201, stub._accept(form))

    def do_GET(self) -> None:
        self._reply(405, _error(20004, 405))

    @staticmethod
    def _missing(form: dict[str, str]) -> int | None:
        if not form.get("To"):
            return 21604
        if not form.get("Body"):
            return 21602
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return 21603
        return None

    def _reply(
        self,
        status: int,
        payload: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def main() -> None:
    """Run the stub in the foreground and print every message it accepts."""
    parser = argparse.ArgumentParser(description="Twilio-compatible Messages API stub")
    parser.add_argument("--port", type=int, default=8999)
    parser.add_argument("--account-sid", default="AC" + "0" * 32)
    parser.add_argument("--auth-token", default="stub-auth-token")
    args = parser.parse_args()

    def show(message: dict[str, str]) -> None:
        sender = message.get("From") or message.get("MessagingServiceSid")
        print(
            f"{message['sid']} {sender} -> {message['To']}: {message['Body']}",
            flush=True,
        )

    stub = TwilioStub(args.account_sid, args.auth_token, args.port, on_message=show)
    with stub:
        print(f"Twilio stub listening on {stub.url} (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
