"""Signed-cookie sessions that cost nothing to a request that has none.

Flask's own interface builds an itsdangerous serializer twice per request, and answers every
request whose session was merely looked at with `Vary: Cookie`, even a provider's webhook that
never has a cookie. At hundreds of webhooks a second that is measurable (issue 10's benchmark), so:
the provider routes get Flask's null session (read-only, never saved); elsewhere no cookie means no
serializer, an untouched empty session is not saved, and the serializer is built once per secret.
"""

from __future__ import annotations

from collections.abc import Collection

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
    def __init__(self, providers: Collection[str] = ()) -> None:
        self._providers = frozenset(providers)  # blueprints posted to by providers, not browsers
        self._provider_paths: frozenset[str] | None = None
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        if keys not in self._serializers:
            serializer = super().get_signing_serializer(app)
            if serializer is None:
                return None
            self._serializers[keys] = serializer
        return self._serializers[keys]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path in self._paths(app):
            return None  # Flask's null session: nothing read, nothing saved
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # nothing to read: no serializer needed
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # never used, nothing to set or delete, no Vary: Cookie
        super().save_session(app, session, response)

    def _paths(self, app: Flask) -> frozenset[str]:
        """The providers' routes (the session opens before the URL is matched, so by path)."""
        if self._provider_paths is None:
            self._provider_paths = frozenset(
                rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.partition(".")[0] in self._providers
            )
        return self._provider_paths
