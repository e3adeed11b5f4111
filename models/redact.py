"""One-time codes are not kept: stored texts that held one are redacted."""

from __future__ import annotations

import re

_CODE = re.compile(r"\d{4,}")


def redact(body: str) -> str:
    """Replace every run of 4+ digits (a one-time code) with asterisks."""
    return _CODE.sub("******", body)
