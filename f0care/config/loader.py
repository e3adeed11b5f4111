"""Loading config.yaml: `load_config` reads it once; `to_program` hands the engine its part.

Nothing is read at import time. Every mistake in the file becomes a `ConfigError`
whose message lists each problem on its own line, with the key path and the fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dialogs.program import (
    Clinic,
    GuidanceTopic,
    Level,
    Program,
    Question,
    QuestionKind,
    Role,
    Rule,
    Staff,
)
from f0care.config.abuse import to_budgets
from f0care.config.defaults import DEFAULT_EXAMPLES
from f0care.config.errors import describe_all, show
from f0care.config.fields import KeyPath
from f0care.config.models import ClinicConfig, Config
from f0care.config.questions import QuestionConfig
from f0care.config.reader import YamlProblem, read_yaml
from f0care.config.texts import texts_problems, with_texts

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ConfigError(Exception):
    """config.yaml cannot be used; the message says what is wrong and how to fix it."""


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read, substitute ${VARS} into, and validate the config file; raise ConfigError on any mistake."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    source = Path(path or env.get("F0CARE_CONFIG") or "config.yaml")
    try:
        raw = read_yaml(source)
    except YamlProblem as exc:
        raise ConfigError(f"{source}: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected keys such as service: and clinics: at the top, found {show(raw)}")
    unset: dict[KeyPath, list[str]] = {}
    try:
        data = _substitute(raw, env, (), unset)
    except RecursionError:
        raise ConfigError(f"{source}: a YAML alias (*name) refers to itself; remove the loop") from None
    if env.get("DATABASE_URL") and isinstance(data.get("database", {}), dict | None):
        data["database"] = {**(data.get("database") or {}), "url": env["DATABASE_URL"]}
    try:
        config = Config.model_validate(data, context={"region": _region(data)})
    except ValidationError as exc:
        raise _problems(source, describe_all(exc.errors(), unset)) from None
    lines = texts_problems(config.texts, _bare_program(config))
    if lines:
        raise _problems(source, lines)
    return config


def _problems(source: Path, lines: list[str]) -> ConfigError:
    count = f"{len(lines)} problem{'s' if len(lines) > 1 else ''}"
    return ConfigError(f"{source}: {count} to fix:\n" + "\n".join(f"  {line}" for line in lines))


def to_program(config: Config) -> Program:
    """The engine's view of the configuration: clinics, questions, guidance and texts as frozen dataclasses."""
    return with_texts(_bare_program(config), config.texts)


def _bare_program(config: Config) -> Program:
    return Program(
        name=config.service.name,
        timezone=config.service.timezone,
        country=config.service.country,
        default_language=config.service.language,
        sms_ascii=config.service.sms_ascii,
        clinics=tuple(_clinic(clinic) for clinic in config.clinics),
        questions=tuple(_question(question) for question in config.questions),
        guidance=tuple(GuidanceTopic(title=g.title.as_dict(), text=g.text.as_dict()) for g in config.guidance),
        monitoring_days=config.schedule.monitoring_days,
        deadline=config.schedule.deadline,
        auto_discharge=config.schedule.auto_discharge,
        secret=config.service.secret_key,
        budgets=to_budgets(config.registration, config.alerts, config.limits),
    )


def _clinic(clinic: ClinicConfig) -> Clinic:
    # District officers only read the web console: no SMS alerts, no SMS commands.
    staff = tuple(
        Staff(name=s.name, phone=s.phone, role=Role(s.role), clinic_id=clinic.id)
        for s in clinic.staff
        if s.role != "district"
    )
    return Clinic(
        id=clinic.id,
        name=clinic.name,
        phone=clinic.phone,
        areas=clinic.areas,
        staff=staff,
    )


def _question(question: QuestionConfig) -> Question:
    rules = tuple(
        Rule(
            level=Level(r.level),
            op=r.op,
            value=r.value,
            any_of=r.any_of,
            when_none=r.when_none,
            min_age=r.min_age,
            max_age=r.max_age,
        )
        for r in question.rules
    )
    return Question(
        key=question.key,
        kind=QuestionKind(question.kind),
        label=question.label.as_dict(),
        minimum=question.min,
        maximum=question.max,
        none_words=question.none_words,
        allowed_digits=question.allowed_digits,
        rules=rules,
        unit=question.unit,
        example=question.example or DEFAULT_EXAMPLES.get(question.key, ""),
    )


def _substitute(value: Any, env: Mapping[str, str], path: KeyPath, unset: dict[KeyPath, list[str]]) -> Any:
    """Replace ${VAR} in every string; remember where a variable was unset, for the error message."""
    if isinstance(value, dict):
        return {key: _substitute(item, env, (*path, key), unset) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, env, (*path, index), unset) for index, item in enumerate(value)]
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            if match[1] not in env:
                unset.setdefault(path, []).append(match[1])
            return env.get(match[1], "")

        return _VARIABLE.sub(lookup, value)
    return value


def _region(data: dict[Any, Any]) -> str:
    service = data.get("service")
    country = service.get("country") if isinstance(service, dict) else None
    return country.upper() if isinstance(country, str) else "VN"
