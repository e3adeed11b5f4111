"""The USSD endpoint is posted by a gateway, not a browser: exempt from the pages' CSRF check.

Runs once Flask-WTF is installed (the web console brings it); skipped before.
"""

from __future__ import annotations

import pytest
from flask import Flask

from f0care import ussd
from f0care.app import create_app
from f0care.runtime import Runtime
from tests.integration.test_ussd import TOKEN, config

__all__ = ["config"]  # the USSD-enabled config fixture

csrf = pytest.importorskip("flask_wtf.csrf")
FORM = {"sessionId": "s1", "phoneNumber": "+84977000111", "text": ""}


def with_a_form(app: Flask) -> Flask:
    app.secret_key = "test-secret-key-" + "0" * 16

    @app.post("/a-form")
    def a_form() -> str:
        return "posted"

    return app


@pytest.mark.parametrize("csrf_first", [True, False])
def test_the_menu_works_with_csrf_installed_before_or_after_it_and_forms_still_need_a_token(
    runtime: Runtime, csrf_first: bool
) -> None:
    if csrf_first:
        app = with_a_form(Flask("f0care"))
        csrf.CSRFProtect(app)
        ussd.install(app, runtime)
    else:
        app = with_a_form(create_app(runtime))
        csrf.CSRFProtect(app)
    client = app.test_client()
    response = client.post(f"/ussd?token={TOKEN}", data=FORM)
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("CON ")
    assert client.post("/a-form").status_code == 400
