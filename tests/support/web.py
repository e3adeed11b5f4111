"""The web pages through Flask's test client: CSRF tokens read from the page, logins with the code the phone got."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.fakes import RecordingSender

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
CODE = re.compile(r"\b(\d{6})\b")


def token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on `path` (a GET of it)."""
    page = client.get(path).get_data(as_text=True)
    found = TOKEN.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def post(client: FlaskClient, path: str, data: dict[str, str], form_page: str | None = None) -> TestResponse:
    """POST `data` with the CSRF token of the form on `form_page` (default: `path`)."""
    return client.post(path, data={**data, "csrf_token": token(client, form_page or path)})


def last_code(sender: RecordingSender, phone: str) -> str:
    """The 6-digit code of the latest SMS to `phone`."""
    for text in reversed(sender.sent.get(phone, [])):
        found = CODE.search(text)
        if found:
            return found.group(1)
    raise AssertionError(f"no code was sent to {phone}")


def log_in(
    client: FlaskClient, sender: RecordingSender, phone: str, e164: str, page: str = "/staff/login"
) -> TestResponse:
    """Ask for a code for `phone` (as typed) on `page`, then post the code the phone got."""
    post(client, page, {"phone": phone})
    return post(client, page, {"phone": phone, "code": last_code(sender, e164)})
