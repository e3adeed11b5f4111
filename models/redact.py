"""One-time codes are not kept: stored texts that held one are redacted."""

from __future__ import annotations

import re

DIGIT_RUN = re.compile(r"\d{4,}")  # a one-time code (and any other long number)


def redact(body: str) -> str:
    """Replace every run of 4+ digits (a one-time code) with asterisks."""
    return DIGIT_RUN.sub("******", body)
