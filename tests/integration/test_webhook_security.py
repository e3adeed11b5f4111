"""The webhook answers only what Twilio signed, over the public URL; /healthz tells the truth about the database."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from twilio.request_validator import RequestValidator

from f0care.app import create_app
from f0care.cli.simulator import WEBHOOK
from f0care.config import Config
from f0care.runtime import Runtime, build_runtime
from models.db import create_schema, make_engine
from models.tables import Contact, Message
from tests.integration.journeys import PATIENT, rows
from tests.support.fakes import Clock, RecordingSender
from tests.support.signing import sign, webhook_signature

PUBLIC_URL = "https://f0.haiduong.example.vn"


def form(body: str = "DK") -> dict[str, str]:
    return {"From": PATIENT, "To": "+84900000000", "Body": body, "MessageSid": "SM" + "5" * 32}


def signature(config: Config, params: dict[str, str]) -> str:
    return webhook_signature(config.webhook_auth_token, config.service.public_url, params)


def assert_nothing_stored(runtime: Runtime) -> None:
    assert rows(runtime.db, Message) == []
    assert rows(runtime.db, Contact) == []


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}, id="forged"),
        pytest.param({}, id="missing"),
        pytest.param({"X-Twilio-Signature": ""}, id="empty"),
        pytest.param({"X-Twilio-Signature": "chữ ký giả"}, id="not-ascii"),
    ],
)
def test_a_post_without_a_valid_signature_is_refused_and_nothing_is_stored(
    client: FlaskClient, runtime: Runtime, headers: dict[str, str]
) -> None:
    response = client.post(WEBHOOK, data=form(), headers=headers)
    assert response.status_code == 403
    assert_nothing_stored(runtime)


def test_a_signature_over_another_url_is_refused_and_nothing_is_stored(
    client: FlaskClient, runtime: Runtime, config: Config
) -> None:
    params = form()
    forged = sign(config.webhook_auth_token, "https://evil.example.com" + WEBHOOK, params)
    assert client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": forged}).status_code == 403
    assert_nothing_stored(runtime)


def test_a_signature_made_with_another_token_is_refused_and_nothing_is_stored(
    client: FlaskClient, runtime: Runtime, config: Config
) -> None:
    params = form()
    url = config.service.public_url + WEBHOOK
    forged = sign("some-other-auth-token", url, params)
    assert client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": forged}).status_code == 403
    assert_nothing_stored(runtime)


def test_a_body_changed_after_signing_is_refused_and_nothing_is_stored(
    client: FlaskClient, runtime: Runtime, config: Config
) -> None:
    params = form("DK")
    good = signature(config, params)
    tampered = {**params, "Body": "CUU"}
    assert client.post(WEBHOOK, data=tampered, headers={"X-Twilio-Signature": good}).status_code == 403
    assert_nothing_stored(runtime)


def test_a_correct_signature_is_answered_with_twiml(client: FlaskClient, config: Config, runtime: Runtime) -> None:
    params = form()
    response = client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": signature(config, params)})
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert "<Message>" in response.get_data(as_text=True)
    assert len(rows(runtime.db, Message, Message.direction == "in")) == 1


@pytest.mark.parametrize(
    "signed_url", [PUBLIC_URL + ":443" + WEBHOOK, PUBLIC_URL + WEBHOOK], ids=["port", "as-configured"]
)
def test_the_url_is_signed_with_or_without_its_default_port_and_one_hmac_settles_the_usual_case(
    proxied: tuple[FlaskClient, Runtime, Config], monkeypatch: pytest.MonkeyPatch, signed_url: str
) -> None:
    """Twilio's back end signs either form (the SDK's check); the configured URL is tried first."""
    client, runtime, config = proxied
    params = form()
    signature = sign(config.webhook_auth_token, signed_url, params)
    signed: list[str] = []
    compute = RequestValidator.compute_signature

    def recording(self: RequestValidator, uri: str, params: dict[str, str], *rest: object) -> str:
        signed.append(uri)
        return compute(self, uri, params)  # type: ignore[no-any-return]

    monkeypatch.setattr(RequestValidator, "compute_signature", recording)
    response = client.post("http://localhost" + WEBHOOK, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    assert len(rows(runtime.db, Message, Message.direction == "in")) == 1
    assert signed[0] == PUBLIC_URL + WEBHOOK
    assert len(signed) == (1 if signed_url == PUBLIC_URL + WEBHOOK else 3)


# --- behind a proxy: the service sees http://localhost, Twilio signed the public URL ------------------


@pytest.fixture
def proxied(config: Config, clock: Clock) -> Iterator[tuple[FlaskClient, Runtime, Config]]:
    """The service configured with a public https URL, reached through a proxy on localhost."""
    service = config.service.model_copy(update={"public_url": PUBLIC_URL})
    public = config.model_copy(update={"service": service})
    db = make_engine("sqlite://")
    create_schema(db)
    runtime = build_runtime(public, sender=RecordingSender(), db=db, clock=clock)
    yield create_app(runtime).test_client(), runtime, public
    db.dispose()


def test_behind_a_proxy_the_signature_over_the_public_url_and_query_string_is_accepted(
    proxied: tuple[FlaskClient, Runtime, Config],
) -> None:
    client, runtime, config = proxied
    params = form()
    signed = sign(config.webhook_auth_token, PUBLIC_URL + WEBHOOK + "?x=1", params)
    response = client.post("http://localhost" + WEBHOOK + "?x=1", data=params, headers={"X-Twilio-Signature": signed})
    assert response.status_code == 200
    assert len(rows(runtime.db, Message, Message.direction == "in")) == 1


def test_behind_a_proxy_a_signature_that_leaves_out_the_query_string_is_refused(
    proxied: tuple[FlaskClient, Runtime, Config],
) -> None:
    client, runtime, config = proxied
    params = form()
    signed = sign(config.webhook_auth_token, PUBLIC_URL + WEBHOOK, params)
    response = client.post("http://localhost" + WEBHOOK + "?x=1", data=params, headers={"X-Twilio-Signature": signed})
    assert response.status_code == 403
    assert_nothing_stored(runtime)


def test_behind_a_proxy_a_signature_over_the_local_url_is_refused(
    proxied: tuple[FlaskClient, Runtime, Config],
) -> None:
    client, runtime, config = proxied
    params = form()
    signed = sign(config.webhook_auth_token, "http://localhost" + WEBHOOK, params)
    response = client.post("http://localhost" + WEBHOOK, data=params, headers={"X-Twilio-Signature": signed})
    assert response.status_code == 403
    assert_nothing_stored(runtime)


# --- /healthz --------------------------------------------------------------------------------------


def test_healthz_is_200_while_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(
    params=[
        pytest.param("sqlite:////nonexistent-f0care-dir/sub/f0care.db", id="sqlite-unwritable-path"),
        pytest.param("postgresql+psycopg://f0:f0@127.0.0.1:{port}/f0care?connect_timeout=2", id="postgres-closed-port"),
    ]
)
def unreachable(request: pytest.FixtureRequest, runtime: Runtime) -> Iterator[Engine]:
    """The running service's database replaced by one that cannot be reached."""
    engine = make_engine(str(request.param).format(port=closed_port()))
    working, runtime.db = runtime.db, engine
    yield engine
    runtime.db = working
    engine.dispose()


def test_healthz_is_503_when_the_database_is_unreachable(unreachable: Engine, app: Flask) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"
