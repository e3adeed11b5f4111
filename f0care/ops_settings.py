"""The operators' parts of the config, handed to the code below the edge (models, scheduled jobs)."""

from __future__ import annotations

from pathlib import Path

from dialogs.alarms import Thresholds, Wording
from f0care.config import Config
from models.alarm_checks import AlarmSettings
from models.retention import RetentionPolicy


def retention_policy(config: Config) -> RetentionPolicy:
    """What `f0care purge` and the daily purge job delete, and where they export it first."""
    return RetentionPolicy(config.retention.days_after_close, Path(config.retention.export_dir))


def alarm_settings(config: Config) -> AlarmSettings:
    """Thresholds, recipients (alarms.notify, else the on-call list) and wording of the operator alarms."""
    alarms, service = config.alarms, config.service
    return AlarmSettings(
        Thresholds(alarms.failure_minutes, alarms.lag_minutes),
        config.alarm_recipients,
        Wording(service.name, service.timezone, service.language),
    )
