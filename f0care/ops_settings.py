"""The operators' parts of the config, handed to the code below the edge (models, scheduled jobs)."""

from __future__ import annotations

from pathlib import Path

from f0care.config import Config
from models.retention import RetentionPolicy


def retention_policy(config: Config) -> RetentionPolicy:
    """What `f0care purge` and the daily purge job delete, and where they export it first."""
    return RetentionPolicy(config.retention.days_after_close, Path(config.retention.export_dir))
