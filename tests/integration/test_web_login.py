"""Logging in to the web pages by SMS code: codes kept as digests, the patients' code limits, no probing of
numbers, CSRF on every form, cookie flags and security headers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlmodel import Session, col

from f0care.app import create_app
from f0care.cli.simulator import WEBHOOK, sign
from f0care.runtime import Runtime
from f0care.web.codes import Checked, check_code, send_code
from models.tables import Message
from models.web_tables import LoginCode
from tests.integration.journeys import NURSE, UNKNOWN
from tests.support.fakes import Clock, RecordingSender
from tests.support.phone import Phone
from tests.support.web import last_code, log_in, post, token


def test_a_staff_member_logs_in_with_the_code_sent_to_her_phone(client: FlaskClient, sender: RecordingSender) -> None:
    form = client.get("/staff/login").get_data(as_text=True)
    assert 'name="phone"' in form
    asked = post(client, "/staff/login", {"phone": "0912 000 002"})
    assert 'name="code"' in asked.get_data(as_text=True)
    assert len(sender.sent[NURSE]) == 1
    done = post(client, "/staff/login", {"phone": "0912 000 002", "code": last_code(sender, NURSE)})
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200


def test_the_code_is_stored_only_as_a_digest_and_sent_as_a_sensitive_sms(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    post(client, "/staff/login", {"phone": NURSE})
    code = last_code(sender, NURSE)
    with Session(runtime.db) as session:
        stored = session.execute(select(LoginCode)).scalars().all()
        sms = session.execute(select(Message).where(col(Message.phone) == NURSE)).scalars().all()
    assert len(stored) == 1
    assert code not in stored[0].digest
    assert [(m.kind, m.sensitive) for m in sms] == [("otp", True)]
    assert all(code not in m.body for m in sms)  # redacted once delivered


def test_an_unknown_number_gets_the_same_page_and_no_sms(client: FlaskClient, sender: RecordingSender) -> None:
    staff = post(client, "/staff/login", {"phone": NURSE}).get_data(as_text=True)
    stranger = post(client, "/staff/login", {"phone": UNKNOWN}).get_data(as_text=True)
    assert stranger.replace("0933444555", "X").replace("***555", "X").count('name="code"') == 1
    assert UNKNOWN not in sender.sent
    wrong_staff = post(client, "/staff/login", {"phone": NURSE, "code": "000000"}).get_data(as_text=True)
    wrong_stranger = post(client, "/staff/login", {"phone": UNKNOWN, "code": "000000"}).get_data(as_text=True)
    assert "Còn 4 lần thử" in wrong_staff
    assert "Còn 4 lần thử" in wrong_stranger
    assert client.get("/staff/").status_code == 302  # and nobody is logged in
    assert staff.count('name="code"') == 1


def test_five_wrong_codes_spend_the_code_and_a_right_one_works_once(runtime: Runtime, sender: RecordingSender) -> None:
    assert send_code(runtime, NURSE, "staff")
    code = last_code(sender, NURSE)
    wrong = "000000" if code != "000000" else "111111"
    outcomes = [check_code(runtime, NURSE, "staff", wrong).outcome for _ in range(5)]
    assert outcomes == [Checked.WRONG] * 4 + [Checked.LOCKED]
    assert check_code(runtime, NURSE, "staff", code).outcome is Checked.NONE
    assert send_code(runtime, NURSE, "staff")
    fresh = last_code(sender, NURSE)
    assert check_code(runtime, NURSE, "staff", fresh).ok
    assert check_code(runtime, NURSE, "staff", fresh).outcome is Checked.NONE


def test_a_code_expires_after_ten_minutes(runtime: Runtime, sender: RecordingSender, clock: Clock) -> None:
    send_code(runtime, NURSE, "staff")
    clock.advance(minutes=10, seconds=1)
    assert check_code(runtime, NURSE, "staff", last_code(sender, NURSE)).outcome is Checked.EXPIRED


def test_a_number_gets_at_most_five_codes_a_day_per_purpose(
    runtime: Runtime, sender: RecordingSender, clock: Clock
) -> None:
    assert [send_code(runtime, NURSE, "staff") for _ in range(6)] == [True] * 5 + [False]
    assert len(sender.sent[NURSE]) == 5
    assert send_code(runtime, NURSE, "patient")  # another purpose has its own count
    clock.advance(days=1)
    assert send_code(runtime, NURSE, "staff")


def test_a_code_for_one_purpose_does_not_open_another(runtime: Runtime, sender: RecordingSender) -> None:
    send_code(runtime, NURSE, "patient")
    assert check_code(runtime, NURSE, "staff", last_code(sender, NURSE)).outcome is Checked.NONE


def test_a_post_without_the_csrf_token_is_refused_but_the_twilio_webhook_needs_none(
    client: FlaskClient, phone: Callable[[str], Phone], sender: RecordingSender
) -> None:
    assert client.post("/staff/login", data={"phone": NURSE}).status_code == 400
    assert client.post("/staff/login", data={"phone": NURSE, "csrf_token": "forged"}).status_code == 400
    assert NURSE not in sender.sent
    assert phone(UNKNOWN).send("HELP")  # signed webhook, no token: answered


def test_session_cookie_flags_and_security_headers(client: FlaskClient) -> None:
    page = client.get("/staff/login")
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    with client.get("/web/static/style.css") as css:
        assert css.status_code == 200
        assert b"body" in css.data


def test_a_provider_webhook_gets_no_session_and_no_page_headers(client: FlaskClient, runtime: Runtime) -> None:
    """The webhooks are answered to a provider, never to a browser: no cookie, no Vary, no page policy."""
    client.get("/staff/login")  # the client now holds a session cookie, sent along with the webhook
    params = {"From": UNKNOWN, "To": "+84900000000", "Body": "HELP", "MessageSid": "SM" + "7" * 32}
    answer = client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": sign(runtime.config, params)})
    assert answer.status_code == 200
    assert "<Message>" in answer.get_data(as_text=True)
    for header in ("Set-Cookie", "Vary", "Content-Security-Policy", "X-Frame-Options"):
        assert header not in answer.headers, header
    page = client.get("/no-such-page")  # every page, an error page too, keeps them
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in page.headers


def test_sessions_last_twelve_hours_and_cookies_are_secure_behind_https(runtime: Runtime) -> None:
    service = runtime.config.service.model_copy(update={"public_url": "https://f0.example.vn"})
    app = create_app(replace(runtime, config=runtime.config.model_copy(update={"service": service})))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.permanent_session_lifetime == timedelta(hours=12)


def test_logging_out_ends_the_session(client: FlaskClient, sender: RecordingSender) -> None:
    log_in(client, sender, NURSE, NURSE)
    assert client.get("/staff/").status_code == 200
    client.post("/staff/logout", data={"csrf_token": token(client, "/staff/")})
    assert client.get("/staff/").status_code == 302


def test_pages_speak_vietnamese_by_default_and_english_on_request(client: FlaskClient) -> None:
    assert "Số điện thoại" in client.get("/staff/login").get_data(as_text=True)
    assert "Phone number" in client.get("/staff/login?lang=en").get_data(as_text=True)
    assert "Phone number" in client.get("/staff/login").get_data(as_text=True)  # kept in the session
