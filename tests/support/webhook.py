"""A client for a running service's Twilio webhook: inbound SMS posted and signed as Twilio does, TwiML read back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

import requests

from tests.support.service import ACCOUNT_SID, AUTH_TOKEN, SERVICE_NUMBER
from tests.support.signing import WEBHOOK, inbound_form, sign


@dataclass
class Webhook:
    """Inbound SMS posted to a running service's `/sms/twilio` as Twilio posts them, signed over `base_url`."""

    base_url: str
    token: str = AUTH_TOKEN
    http: requests.Session = field(default_factory=requests.Session)
    _next_sid: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**9)))

    def params(self, sender: str, text: str, sid: str | None = None) -> dict[str, str]:
        return inbound_form(sender, SERVICE_NUMBER, text, sid or f"SM{next(self._next_sid):032x}", ACCOUNT_SID)

    def signature(self, params: dict[str, str], token: str | None = None) -> str:
        return sign(token or self.token, self.base_url + WEBHOOK, params)

    def post(
        self,
        params: dict[str, str],
        headers: dict[str, str] | None = None,
        http: requests.Session | None = None,
        timeout: float = 20,
    ) -> requests.Response:
        """POST the form; signed unless `headers` say otherwise ({} posts no signature)."""
        if headers is None:
            headers = {"X-Twilio-Signature": self.signature(params)}
        return (http or self.http).post(self.base_url + WEBHOOK, data=params, headers=headers, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def sms(self, sender: str, text: str, http: requests.Session | None = None) -> str:
        """One signed SMS that must be answered with 200; the TwiML reply text."""
        response = self.post(self.params(sender, text), http=http)
        assert response.status_code == 200, (text, response.status_code, response.text)
        return reply_text(response)


def reply_text(response: requests.Response) -> str:
    """The text of a TwiML answer ('' for an empty <Response/>)."""
    assert response.headers["Content-Type"].startswith("text/xml"), response.headers
    root = ElementTree.fromstring(response.text)
    assert root.tag == "Response", response.text
    return "\n".join(m.text or "" for m in root.iter("Message"))
