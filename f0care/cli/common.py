"""What every `f0care` command shares: loading the config and preparing the database, exit 2 on a mistake."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from sqlalchemy.engine import Engine

from f0care.config import Config, ConfigError, load_config
from f0care.logs import setup_logging
from models.db import make_engine
from models.migrate import SchemaMismatch, upgrade

EXIT_CONFIG = 2


def load(ctx: click.Context) -> Config:
    """The config named by `--config` (or $F0CARE_CONFIG, ./config.yaml); a mistake is explained, exit 2."""
    try:
        config = load_config(ctx.find_root().obj.get("config_path"))
    except ConfigError as error:
        click.echo(f"config error:\n{error}", err=True)
        ctx.exit(EXIT_CONFIG)
        raise  # unreachable; ctx.exit raises
    setup_logging(config.logging.format)
    return config


def prepare_database(engine: Engine) -> None:
    """Create or migrate the database before a command uses it; a mismatch is explained, exit 2."""
    try:
        upgrade(engine)
    except SchemaMismatch as error:
        click.echo(f"database error:\n{error}", err=True)
        sys.exit(EXIT_CONFIG)


def current_revision(url: str, current: Callable[[Engine], str | None]) -> str:
    engine = make_engine(url)
    try:
        return current(engine) or "none"
    finally:
        engine.dispose()
