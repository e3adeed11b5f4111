"""The USSD endpoint is posted by a gateway, not a browser: exempt from the pages' CSRF check."""

from __future__ import annotations

from f0care.app import create_app
from f0care.runtime import Runtime
from tests.integration.test_ussd import TOKEN, config

__all__ = ["config"]  # the USSD-enabled config fixture

FORM = {"sessionId": "s1", "phoneNumber": "+84977000111", "text": ""}


def test_the_menu_answers_without_a_csrf_token_while_the_pages_forms_still_need_one(runtime: Runtime) -> None:
    client = create_app(runtime).test_client()
    response = client.post(f"/ussd?token={TOKEN}", data=FORM)
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("CON ")
    assert client.post("/staff/login", data={"phone": "0912345678"}).status_code == 400
