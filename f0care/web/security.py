"""The web pages' protections: CSRF tokens on every POST, cookie flags, 12-hour sessions, security headers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, Response
from flask_wtf.csrf import CSRFProtect

SESSION_HOURS = 12
# No inline script or style anywhere: pages load /web/static/*.js and *.css only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def install(app: Flask, secret_key: str, public_url: str) -> CSRFProtect:
    """Sessions, cookies and CSRF for `app`; every POST needs a token unless its blueprint or view is exempt."""
    app.secret_key = secret_key
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=public_url.startswith("https://"),
        SESSION_COOKIE_NAME="f0care_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
        WTF_CSRF_SSL_STRICT=True,
    )
    csrf = CSRFProtect(app)
    app.after_request(_headers)
    return csrf


def exempt(app: Flask, target: Blueprint | Callable[..., Any] | str) -> None:
    """No CSRF token asked of `target` (a blueprint, a view function or "module.view"): non-browser endpoints."""
    csrf: CSRFProtect = app.extensions["csrf"]
    csrf.exempt(target)


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
