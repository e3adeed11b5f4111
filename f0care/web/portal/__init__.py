"""The patient web portal: register, confirm, log in, today's report, history, guidance.

Pages in the browser for the same application service as SMS and USSD: every action is the SMS
the patient's phone would send (`actions`), checked by the dialogs (`dialogs.forms`). The shared
web machinery (sessions, CSRF, login codes, the base template) is `f0care.web`'s.
"""

from __future__ import annotations

from flask import Flask

from f0care.web import auth
from f0care.web.portal import patient, public

__all__ = ["install"]


def install(app: Flask) -> None:
    """The portal's pages at `/`, `/register`, `/login`, `/today`, `/history`, `/guidance`."""
    app.register_blueprint(public.bp)
    app.register_blueprint(patient.bp)
    auth.set_login_view(app, patient.bp.name, f"{patient.bp.name}.login")
