"""`f0care gateway android webhooks [--register]`: the phone's webhooks, listed and registered through its API."""

from __future__ import annotations

import click
import requests
from android_sms_gateway.errors import APIError

from f0care.cli.common import EXIT_CONFIG, load
from sms_gateway import android_phone
from sms_gateway.android_sender import client

EXIT_PHONE = 1  # the phone could not be reached or refused the request


def register(main: click.Group) -> None:
    main.add_command(gateway)


@click.group()
def gateway() -> None:
    """The SMS gateway's own settings."""


@gateway.group()
def android() -> None:
    """SMS Gateway for Android (gateway.android in config.yaml)."""


@android.command()
@click.option("--register", "do_register", is_flag=True, help="set the signing key and register the four webhooks")
@click.pass_context
def webhooks(ctx: click.Context, do_register: bool) -> None:
    """List the webhooks on the phone; --register points sms:received/sent/delivered/failed at this service."""
    config = load(ctx)
    phone = config.gateway.android
    needed = ["base_url", "username", "password"] + (["webhook_secret"] if do_register else [])
    missing = [key for key in needed if not getattr(phone, key)]
    if missing:
        keys = ", ".join(f"gateway.android.{key}" for key in missing)
        click.echo(f"config error: {keys} must be set (the app's Local server screen shows them)", err=True)
        ctx.exit(EXIT_CONFIG)
    api, _session = client(phone.base_url, phone.username, phone.password, phone.timeout_seconds)
    public_url = config.service.public_url
    try:
        if do_register:
            hooks = android_phone.register(api, public_url, phone.webhook_secret)
            click.echo(f"signing key set; webhooks registered for {android_phone.webhook_url(public_url)}")
        else:
            hooks = android_phone.list_hooks(api, public_url)
    except APIError as error:
        detail = (error.response or {}).get("message") if isinstance(error.response, dict) else None
        click.echo(f"the phone at {phone.base_url} answered HTTP {error.status_code}: {detail or error}", err=True)
        ctx.exit(EXIT_PHONE)
        return
    except (requests.RequestException, OSError, ValueError) as error:
        click.echo(f"the phone at {phone.base_url} could not be read: {type(error).__name__}: {error}", err=True)
        ctx.exit(EXIT_PHONE)
        return
    show(hooks)


def show(hooks: list[android_phone.Hook]) -> None:
    """One line per webhook, ours marked, then what is missing."""
    if not hooks:
        click.echo("no webhooks on the phone")
    for hook in hooks:
        mark = "*" if hook.ours else " "
        click.echo(f"{mark} {hook.event:<14} {hook.url}  (id {hook.id})")
    missing = android_phone.missing_events(hooks)
    if missing:
        click.echo(f"missing: {', '.join(missing)}; run `f0care gateway android webhooks --register`")
    else:
        click.echo("all four events reach this service (* = ours)")
