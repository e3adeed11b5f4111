"""The web pages (staff console, patient portal): sessions, CSRF, logins by SMS code, one base template.

`install(app, runtime)` is called once by the app factory. Features add their blueprint and call
`exempt(app, blueprint)` for endpoints that browsers do not post to (provider webhooks).
Views hold no logic: actions go through `Runtime.receive`, reads through `models` queries.
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request
from werkzeug.exceptions import BadRequest, NotFound

from dialogs.render import local_now, national
from f0care import ussd
from f0care.runtime import Runtime
from f0care.web import auth, i18n, security
from f0care.web.security import exempt
from sms_gateway import android_webhook, twilio_webhook

__all__ = ["exempt", "install"]

bp = Blueprint("web", __name__, static_folder="static", static_url_path="/web/static", template_folder="templates")
# Posted by providers, not browsers: signed (webhooks) or token-checked (USSD), no CSRF token.
NON_BROWSER = (twilio_webhook.bp, android_webhook.bp, ussd.bp)


def install(app: Flask, runtime: Runtime) -> None:
    """Sessions, CSRF, the login manager, the page language, the shared templates and static files."""
    config = runtime.config
    providers = {blueprint.name for blueprint in NON_BROWSER}
    security.install(app, config.service.secret_key, config.service.public_url, providers)
    for blueprint in NON_BROWSER:
        exempt(app, blueprint)
    auth.install(app, config)
    app.register_blueprint(bp)
    zone = runtime.program.timezone
    app.jinja_env.globals.update(
        t=i18n.t,
        language=i18n.language,
        service_name=config.service.name,
        local=lambda moment: local_now(moment, zone).strftime("%H:%M %d/%m"),
        national=national,
    )
    app.context_processor(lambda: {"url_endpoints": app.view_functions.keys()})
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(BadRequest, _bad_request)


def _for_browser() -> bool:
    return not request.path.startswith("/sms/") and request.accept_mimetypes.accept_html


def _not_found(error: NotFound) -> NotFound | tuple[str, int]:
    """A page in the page language for browsers (never a hint of what exists); the plain error otherwise."""
    if not _for_browser():
        return error
    return render_template("error.html", message=i18n.t("not_found")), 404


def _bad_request(error: BadRequest) -> BadRequest | tuple[str, int]:
    if not _for_browser():
        return error
    return render_template("error.html", message=i18n.t("bad_request")), 400
