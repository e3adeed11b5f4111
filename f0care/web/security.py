"""The web pages' protections: CSRF tokens on every POST, cookie flags, 12-hour sessions, security headers."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, Response, request
from flask_wtf.csrf import CSRFProtect

from f0care.web.sessions import CookieSessions

SESSION_HOURS = 12
# No inline script or style anywhere: pages load /web/static/*.js and *.css only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def install(app: Flask, secret_key: str, public_url: str, providers: Collection[str] = ()) -> CSRFProtect:
    """Sessions, cookies and CSRF for `app`; every POST needs a token unless its blueprint or view is exempt.

    The security headers go on every response but those of the `providers` blueprints (webhooks
    answered to a provider, never shown by a browser: the headers would only cost bytes and time).
    """
    app.secret_key = secret_key
    app.session_interface = CookieSessions(providers)
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
    app.after_request(_headers_except(frozenset(providers)))
    return csrf


def exempt(app: Flask, target: Blueprint | Callable[..., Any] | str) -> None:
    """No CSRF token asked of `target` (a blueprint, a view function or "module.view"): non-browser endpoints."""
    csrf: CSRFProtect = app.extensions["csrf"]
    csrf.exempt(target)


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def _headers_except(providers: frozenset[str]) -> Callable[[Response], Response]:
    def _headers(response: Response) -> Response:
        """The security headers, unless a view set one itself (one pass over the headers)."""
        if request.blueprint in providers:
            return response
        present = {name.lower() for name, _value in response.headers}
        for name, value in HEADERS:
            if name.lower() not in present:
                response.headers.add(name, value)
        return response

    return _headers
