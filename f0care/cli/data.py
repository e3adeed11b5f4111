"""`f0care backup PATH`, `f0care restore PATH`, `f0care purge [--dry-run]`, `f0care alarms check`."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    """Add the data commands to `main`."""
