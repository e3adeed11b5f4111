"""The administrators' configuration (config.yaml): parsed once at the edge, typed and frozen.

Nothing is read at import time. Every mistake in the file becomes a `ConfigError`
whose message lists each problem on its own line, with the key path and the fix.
"""

from f0care.config.loader import (
    ClinicConfig,
    Config,
    ConfigError,
    DatabaseConfig,
    EscalationConfig,
    GatewayConfig,
    GuidanceConfig,
    LangText,
    OnCall,
    QuestionConfig,
    RuleConfig,
    ScheduleConfig,
    ServiceConfig,
    StaffConfig,
    TextsConfig,
    TwilioConfig,
    load_config,
    to_program,
)

__all__ = [
    "ClinicConfig",
    "Config",
    "ConfigError",
    "DatabaseConfig",
    "EscalationConfig",
    "GatewayConfig",
    "GuidanceConfig",
    "LangText",
    "OnCall",
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
