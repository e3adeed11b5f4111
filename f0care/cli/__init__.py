"""The `f0care` command (administrators and operators)."""

from f0care.cli.main import main

__all__ = ["main"]
