"""Inbound SMS as Twilio posts them: the form fields and the `X-Twilio-Signature` over a URL.

One signer for the tests and the benchmarks. It uses twilio's own `RequestValidator`, as Twilio
signs: HMAC-SHA1 with the auth token over the full URL followed by each form field (name, then
value) in name order, base64-encoded.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

WEBHOOK = "/sms/twilio"


def sign(token: str, url: str, params: Mapping[str, str]) -> str:
    """The signature Twilio sends when it posts `params` to `url` with the account's `token`."""
    return Signer(token, url).signature(params)


def webhook_signature(token: str, public_url: str, params: Mapping[str, str], path: str = WEBHOOK) -> str:
    """The signature of a post of `params` to `path` of a service configured with `public_url`."""
    return sign(token, public_url.rstrip("/") + path, params)


class Signer:
    """Signs many posts to one URL with one token: what the benchmarks precompute their request files with."""

    def __init__(self, token: str, url: str) -> None:
        self.url = url
        self._validator = RequestValidator(token)

    def signature(self, params: Mapping[str, str]) -> str:
        """The X-Twilio-Signature of a post of `params` to this URL."""
        return str(self._validator.compute_signature(self.url, dict(params)))

    def encoded(self, params: Mapping[str, str]) -> tuple[str, str]:
        """(signature, urlencoded form body): one line of a pre-signed request file."""
        return self.signature(params), urlencode(params)


def inbound_form(sender: str, to: str, text: str, sid: str, account_sid: str) -> dict[str, str]:
    """The form Twilio posts for an inbound SMS (the fields it sends for a Vietnamese number)."""
    return {
        "ToCountry": "VN",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": text,
        "FromCountry": "VN",
        "To": to,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
