"""What the operator's commands share: a plain table or JSON lines, `--since`, and who the operator is."""

from __future__ import annotations

import getpass
import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click

from f0care.cli.common import EXIT_CONFIG

_AGO = re.compile(r"^(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def show(rows: Sequence[dict[str, Any]], columns: Sequence[str], as_json: bool, empty: str) -> None:
    """Rows as an aligned table (or one JSON object a line); `empty` when there are none (stderr, for tables)."""
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    if not rows:
        click.echo(empty)
        return
    cells = [[_cell(row.get(name)) for name in columns] for row in rows]
    widths = [max(len(name), *(len(line[i]) for line in cells)) for i, name in enumerate(columns)]
    click.echo("  ".join(name.upper().ljust(width) for name, width in zip(columns, widths, strict=True)).rstrip())
    for line in cells:
        click.echo("  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)).rstrip())


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value) or "-"
    return " ".join(str(value).split())  # one line per row


def parse_since(text: str | None, timezone: str, now: datetime) -> datetime | None:
    """`--since`: 30m, 24h, 7d ago, or a local date (2026-11-25) or time (2026-11-25T07:00)."""
    if not text:
        return None
    ago = _AGO.match(text.strip())
    if ago:
        return now - timedelta(**{_UNITS[ago[2]]: int(ago[1])})
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=ZoneInfo(timezone))
        except ValueError:
            continue
    raise click.BadParameter(
        f'"{text}" is not a time; write 24h, 7d, 2026-11-25 or 2026-11-25T07:00', param_hint="--since"
    )


def operator(ctx: click.Context, by: str | None) -> str:
    """Who runs the command: `--by NAME`, else the operating-system user."""
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        click.echo("cannot tell who you are: give your name with --by NAME", err=True)
        ctx.exit(EXIT_CONFIG)
        raise  # unreachable; ctx.exit raises


def local(moment: datetime | None, timezone: str) -> str | None:
    return None if moment is None else f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M}"
