"""`f0care simulate --ussd`: the USSD menu in the terminal, through the real `POST /ussd` endpoint.

Each line is one input of the session (what the caller types on the keypad); the screens are
printed as the phone shows them. When a screen ends the session (END), the next line dials
again. SMS sent to the phone meanwhile (a one-time code, the full text of a long answer) are
printed with `<`; `--all` also shows SMS to other numbers (staff alerts).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable
from typing import TextIO

import click
from flask.testing import FlaskClient

from dialogs.phones import normalize_phone
from f0care.app import create_app
from f0care.cli.common import prepare_database
from f0care.config import Config
from f0care.runtime import build_runtime
from sms_gateway.senders import ConsoleSender

ENDPOINT = "/ussd"
NETWORK = "45204"  # Viettel's mobile network code; the service does not read it


def _with_menu_on(config: Config) -> Config:
    """The config with the menu on: a simulator runs its own service in this process."""
    if config.ussd.enabled:
        return config
    return config.model_copy(
        update={"ussd": config.ussd.model_copy(update={"enabled": True, "token": secrets.token_urlsafe(24)})}
    )


def run_ussd_simulator(
    config: Config, phone: str, show_all: bool, lines: Iterable[str] | TextIO, interactive: bool
) -> int:
    """Post each line as the next input of a USSD session from `phone`; print the screens."""
    number = normalize_phone(phone, config.service.country)
    if number is None:
        click.echo(f'"{phone}" is not a phone number; try e.g. 0912345678', err=True)
        return 2

    def show(to: str, body: str) -> None:
        if to == number:
            click.echo(f"< SMS: {body}")
        elif show_all:
            click.echo(f"  (SMS to {to}) {body}")

    config = _with_menu_on(config)
    runtime = build_runtime(config, sender=ConsoleSender(sink=show))
    prepare_database(runtime.db)
    post = _poster(create_app(runtime).test_client(), config, number)
    code = config.ussd.service_code or "*384*1234#"
    if interactive:
        click.echo(f"Phone {number} dials {code}. Type each answer and press Enter; Ctrl-D to quit.")
    session, inputs = uuid.uuid4().hex, list[str]()
    click.echo(post(session, inputs))
    for line in lines:
        value = line.strip()
        if not interactive:
            click.echo(f"> {value}")
        inputs.append(value)
        screen = post(session, inputs)
        click.echo(screen)
        if not screen.startswith("CON"):
            session, inputs = uuid.uuid4().hex, []
            click.echo(f"(session ended; dialling {code} again)")
            click.echo(post(session, inputs))
    return 0


def _poster(client: FlaskClient, config: Config, number: str) -> Callable[[str, list[str]], str]:
    def post(session: str, inputs: list[str]) -> str:
        form = {
            "sessionId": session,
            "serviceCode": config.ussd.service_code,
            "phoneNumber": number,
            "networkCode": NETWORK,
            "text": "*".join(inputs),
        }
        response = client.post(ENDPOINT, query_string={"token": config.ussd.token}, data=form)
        if response.status_code != 200:
            return f"! the endpoint answered HTTP {response.status_code}"
        return response.get_data(as_text=True)

    return post
