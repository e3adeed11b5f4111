"""A Twilio-compatible Messages API on loopback, for the tests, the benchmarks and demos.

It answers `POST /2010-04-01/Accounts/{sid}/Messages.json` like Twilio (Basic auth checked, 201
with a Message resource whose num_segments comes from tests.support.sms_segments, an independent
counter), with fault injection (`fail_next`, `reject_numbers`). It is served by one asyncio loop
(tests.support.fast_http), fast enough that a benchmark measures the service, not the stub.
Control endpoints for a benchmark's runner: `GET /stats`, `GET /messages?offset=N`, `POST /reset`.

In a test: `with TwilioStub(sid, token) as stub:` (its loop runs in a thread; `stub.url`).
As a process: `python -m tests.support.twilio_stub --port 0 --account-sid AC... --auth-token ...`
prints "listening PORT" (`--show` also prints each message).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from tests.support.fast_http import Answer, LoopbackServer
from tests.support.sms_segments import count as count_segments

API_PREFIX = "/2010-04-01/Accounts/"
_MESSAGES = {
    20003: "Authenticate",
    20004: "Method not allowed",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    21211: "The 'To' number is not a valid phone number.",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
}


def _error(code: int, status: int, headers: dict[str, str] | None = None) -> Answer:
    payload = {
        "code": code,
        "message": _MESSAGES.get(code, f"Error {code}"),
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return status, payload, headers or {}


@dataclass(frozen=True, slots=True)
class Accepted:
    """One accepted message: when, to whom, how many parts; its form fields and sid unless bodies are not kept."""

    at: float
    to: str
    segments: int
    form: dict[str, str] | None  # the posted fields plus "sid"


@dataclass(frozen=True, slots=True)
class Fault:
    status: int
    code: int | None
    retry_after: float | None


class TwilioStub:
    """The Messages API of one account: `start()` serves it from a thread, `main()` from a process."""

    def __init__(
        self,
        account_sid: str = "AC" + "0" * 32,
        auth_token: str = "stub-auth-token",
        port: int = 0,
        *,
        keep_bodies: bool = True,
        omit_num_segments: bool = False,
        on_message: Callable[[dict[str, str]], None] | None = None,
    ) -> None:
        self.account_sid = account_sid
        self.reject_numbers: dict[str, int] = {}  # To -> the Twilio error code it is refused with
        self.failed: list[tuple[float, int]] = []  # (time, status) of each injected fault, in order
        self.keep_bodies = keep_bodies
        self.omit_num_segments = omit_num_segments
        self._auth = "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self._path = f"{API_PREFIX}{account_sid}/Messages.json"
        self._on_message = on_message
        self._cond = threading.Condition()
        self._faults: list[Fault] = []
        self._accepted: list[Accepted] = []
        self._distinct: set[str] = set()
        self._segments = 0
        self._rejected = 0
        self.http = LoopbackServer(self.handle, port)

    # ------------------------------------------------------------------ what a test reads and sets

    @property
    def url(self) -> str:
        """Base URL to give the sender as api_base_url, e.g. http://127.0.0.1:PORT."""
        return f"http://127.0.0.1:{self.http.port}"

    def accepted(self) -> list[Accepted]:
        """A snapshot of the accepted messages, in order."""
        with self._cond:
            return list(self._accepted)

    @property
    def messages(self) -> list[dict[str, str]]:
        """The accepted messages' form fields plus 'sid' (needs keep_bodies)."""
        return [a.form for a in self.accepted() if a.form is not None]

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Block until at least `count` messages were accepted; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._accepted) >= count, timeout)

    def fail_next(self, n: int, status: int = 500, code: int | None = None, retry_after: float | None = None) -> None:
        """Make the next n requests fail with `status` (and Retry-After, when given)."""
        with self._cond:
            self._faults.extend([Fault(status, code, retry_after)] * n)

    def stats(self) -> dict[str, Any]:
        """Counts kept as messages arrive: a runner polls them during a fan-out of 100,000."""
        with self._cond:
            accepted = self._accepted
            return {
                "count": len(accepted),
                "first": accepted[0].at if accepted else None,
                "last": accepted[-1].at if accepted else None,
                "distinct_to": len(self._distinct),
                "segments": self._segments,
                "rejected": self._rejected,
                "pid": os.getpid(),
            }

    def reset(self) -> None:
        with self._cond:
            self._accepted, self._distinct, self._segments, self._rejected, self.failed = [], set(), 0, 0, []

    # ------------------------------------------------------------------ the API

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One request (header names in lower case): its status, JSON payload and extra headers."""
        url = urlsplit(target)
        if method == "GET" and url.path == "/stats":
            return 200, self.stats(), {}
        if method == "GET" and url.path == "/messages":
            return 200, self._listing(int(dict(parse_qsl(url.query)).get("offset", "0"))), {}
        if method == "POST" and url.path == "/reset":
            self.reset()
            return 200, {}, {}
        if method != "POST":
            return _error(20004, 405)
        fault = self._take_fault() if self._faults else None
        if fault is not None:
            retry = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            return _error(fault.code or (20429 if fault.status == 429 else fault.status), fault.status, retry)
        if not secrets.compare_digest(headers.get("authorization", ""), self._auth):
            return self._refuse(_error(20003, 401, {"WWW-Authenticate": 'Basic realm="Twilio API"'}))
        if url.path != self._path:
            return _error(20404, 404)
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        problem = _missing(form) or self.reject_numbers.get(form["To"])
        if problem is not None:
            return self._refuse(_error(problem, 400))
        return 201, self._accept(form), {}

    def _take_fault(self) -> Fault | None:
        with self._cond:
            fault = self._faults.pop(0) if self._faults else None
            if fault is not None:
                self.failed.append((time.time(), fault.status))
        return fault

    def _refuse(self, answer: Answer) -> Answer:
        with self._cond:
            self._rejected += 1
        return answer

    def _accept(self, form: dict[str, str]) -> dict[str, Any]:
        sid = "SM" + secrets.token_hex(16)
        parts = count_segments(form["Body"])
        record = {**form, "sid": sid} if self.keep_bodies else None
        with self._cond:
            self._accepted.append(Accepted(time.time(), form["To"], parts, record))
            self._distinct.add(form["To"])
            self._segments += parts
            self._cond.notify_all()
        if self._on_message is not None and record is not None:
            self._on_message(record)
        now = formatdate(usegmt=True)
        return {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form["To"],
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form["Body"],
            "status": "queued",
            "num_segments": None if self.omit_num_segments else str(parts),
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

    def _listing(self, offset: int) -> list[dict[str, Any]]:
        with self._cond:
            tail = self._accepted[offset:]
        return [{"t": a.at, "to": a.to, "segments": a.segments, "body": a.form and a.form["Body"]} for a in tail]

    # ------------------------------------------------------------------ serving

    def start(self) -> Self:
        """Serve from a daemon thread (a test's stub)."""
        self.http.start()
        return self

    def stop(self) -> None:
        self.http.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _missing(form: dict[str, str]) -> int | None:
    if not form.get("To"):
        return 21604
    if not form.get("Body"):
        return 21602
    if not (form.get("From") or form.get("MessagingServiceSid")):
        return 21603
    return None


def _show(message: dict[str, str]) -> None:
    sender = message.get("From") or message.get("MessagingServiceSid")
    print(f"{message['sid']} {sender} -> {message['To']}: {message['Body']}", flush=True)


def main() -> None:
    """Run the stub in the foreground (a process of the benchmarks, or a demo with --show)."""
    parser = argparse.ArgumentParser(description="Twilio-compatible Messages API stub")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", default="AC" + "0" * 32)
    parser.add_argument("--auth-token", default="stub-auth-token")
    parser.add_argument("--no-bodies", action="store_true", help="keep no message bodies (large fan-outs)")
    parser.add_argument(
        "--omit-num-segments", action="store_true", help="answer num_segments null: the service keeps its own count"
    )
    parser.add_argument("--show", action="store_true", help="print each accepted message")
    args = parser.parse_args()
    stub = TwilioStub(
        args.account_sid,
        args.auth_token,
        args.port,
        keep_bodies=not args.no_bodies,
        omit_num_segments=args.omit_num_segments,
        on_message=_show if args.show else None,
    )
    asyncio.run(stub.http.serve(lambda port: print(f"listening {port}", flush=True)))


if __name__ == "__main__":
    main()
