"""Config models of the daily questions, their triage rules, and the guidance topics."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from dialogs.text import parse_number
from f0care.config.fields import KeyPath, Model, Problems, fold_ascii

GUIDANCE_MAX_CHARS = 280  # two SMS once folded to ASCII
_QUESTION_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class LangText(Model):
    """A text in each language the service speaks.

    Administrators may write one language: a plain string (`title: "Ha sot tai nha"`) or a
    mapping with one language is used for the other language too until it is translated.
    """

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _one_language_serves_all(cls, data: Any) -> Any:
        if isinstance(data, str | int | float) and not isinstance(data, bool):
            return {"vi": str(data), "en": str(data)}
        if isinstance(data, dict):
            written = [data[k] for k in ("vi", "en") if isinstance(data.get(k), str) and data[k].strip()]
            if written:
                return {"vi": written[0], "en": written[0], **{k: v for k, v in data.items() if v is not None}}
        return data

    def as_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}


class RuleConfig(Model):
    """One triage rule; exactly one condition: op+value, any_of, or when_none."""

    level: Literal["red", "yellow"]
    op: Literal[">=", ">", "<=", "<", "=="] | None = None
    value: float | None = Field(default=None, allow_inf_nan=False)
    any_of: tuple[int, ...] = ()
    when_none: bool = False
    min_age: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    max_age: float | None = Field(default=None, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_condition(self) -> RuleConfig:
        used = [
            name
            for name, present in (
                ("op/value", self.op is not None or self.value is not None),
                ("any_of", bool(self.any_of)),
                ("when_none", self.when_none),
            )
            if present
        ]
        if len(used) != 1:
            found = " and ".join(used) if used else "none"
            raise ValueError(
                f"a rule needs exactly one condition (op with value, any_of, or when_none: true); found {found}"
            )
        problems: list[tuple[KeyPath, str]] = []
        if self.op is not None and self.value is None:
            problems.append(
                (
                    ("value",),
                    f'is missing; op "{self.op}" compares the answer with a value, e.g. value: 96',
                )
            )
        if self.value is not None and self.op is None:
            problems.append((("op",), "is missing; a value needs an op, one of >=, >, <=, <, =="))
        if self.min_age is not None and self.max_age is not None and self.min_age >= self.max_age:
            problems.append(
                (
                    ("max_age",),
                    f"{self.max_age:g} must be above min_age {self.min_age:g}",
                )
            )
        if problems:
            raise Problems(problems)
        return self


class QuestionConfig(Model):
    """One daily question: what is asked, the accepted answers, and how they are triaged."""

    key: str
    kind: Literal["number", "yesno", "digits"]
    label: LangText
    min: float | None = Field(default=None, allow_inf_nan=False)
    max: float | None = Field(default=None, allow_inf_nan=False)
    unit: str = ""
    none_words: tuple[str, ...] = ()
    allowed_digits: str = ""
    rules: tuple[RuleConfig, ...] = ()
    example: str | None = None  # a typical answer for the prompts' example, e.g. "98"

    @field_validator("example", mode="before")
    @classmethod
    def _example_as_text(cls, value: object) -> object:
        return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else value

    @field_validator("key")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not _QUESTION_KEY.match(value):
            raise ValueError(f'"{value}" is not a question key; use lower-case letters, digits and _, e.g. spo2')
        return value

    @field_validator("none_words", mode="before")
    @classmethod
    def _words_as_text(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return [str(word) if isinstance(word, int | float) else word for word in value]
        return value

    @field_validator("none_words")
    @classmethod
    def _upper(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(word.strip().upper() for word in value)

    @field_validator("allowed_digits", mode="before")
    @classmethod
    def _digits_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("allowed_digits")
    @classmethod
    def _distinct_digits(cls, value: str) -> str:
        if not re.fullmatch(r"[0-9]*", value) or len(set(value)) != len(value):
            raise ValueError(f'"{value}" should list distinct menu digits, e.g. "01234"')
        return value

    @model_validator(mode="after")
    def _rules_fit_kind(self) -> QuestionConfig:
        problems: list[tuple[KeyPath, str]] = []
        if self.min is not None and self.max is not None and self.min >= self.max:
            problems.append((("max",), f"{self.max:g} must be above min {self.min:g}"))
        if self.kind == "digits" and not self.allowed_digits:
            problems.append(
                (
                    ("allowed_digits",),
                    'is missing; digits questions list their menu, e.g. "01234"',
                )
            )
        if self.example is not None and not self._answers(self.example):
            problems.append(
                (("example",), f'"{self.example}" is not an answer to this question; {self._example_hint()}')
            )
        for index, rule in enumerate(self.rules):
            problems.extend((("rules", index, *path), text) for path, text in self._rule_problems(rule))
        if problems:
            raise Problems(problems)
        return self

    def _answers(self, text: str) -> bool:
        if self.kind == "yesno":
            return text in ("0", "1")
        if self.kind == "digits":
            return bool(text) and all(ch in self.allowed_digits for ch in text)
        number = parse_number(text)
        low = self.min if self.min is not None else float("-inf")
        high = self.max if self.max is not None else float("inf")
        return number is not None and low <= number <= high

    def _example_hint(self) -> str:
        if self.kind == "yesno":
            return "write 0 or 1"
        if self.kind == "digits":
            return f'write digits from "{self.allowed_digits}"'
        return (
            f"write a number between {self.min:g} and {self.max:g}"
            if None not in (self.min, self.max)
            else "write a number"
        )

    def _rule_problems(self, rule: RuleConfig) -> list[tuple[KeyPath, str]]:
        if self.kind == "digits" and rule.op is not None:
            return [
                (
                    ("op",),
                    "digits questions use any_of: [digits] instead of op and value",
                )
            ]
        if self.kind != "digits" and rule.any_of:
            return [
                (
                    ("any_of",),
                    f"any_of is for digits questions; {self.kind} questions use op and value",
                )
            ]
        unknown = [d for d in rule.any_of if not (0 <= d <= 9 and str(d) in self.allowed_digits)]
        if unknown:
            return [
                (
                    ("any_of",),
                    f'{unknown} are not in allowed_digits "{self.allowed_digits}"',
                )
            ]
        if rule.when_none and not self.none_words:
            return [
                (
                    ("when_none",),
                    'needs none_words (answers meaning "not measured"), e.g. ["0", "K"]',
                )
            ]
        if self.kind == "yesno" and rule.value not in (None, 0, 1):
            return [
                (
                    ("value",),
                    f"{rule.value:g} is not an answer; yes/no answers are 1 (yes) or 0 (no)",
                )
            ]
        return []


class GuidanceConfig(Model):
    """One guidance topic a patient can ask for by number."""

    title: LangText
    text: LangText

    @model_validator(mode="after")
    def _fits_two_sms(self) -> GuidanceConfig:
        problems: list[tuple[KeyPath, str]] = []
        texts = self.text.as_dict()
        if len(set(texts.values())) == 1:  # written once for every language: said once
            texts = {"": texts["vi"]}
        for language, text in texts.items():
            length = len(fold_ascii(text))
            if length > GUIDANCE_MAX_CHARS:
                problems.append(
                    (
                        ("text", language) if language else ("text",),
                        f"is {length} characters; shorten it to {GUIDANCE_MAX_CHARS} (two SMS)",
                    )
                )
        if problems:
            raise Problems(problems)
        return self
