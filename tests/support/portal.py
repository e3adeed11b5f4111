"""A browser in the Flask test client for the patient portal: pages with their CSRF token, forms posted."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.fakes import RecordingSender

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_OTP = re.compile(r"\b(\d{6})\b")

FormData = Mapping[str, str | Sequence[str]]


def token_of(page: str) -> str:
    found = _TOKEN.search(page)
    assert found, "the page has no CSRF token"
    return found.group(1)


def text_of(response: TestResponse) -> str:
    """The page's text as a person reads it (entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


def last_code(sender: RecordingSender, phone: str) -> str:
    """The 6-digit code in the latest SMS to `phone` (registration or login)."""
    for body in reversed(sender.sent.get(phone, [])):
        found = _OTP.search(body)
        if found:
            return found.group(1)
    raise AssertionError(f"no code was sent to {phone}: {sender.sent.get(phone)}")


class Browser:
    """One visitor: its own cookies; every form is posted with the token of the page it came from."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str) -> TestResponse:
        return self.client.get(path)

    def submit(self, path: str, data: FormData, follow: bool = True) -> TestResponse:
        """GET `path`, then POST `data` to it with the page's CSRF token."""
        token = token_of(self.client.get(path, follow_redirects=True).get_data(as_text=True))
        return self.client.post(path, data={**data, "csrf_token": token}, follow_redirects=follow)

    def register(self, phone: str, **fields: str | Sequence[str]) -> TestResponse:
        data: dict[str, str | Sequence[str]] = {
            "name": "Nguyễn Văn An",
            "dob": "1980",
            "area": "Trần Phú",
            "phone": phone,
            "test_date": "hom nay",
            "symptoms": "no",
            "risks": [],
        }
        data.update(fields)
        return self.submit("/register", data)

    def login(self, phone: str, sender: RecordingSender) -> TestResponse:
        self.submit("/login", {"phone": phone})
        return self.submit("/login", {"phone": phone, "code": last_code(sender, phone)})

    def declare(self, **values: str | Sequence[str]) -> TestResponse:
        answers: dict[str, str | Sequence[str]] = {
            "spo2": "98",
            "breaths": "18",
            "pulse": "86",
            "temperature": "37",
            "breathless": "no",
            "signs": [],
        }
        answers.update(values)
        return self.submit("/today", answers)
