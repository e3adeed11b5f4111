"""What a view needs from the app: the runtime built at start-up, and the phone typed in a form in E.164."""

from __future__ import annotations

from flask import current_app

from dialogs.phones import normalize_phone
from f0care.runtime import Runtime


def runtime() -> Runtime:
    """The service's runtime (database, program, outbox, clock) this app was made with."""
    found: Runtime = current_app.extensions["f0care"]
    return found


def e164(typed: str) -> str | None:
    """A phone number as typed in a form ("0912 345 678"), in E.164; None when it is no phone number."""
    return normalize_phone(typed.strip()[:32], runtime().config.service.country) if typed.strip() else None
