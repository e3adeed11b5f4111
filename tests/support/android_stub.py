"""The API of a phone running SMS Gateway for Android, on loopback: for the tests, the benchmark and demos.

It answers like the app's local server (`http://<phone>:8080`): `POST /messages` (Basic auth
checked, the JSON the `android-sms-gateway` client sends checked field by field, 202 with the
message's id and state), `GET`/`POST /webhooks`, `DELETE /webhooks/{id}`, `GET`/`PATCH /settings`.
Faults on demand (`fail_next`). Served by one asyncio loop (tests.support.fast_http).

In a test: `with AndroidStub(user, password) as phone:` (`phone.url`, `phone.messages`).
As a process: `python -m tests.support.android_stub --port 0` prints "listening PORT".
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from tests.support.fast_http import Answer, LoopbackServer

USERNAME = "sms"
PASSWORD = "stub-" + "a7d1" * 6  # made up
DEVICE_ID = "stubDevice0000000000a"
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
SEND_FIELDS = {
    "phoneNumbers",
    "textMessage",
    "dataMessage",
    "mmsMessage",
    "priority",
    "simNumber",
    "withDeliveryReport",
    "isEncrypted",
    "ttl",
    "validUntil",
    "id",
    "deviceId",
}


def nano_id(size: int = 21) -> str:
    """An id as the app makes them (NanoID)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(size))


@dataclass(frozen=True)
class Sent:
    """One message the phone accepted: its id, recipient, text and the JSON as posted."""

    id: str
    to: str
    text: str
    request: dict[str, Any]


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Answer:
    return status, {"message": message}, headers or {}


def shape_problem(body: dict[str, Any]) -> str | None:
    """What is wrong with a send request, as the app's validation would say; None when it is right."""
    unknown = set(body) - SEND_FIELDS
    numbers, text = body.get("phoneNumbers"), body.get("textMessage")
    if unknown:
        return f"unknown fields: {sorted(unknown)}"
    if not isinstance(numbers, list) or not numbers or not all(isinstance(n, str) and n for n in numbers):
        return "phoneNumbers must be a non-empty list of numbers"
    if not isinstance(text, dict) or set(text) != {"text"} or not isinstance(text["text"], str) or not text["text"]:
        return "Must specify exactly one of: textMessage, dataMessage, or message"
    if not isinstance(body.get("withDeliveryReport", True), bool) or not isinstance(body.get("isEncrypted"), bool):
        return "withDeliveryReport and isEncrypted must be booleans"
    return None


class AndroidStub:
    """One phone's local server: `start()` serves it from a thread, `main()` from a process."""

    def __init__(
        self,
        username: str = USERNAME,
        password: str = PASSWORD,
        port: int = 0,
        on_message: Callable[[Sent], None] | None = None,
    ) -> None:
        self._auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        self.on_message = on_message
        self._cond = threading.Condition()
        self._sent: list[Sent] = []
        self._faults: list[tuple[int, float | None]] = []
        self.refused = 0  # requests answered 401
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.settings: dict[str, Any] = {"webhooks": {"retry_count": 15}}
        self.http = LoopbackServer(self.handle, port)

    @property
    def url(self) -> str:
        """The base URL to configure as gateway.android.base_url."""
        return f"http://127.0.0.1:{self.http.port}"

    @property
    def messages(self) -> list[Sent]:
        with self._cond:
            return list(self._sent)

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Block until at least `count` messages were accepted; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._sent) >= count, timeout)

    def wait_until(self, ready: Callable[[list[Sent]], bool], timeout: float = 10.0) -> list[Sent]:
        """Block until `ready(messages)` holds (bounded); the messages then (or at the timeout)."""
        with self._cond:
            self._cond.wait_for(lambda: ready(self._sent), timeout)
            return list(self._sent)

    def fail_next(self, n: int, status: int = 500, retry_after: float | None = None) -> None:
        """Answer the next n requests with `status` (and Retry-After, when given)."""
        with self._cond:
            self._faults.extend([(status, retry_after)] * n)

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """One request (header names in lower case)."""
        with self._cond:
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None:
            extra = {"Retry-After": f"{fault[1]:g}"} if fault[1] is not None else {}
            return _error(fault[0], "injected fault", extra)
        if not secrets.compare_digest(headers.get("authorization", ""), self._auth):
            self.refused += 1
            return _error(401, "Unauthorized", {"WWW-Authenticate": 'Basic realm="Access to SMS Gateway"'})
        if not headers.get("content-type", "application/json").startswith("application/json"):
            return _error(400, "expected application/json")
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return _error(400, "malformed JSON")
        return self._route(method, urlsplit(target).path.rstrip("/"), data)

    def _route(self, method: str, path: str, data: Any) -> Answer:
        if path == "/messages" and method == "POST":
            return self._send(data)
        if path == "/webhooks" and method == "GET":
            return 200, list(self.webhooks.values()), {}
        if path == "/webhooks" and method == "POST":
            hook = {**data, "id": data.get("id") or nano_id(), "deviceId": DEVICE_ID, "source": "Local"}
            self.webhooks[hook["id"]] = hook
            return 201, hook, {}
        if path.startswith("/webhooks/") and method == "DELETE":
            self.webhooks.pop(path.rsplit("/", 1)[1], None)
            return 200, {}, {}
        if path == "/settings" and method == "PATCH":
            for section, values in data.items():
                self.settings.setdefault(section, {}).update(values)
            return 200, self.settings, {}
        if path == "/settings" and method == "GET":
            return 200, self.settings, {}
        return _error(404, "Not Found")

    def _send(self, data: Any) -> Answer:
        problem = shape_problem(data) if isinstance(data, dict) else "expected a JSON object"
        if problem is not None:
            return _error(400, problem)
        sent = Sent(data.get("id") or nano_id(), data["phoneNumbers"][0], data["textMessage"]["text"], data)
        with self._cond:
            self._sent.append(sent)
            self._cond.notify_all()
        if self.on_message is not None:
            self.on_message(sent)
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        recipients = [{"phoneNumber": n, "state": "Pending", "error": None} for n in data["phoneNumbers"]]
        state = {
            "id": sent.id,
            "deviceId": DEVICE_ID,
            "state": "Pending",
            "isHashed": False,
            "isEncrypted": False,
            "recipients": recipients,
            "states": {"Pending": now},
        }
        return 202, state, {"Location": f"/messages/{sent.id}"}

    def start(self) -> Self:
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


def main() -> None:
    """Run the stub in the foreground (the benchmark's phone, or a demo with --show)."""
    parser = argparse.ArgumentParser(description="SMS Gateway for Android API stub")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--username", default=USERNAME)
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--show", action="store_true", help="print each accepted message")
    args = parser.parse_args()
    show = (lambda sent: print(f"{sent.id} -> {sent.to}: {sent.text}", flush=True)) if args.show else None
    stub = AndroidStub(args.username, args.password, args.port, on_message=show)
    asyncio.run(stub.http.serve(lambda port: print(f"listening {port}", flush=True)))


if __name__ == "__main__":
    main()
