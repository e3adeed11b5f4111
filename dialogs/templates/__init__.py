"""The texts the service sends: a frozen catalogue per language and the `Texts` renderer.

The wording itself is data, `dialogs/templates/vi.yaml` and `en.yaml` (one key per text),
read at the edge by `f0care.config`, merged with the `texts:` overrides of config.yaml,
checked (`dialogs.templates.checks`) and handed down inside `Program.catalogue`.
Vietnamese is written with diacritics and folded to GSM-7 when `service.sms_ascii` is true.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from string import Formatter
from types import MappingProxyType

from dialogs.text import to_sms

LANGUAGES = ("vi", "en")
_FORMATTER = Formatter()


@dataclass(frozen=True, eq=False)
class Texts:
    """Renders the templates of one language, folded to GSM-7 when `ascii_only`.

    Equal only to itself, so it hashes by identity (a cache key for the prompts).
    """

    language: str
    ascii_only: bool
    templates: Mapping[str, str]

    def __call__(self, key: str, **values: object) -> str:
        return to_sms(self.templates[key].format(**values), self.ascii_only)

    def raw(self, key: str) -> str:
        """The template as written (with diacritics), for callers that format it themselves."""
        return self.templates[key]

    def __contains__(self, key: object) -> bool:
        return key in self.templates

    def __iter__(self) -> Iterator[str]:
        return iter(self.templates)


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Every text in force, per language, with the program's numbers already filled in."""

    languages: Mapping[str, Texts] = field(default_factory=lambda: MappingProxyType({}))

    def texts(self, language: str, fallback: str = "vi") -> Texts:
        return self.languages.get(language) or self.languages[fallback]


def placeholders(template: str) -> list[str]:
    """The names of the `{placeholders}` of a template, in order; ValueError when braces are unbalanced."""
    return [name.split(".")[0].split("[")[0] for _, name, _, _ in _FORMATTER.parse(template) if name is not None]


def fill(template: str, values: Mapping[str, object]) -> str:
    """Fill the placeholders named in `values`; the others stay for the caller to fill."""
    out: list[str] = []
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        out.append(_escape(literal))
        if name is None:
            continue
        if name in values:
            value = _FORMATTER.convert_field(values[name], conversion)
            out.append(_escape(_FORMATTER.format_field(value, spec or "")))
        else:
            out.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")
