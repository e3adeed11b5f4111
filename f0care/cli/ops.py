"""The operator's commands: `f0care inbound replay`, `f0care optout list|undo` (and, via `register`,
the data commands: backup, restore, purge, alarms). Tables for people, `--json` for scripts."""

from __future__ import annotations

import click
from sqlalchemy.engine import Engine

from dialogs.phones import normalize_phone
from f0care.cli.common import EXIT_CONFIG, load, prepare_database
from f0care.cli.data import register as register_data
from f0care.cli.output import local, operator, parse_since, show
from f0care.config import Config
from f0care.replay import replay_failed_inbound
from f0care.runtime import build_runtime
from models import operations
from models.clock import utcnow
from models.db import make_engine

_JSON = click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
_BY = click.option("--by", default=None, help="who does it (default: the OS user); kept with the record")


def register(main: click.Group) -> None:
    main.add_command(inbound)
    main.add_command(optout)
    register_data(main)


@click.group()
def inbound() -> None:
    """Inbound messages the service failed on."""


@inbound.command("replay")
@click.option("--since", default=None, help="only those received since: 24h, 7d, 2026-11-25 or 2026-11-25T07:00")
@_JSON
@_BY
@click.pass_context
def inbound_replay(ctx: click.Context, since: str | None, as_json: bool, by: str | None) -> None:
    """Run each inbound message stored as failed through the service again, once.

    It runs as if received at its original time; its reply is queued for the senders.
    """
    config = load(ctx)
    runtime = build_runtime(config, outbox_mode="external")
    prepare_database(runtime.db)
    now = utcnow()
    start = parse_since(since, config.service.timezone, now)
    done = replay_failed_inbound(runtime.db, runtime.program, start, operator(ctx, by), now)
    rows = [
        {
            "id": r.id,
            "phone": r.phone,
            "received": local(r.received_at, config.service.timezone),
            "outcome": r.outcome,
            "queued": list(r.queued),
        }
        for r in done
    ]
    show(
        rows, ("id", "phone", "received", "outcome", "queued"), as_json, "nothing to replay: no failed inbound message"
    )
    if any(r.outcome.startswith("failed") for r in done):
        ctx.exit(1)


@click.group()
def optout() -> None:
    """Phones that sent STOP (or whose provider reported an opt-out)."""


@optout.command("list")
@_JSON
@click.pass_context
def optout_list(ctx: click.Context, as_json: bool) -> None:
    """Every opted-out phone, latest first, with its patients' codes."""
    config, engine = _database(ctx)
    rows = [
        {"phone": o.phone, "since": local(o.since, config.service.timezone), "patients": list(o.patients)}
        for o in operations.opted_out(engine)
    ]
    show(rows, ("phone", "since", "patients"), as_json, "no phone is opted out")


@optout.command("undo")
@click.argument("phone")
@_BY
@click.option("--reason", default="", help="why (e.g. 'patient asked by phone'); kept with the record")
@click.pass_context
def optout_undo(ctx: click.Context, phone: str, by: str | None, reason: str) -> None:
    """Send scheduled messages to PHONE again (recorded with who did it and why)."""
    config, engine = _database(ctx)
    number = normalize_phone(phone, config.service.country)
    if number is None:
        click.echo(f'"{phone}" is not a phone number; try e.g. 0912345678', err=True)
        ctx.exit(EXIT_CONFIG)
    who = operator(ctx, by)
    if not operations.undo_optout(engine, number, who, reason, utcnow()):
        click.echo(f"{number} is not opted out: nothing to undo (`f0care optout list` shows who is)", err=True)
        ctx.exit(1)
    click.echo(f"{number} gets scheduled messages again (recorded: by {who})")
    click.echo("if the provider blocked it too (error 21610), the patient must also send START to the number")


def _database(ctx: click.Context) -> tuple[Config, Engine]:
    config = load(ctx)
    engine = make_engine(config.database.url)
    prepare_database(engine)
    return config, engine
