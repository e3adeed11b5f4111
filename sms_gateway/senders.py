"""The outbound SMS port and its adapters: a console sender and a Twilio sender."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import (
    TwilioException,
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from dialogs.text import segments
from models.redact import DIGIT_RUN, redact
from sms_gateway.retry_after import RetryAfter
from sms_gateway.wire import SendResult

logger = logging.getLogger("f0care.sms")
# The SDK logs every request's URL and headers at INFO: eleven lines per SMS, about a tenth of
# a sender's time in a fan-out. Its log goes here, quiet unless an operator lowers the level.
http_logger = logging.getLogger("f0care.sms.http")

# Twilio codes where a retry only costs money: bad number, opted out, carrier filter, ...
PERMANENT_CODES = frozenset({21211, 21408, 21610, 21614, 30005, 30006, 30007})


class Sender(Protocol):
    def send(
        self,
        to: str,
        body: str,
        *,
        status_callback: str | None = None,
        sensitive: bool = False,
    ) -> SendResult:
        """Send one SMS to `to`; never raises for a failed send."""
        ...


class ConsoleSender:
    """Logs each message instead of sending it; the sink, if any, gets the real text."""

    def __init__(self, sink: Callable[[str, str], None] | None = None) -> None:
        self._sink = sink

    def send(
        self,
        to: str,
        body: str,
        *,
        status_callback: str | None = None,
        sensitive: bool = False,
    ) -> SendResult:
        """Log the message (OTP digits redacted when sensitive) and pass it to the sink."""
        count = segments(body)
        shown = redact(body) if sensitive else body
        logger.info("SMS to %s (%d seg): %s", to, count, shown)
        if self._sink is not None:
            self._sink(to, body)
        return SendResult(
            ok=True,
            provider_sid=f"CONSOLE-{uuid.uuid4().hex}",
            status="sent",
            segments=count,
        )


class _RoutingHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The SDK's HTTP client, with a default timeout, an optional other API host,
    and the last Retry-After header kept per thread (the SDK's exceptions drop headers)."""

    def __init__(self, api_base_url: str | None, timeout: float) -> None:
        if http_logger.level == logging.NOTSET:
            http_logger.setLevel(logging.WARNING)
        super().__init__(timeout=timeout, logger=http_logger)
        self._base = api_base_url.rstrip("/") if api_base_url else None
        self._retry_after = RetryAfter()

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        self._retry_after.forget()
        if self._base is not None:
            parts = urlsplit(url)
            # Any *.twilio.com host: TWILIO_EDGE/TWILIO_REGION may have renamed api.twilio.com.
            if parts.hostname and parts.hostname.endswith("twilio.com"):
                url = self._base + url[len(f"{parts.scheme}://{parts.netloc}") :]
        response = super().request(method, url, *args, **kwargs)
        self._retry_after.keep(response.headers)
        return response

    def last_retry_after(self) -> float | None:
        """Seconds from the last response's Retry-After header on this thread, if numeric."""
        return self._retry_after.seconds()


class TwilioSender:
    """Sends SMS through Twilio's Messages API (or a compatible API at api_base_url)."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base_url: str | None = None,
        timeout: float = 10.0,
        messaging_service_sid: str | None = None,
    ) -> None:
        self._token = auth_token
        self._from = from_number
        # A messaging service (a pool of numbers) is used instead of one sender number when set.
        self._origin: dict[str, str] = (
            {"messaging_service_sid": messaging_service_sid} if messaging_service_sid else {"from_": from_number}
        )
        self._http = _RoutingHttpClient(api_base_url, timeout)
        self._client = Client(account_sid, auth_token, http_client=self._http)

    def send(
        self,
        to: str,
        body: str,
        *,
        status_callback: str | None = None,
        sensitive: bool = False,
    ) -> SendResult:
        """Create one message with Twilio; failures come back as a classified SendResult."""
        try:
            message = self._client.messages.create(to=to, body=body, status_callback=status_callback, **self._origin)
        except (TwilioRestException, TwilioServiceException) as exc:
            return self._rest_failure(exc, body, sensitive)
        except (requests.RequestException, TwilioException, OSError) as exc:
            text = f"network error: {type(exc).__name__}: {exc}"
            return SendResult(ok=False, error=self._scrub(text, body, sensitive), retryable=True)
        return SendResult(
            ok=True,
            provider_sid=message.sid,
            status=str(message.status) if message.status is not None else None,
            segments=int(message.num_segments) if message.num_segments else None,
        )

    def _rest_failure(self, exc: Any, body: str, sensitive: bool) -> SendResult:
        status = int(exc.status)
        code = int(exc.code) if exc.code is not None else None
        retryable = code not in PERMANENT_CODES and (status == 429 or status >= 500 or code == 20429)
        detail = getattr(exc, "msg", None) or getattr(exc, "detail", None) or exc.title
        text = f"Twilio HTTP {status}, code {code}: {detail}"
        return SendResult(
            ok=False,
            error=self._scrub(text, body, sensitive),
            error_code=code,
            retryable=retryable,
            retry_after=self._http.last_retry_after() if retryable else None,
        )

    def _scrub(self, text: str, body: str, sensitive: bool) -> str:
        if self._token:
            text = text.replace(self._token, "***")
        if sensitive:
            if body:
                text = text.replace(body, "[redacted]")
            for code in set(DIGIT_RUN.findall(body)):
                text = text.replace(code, "******")
        return text
