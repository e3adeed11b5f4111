"""Sending through an Android phone with a local SIM: SMS Gateway for Android, through its own client.

`POST {base_url}/messages` with Basic auth (the `android-sms-gateway` client builds the request:
`{"phoneNumbers": [to], "textMessage": {"text": body}, "withDeliveryReport": true, ...}`); the
phone answers 202 with the message's id and state. The outbox treats the answer as it treats
Twilio's: accepted (its id is kept for the `sms:sent`/`sms:delivered`/`sms:failed` webhooks),
a transient failure (network, timeout, 401/403 while the phone's password is being fixed, 429,
5xx and the app's 503 "queue limits exceeded") retried with backoff, or a permanent one (400:
a number or text the phone refuses) failed at once and flagged for a phone call.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from android_sms_gateway import APIClient, Message, TextMessage
from android_sms_gateway.enums import ProcessState
from android_sms_gateway.errors import APIError
from android_sms_gateway.http import RequestsHttpClient

from models.redact import DIGIT_RUN
from sms_gateway.retry_after import RetryAfter
from sms_gateway.wire import SendResult

logger = logging.getLogger("f0care.sms")

# What the phone's states mean for our records (the outbox marks an accepted message "sent";
# the webhooks then move it on to delivered or failed).
STATES = {
    ProcessState.Pending: "queued",
    ProcessState.Processed: "sending",
    ProcessState.Sent: "sent",
    ProcessState.Delivered: "delivered",
    ProcessState.Failed: "failed",
}
# A failure the phone will take back once fixed: the gateway's fault, not the message's or the patient's.
TRANSIENT_STATUS = frozenset({401, 403, 408, 425, 429})
MIN_SECRET_SHOWN = 4  # a shorter password is not blanked out of error texts (it would garble them)


class _Session(requests.Session):
    """A session with a timeout on every request (requests has none), keeping the last Retry-After per thread."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self._retry_after = RetryAfter()

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        self._retry_after.forget()
        response = super().request(method, url, *args, **kwargs)
        self._retry_after.keep(response.headers)
        return response

    def last_retry_after(self) -> float | None:
        """Seconds from the last answer's Retry-After header on this thread, if numeric."""
        return self._retry_after.seconds()


def client(base_url: str, username: str, password: str, timeout: float = 10.0) -> tuple[APIClient, _Session]:
    """The library's client on a session of our own (timeout, Retry-After); usable without `with`."""
    session = _Session(timeout)
    return APIClient(username, password, base_url=base_url, http=RequestsHttpClient(session)), session


class AndroidSender:
    """Sends SMS through SMS Gateway for Android (the phone's local server, or the vendor's cloud)."""

    def __init__(self, base_url: str, username: str, password: str, timeout: float = 10.0) -> None:
        self._password = password
        self._client, self._session = client(base_url, username, password, timeout)

    def send(
        self,
        to: str,
        body: str,
        *,
        status_callback: str | None = None,
        sensitive: bool = False,
    ) -> SendResult:
        """Hand one SMS to the phone; failures come back as a classified SendResult (never raises)."""
        message = Message(phone_numbers=[to], text_message=TextMessage(body), with_delivery_report=True)
        try:
            state = self._client.send(message)
        except APIError as exc:
            return self._api_failure(exc, body, sensitive)
        except (requests.RequestException, OSError) as exc:
            text = f"network error: {type(exc).__name__}: {exc}"
            return SendResult(ok=False, error=self._scrub(text, body, sensitive), retryable=True)
        except (KeyError, ValueError, TypeError) as exc:
            # Accepted or not, the answer cannot be read: sending again risks a duplicate, never a loss.
            text = f"unreadable answer from the phone: {type(exc).__name__}"
            return SendResult(ok=False, error=text, retryable=True)
        if state.state is ProcessState.Failed:
            reason = next((r.error for r in state.recipients if r.error), None) or "failed"
            text = f"the phone refused the message: {reason}"
            return SendResult(ok=False, error=self._scrub(text, body, sensitive), retryable=False)
        return SendResult(ok=True, provider_sid=state.id, status=STATES.get(state.state))

    def _api_failure(self, exc: APIError, body: str, sensitive: bool) -> SendResult:
        status = exc.status_code or 0
        retryable = status in TRANSIENT_STATUS or status >= 500
        detail = (exc.response or {}).get("message") if isinstance(exc.response, dict) else None
        text = f"SMS gateway HTTP {status}: {detail or type(exc).__name__}"
        return SendResult(
            ok=False,
            error=self._scrub(text, body, sensitive),
            retryable=retryable,
            retry_after=self._session.last_retry_after() if retryable else None,
        )

    def _scrub(self, text: str, body: str, sensitive: bool) -> str:
        if len(self._password) >= MIN_SECRET_SHOWN:
            text = text.replace(self._password, "***")
        if sensitive:
            if body:
                text = text.replace(body, "[redacted]")
            for code in set(DIGIT_RUN.findall(body)):
                text = text.replace(code, "******")
        return text
