"""The texts the service sends: the shipped `dialogs/templates/*.yaml` and config.yaml's `texts:` overrides.

The YAML is read here, at the edge, and handed to `dialogs` as plain mappings; the checks
and the catalogue are built there (`dialogs.templates.checks`, `dialogs.templates.values`).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from pydantic import Field, field_validator

from dialogs.program import Program
from dialogs.templates import LANGUAGES
from dialogs.templates.checks import check_templates
from dialogs.templates.values import Templates, build_catalogue, in_force
from f0care.config.fields import Model
from f0care.config.reader import YamlProblem, read_yaml


class TextsConfig(Model):
    """`texts: {vi: {key: "..."}, en: {key: "..."}}`: replaces shipped texts, key by key."""

    vi: dict[str, str] = Field(default_factory=dict)
    en: dict[str, str] = Field(default_factory=dict)

    @field_validator("vi", "en", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return {} if value is None else value

    def as_templates(self) -> Templates:
        return MappingProxyType({"vi": MappingProxyType(self.vi), "en": MappingProxyType(self.en)})


@cache
def shipped_templates() -> Templates:
    """The texts shipped in the `dialogs.templates` package, one YAML file per language."""
    found: dict[str, MappingProxyType[str, str]] = {}
    for language in LANGUAGES:
        with resources.as_file(resources.files("dialogs.templates") / f"{language}.yaml") as path:
            found[language] = MappingProxyType(_read(Path(path)))
    return MappingProxyType(found)


def _read(path: Path) -> dict[str, str]:
    try:
        data = read_yaml(path)
    except YamlProblem as exc:
        raise RuntimeError(f"{path}: {exc}") from None  # a broken package, not a config mistake
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise RuntimeError(f"{path}: expected `key: text` lines only")
    return data


def texts_problems(overrides: TextsConfig, program: Program) -> list[str]:
    """One line per problem of the texts in force, e.g. `texts.vi.daily_prompt: unknown placeholder {foo}; ...`."""
    return [str(problem) for problem in check_templates(shipped_templates(), overrides.as_templates(), program)]


def with_texts(program: Program, overrides: TextsConfig) -> Program:
    """`program` with its catalogue: the shipped texts, the overrides, the program's numbers filled in."""
    catalogue = build_catalogue(shipped_templates(), overrides.as_templates(), program)
    return replace(program, catalogue=catalogue)


def texts_in_force(overrides: TextsConfig) -> dict[str, dict[str, str]]:
    """Per language, every key and its text as written (placeholders unfilled), overrides applied."""
    return in_force(shipped_templates(), overrides.as_templates())
