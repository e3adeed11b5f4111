"""The administrators' configuration (config.yaml): parsed once at the edge, typed and frozen.

Nothing is read at import time. Every mistake in the file becomes a `ConfigError`
whose message lists each problem on its own line, with the key path and the fix.
"""

from f0care.config.loader import ConfigError, load_config, to_program
from f0care.config.models import ClinicConfig, Config, StaffConfig
from f0care.config.questions import GuidanceConfig, LangText, QuestionConfig, RuleConfig
from f0care.config.sections import (
    DatabaseConfig,
    EscalationConfig,
    GatewayConfig,
    OnCallConfig,
    ScheduleConfig,
    ServiceConfig,
    TwilioConfig,
)
from f0care.config.texts import TextsConfig

__all__ = [
    "ClinicConfig",
    "Config",
    "ConfigError",
    "DatabaseConfig",
    "EscalationConfig",
    "GatewayConfig",
    "GuidanceConfig",
    "LangText",
    "OnCallConfig",
    "QuestionConfig",
    "RuleConfig",
    "ScheduleConfig",
    "ServiceConfig",
    "StaffConfig",
    "TextsConfig",
    "TwilioConfig",
    "load_config",
    "to_program",
]
