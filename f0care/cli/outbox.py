"""`f0care outbox [list|retry]`: the latest outbound messages, and undelivered ones queued again."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dialogs.phones import normalize_phone
from f0care.cli.common import EXIT_CONFIG, load, prepare_database
from f0care.cli.output import operator, show
from f0care.config import Config
from models import operations, store
from models.clock import utcnow
from models.db import make_engine
from models.redact import redact

_TO = click.option("--to", "to", default=None, help="only messages to this number")
_FAILED = click.option("--failed", is_flag=True, help="only messages that could not be delivered")
_JSON = click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
_LIMIT = click.option("--limit", default=50, show_default=True, type=int)


@click.group(invoke_without_command=True)
@_TO
@_JSON
@_FAILED
@_LIMIT
@click.pass_context
def outbox(ctx: click.Context, to: str | None, as_json: bool, failed: bool, limit: int) -> None:
    """The latest outbound messages (newest first); `retry` queues undelivered ones again."""
    if ctx.invoked_subcommand is None:
        list_messages(ctx, to, as_json, failed, limit)


@outbox.command("list")
@_TO
@_JSON
@_FAILED
@_LIMIT
@click.pass_context
def outbox_list(ctx: click.Context, to: str | None, as_json: bool, failed: bool, limit: int) -> None:
    """The latest outbound messages (newest first), as plain `f0care outbox`."""
    list_messages(ctx, to, as_json, failed, limit)


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=int)
@_TO
@_FAILED
@_JSON
@click.option("--by", default=None, help="who retries (default: the OS user); kept with the record")
@click.pass_context
def outbox_retry(
    ctx: click.Context, ids: tuple[int, ...], to: str | None, failed: bool, as_json: bool, by: str | None
) -> None:
    """Queue undelivered messages again: these IDS, every one (--failed), or those to a number (--to).

    One-time codes are never sent again (they are stale); the running senders deliver the rest.
    """
    config, engine = _database(ctx)
    number = _number(ctx, config, to)
    if not ids and not failed and number is None:
        click.echo("say which messages: their ids, --failed (every undelivered one) or --to NUMBER", err=True)
        ctx.exit(EXIT_CONFIG)
    queued = operations.retry_outbound(engine, ids, number, operator(ctx, by), utcnow())
    rows = [{"id": id_, "to": phone, "kind": kind, "status": "queued"} for id_, phone, kind in queued]
    show(rows, ("id", "to", "kind", "status"), as_json, "nothing to retry: no undelivered message matches")
    if queued and not as_json:
        click.echo(f"{len(queued)} message(s) queued; `f0care worker` (or `f0care serve`) delivers them")


def list_messages(ctx: click.Context, to: str | None, as_json: bool, failed: bool, limit: int) -> None:
    config, engine = _database(ctx)
    number = _number(ctx, config, to)
    zone = ZoneInfo(config.service.timezone)
    with Session(engine) as session:
        rows = store.outbox(session, number, limit, failed)
    for m in rows:
        body = redact(m.body) if m.sensitive else m.body
        item: dict[str, Any] = {
            "id": m.id,
            "to": m.phone,
            "kind": m.kind,
            "status": m.status,
            "created_at": m.created_at.isoformat(),
            "segments": m.segments,
            "body": body,
            "error": m.error,
            "error_code": m.error_code,
            "attempts": m.attempts,
        }
        click.echo(
            json.dumps(item, ensure_ascii=False)
            if as_json
            else f"#{m.id} {m.created_at.astimezone(zone):%Y-%m-%d %H:%M %z} {m.phone} [{m.kind}/{m.status}] {body}"
        )


def _database(ctx: click.Context) -> tuple[Config, Engine]:
    config = load(ctx)
    engine = make_engine(config.database.url)
    prepare_database(engine)
    return config, engine


def _number(ctx: click.Context, config: Config, to: str | None) -> str | None:
    number = normalize_phone(to, config.service.country) if to else None
    if to and number is None:
        click.echo(f'"{to}" is not a phone number; try e.g. 0912345678', err=True)
        ctx.exit(EXIT_CONFIG)
    return number
