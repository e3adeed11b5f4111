"""Webhook events as SMS Gateway for Android posts them: the JSON body, `X-Signature` and `X-Timestamp`.

The app signs `body + timestamp` with HMAC-SHA256 under its signing key and sends the hex digest
(its PayloadSingingPlugin); the event is `{id, webhookId, event, deviceId, payload}`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.support.android_stub import DEVICE_ID

WEBHOOK = "/sms/android"
SECRET = "tests-android-" + "3b7e" * 6  # made up; the phone's webhook signing key
SIM_NUMBER = "+84900000001"  # the phone's own SIM, as a recipient


def sign(secret: str, body: bytes, timestamp: str) -> str:
    """The app's X-Signature: hex HMAC-SHA256 of the body followed by the timestamp."""
    return hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def received(sender: str, text: str, message_id: str = "msg-1") -> dict[str, Any]:
    """The payload of `sms:received`."""
    return {
        "messageId": message_id,
        "message": text,
        "sender": sender,
        "recipient": SIM_NUMBER,
        "phoneNumber": sender,
        "simNumber": 1,
        "receivedAt": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }


def receipt(message_id: str, to: str, event: str) -> dict[str, Any]:
    """The payload of `sms:sent`, `sms:delivered` or `sms:failed` for a message we sent."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    payload: dict[str, Any] = {
        "messageId": message_id,
        "sender": SIM_NUMBER,
        "recipient": to,
        "phoneNumber": to,
        "simNumber": 1,
    }
    if event == "sms:sent":
        payload.update(partsCount=1, sentAt=now)
    elif event == "sms:delivered":
        payload["deliveredAt"] = now
    else:
        payload.update(failedAt=now, reason="RESULT_ERROR_GENERIC_FAILURE")
    return payload


@dataclass
class Events:
    """Makes signed webhook posts: `signed(event, payload)` -> (body, headers) for any HTTP client."""

    secret: str = SECRET
    clock: Any = field(default=time.time)  # Unix seconds, as the phone's clock says
    _ids: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**9)))

    def body(self, event: str, payload: dict[str, Any], event_id: str | None = None) -> bytes:
        data = {
            "id": event_id or f"evt{next(self._ids):08d}",
            "webhookId": f"f0care-{event.replace(':', '-')}",
            "event": event,
            "deviceId": DEVICE_ID,
            "payload": payload,
        }
        return json.dumps(data).encode()

    def headers(self, body: bytes, secret: str | None = None, timestamp: int | None = None) -> dict[str, str]:
        stamp = str(int(self.clock()) if timestamp is None else timestamp)
        return {
            "Content-Type": "application/json",
            "X-Signature": sign(secret or self.secret, body, stamp),
            "X-Timestamp": stamp,
        }

    def signed(self, event: str, payload: dict[str, Any], event_id: str | None = None) -> tuple[bytes, dict[str, str]]:
        body = self.body(event, payload, event_id)
        return body, self.headers(body)
