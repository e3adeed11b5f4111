"""The staff web console under /staff: login by SMS code, the dashboard's line lists, patient pages, actions.

Feature modules add their routes to `bp` (import them below); `install` registers it.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from f0care.web.auth import set_login_view

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")

# Routes, registered on `bp` when imported (after `bp` exists).
from f0care.web.staff import actions, dashboard, login, operator, patient  # noqa: E402,F401  isort: skip


def install(app: Flask) -> None:
    """Serve the staff console in `app` (after `f0care.web.install`)."""
    app.register_blueprint(bp)
    set_login_view(app, bp.name, "staff.login")
