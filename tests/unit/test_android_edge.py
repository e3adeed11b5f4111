"""The Android webhook's pure parts: the app's signature and how the phone's sender numbers are read."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from sms_gateway.android_webhook import e164, signature


def test_the_signature_is_the_hex_hmac_sha256_of_the_body_followed_by_the_timestamp() -> None:
    body = b'{"id":"Ey6ECgOkVVFjz3CL48B8C","event":"sms:received","payload":{"message":"DK"}}'
    expected = hmac.new(b"whsec-key", body + b"1700000000", hashlib.sha256).hexdigest()
    assert signature("whsec-key", body, "1700000000") == expected
    assert signature("whsec-key", body, "1700000001") != expected
    assert signature("other-key", body, "1700000000") != expected


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ("+84987654321", "+84987654321"),
        ("0987654321", "+84987654321"),
        ("84987654321", "+84987654321"),
        ("+84 987 654 321", "+84987654321"),
        (" 0987654321 ", "+84987654321"),
        ("01681234567", "+84381234567"),  # a pre-2018 number, as old handsets still show it
        ("Viettel", "Viettel"),
        ("9029", "9029"),
    ],
)
def test_a_sender_the_phone_reports_is_read_as_e164_when_it_is_a_number(raw: str, read: str) -> None:
    assert e164(raw, "VN") == read
