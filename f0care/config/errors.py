"""Turn pydantic's validation errors into lines an administrator can act on."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from f0care.config.fields import KeyPath, Problems
from f0care.config.models import Config


def describe_all(errors: list[ErrorDetails], unset: Mapping[KeyPath, list[str]]) -> list[str]:
    """One line per problem: `key.path[0].name: what is wrong; what to do`."""
    # pydantic also says "too short" of a list whose entries were all invalid: noise.
    inner = {tuple(e["loc"])[:n] for e in errors for n in range(len(e["loc"]))}
    kept = [e for e in errors if not (e["type"] == "too_short" and tuple(e["loc"]) in inner)]
    return [line for error in kept for line in describe(error, unset)]


def describe(error: ErrorDetails, unset: Mapping[KeyPath, list[str]]) -> list[str]:
    """The lines for one pydantic error, with the variables that were unset there."""
    loc = tuple(error["loc"])
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, Problems):
        found = [((*loc, *sub), text) for sub, text in cause.problems]
    elif isinstance(cause, ValueError):
        found = [(loc, str(cause))]
    else:
        found = [(loc, _pydantic_message(error, loc))]
    lines = []
    for path, text in found:
        if path in unset:
            names = ", ".join(unset[path])
            text += f" (the environment variable {names} is not set; export it before starting)"
        lines.append(f"{_render(path)}: {text}")
    return lines


def _pydantic_message(error: ErrorDetails, loc: KeyPath) -> str:
    if error["type"] == "extra_forbidden":
        known = _known_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f'did you mean "{close[0]}"?' if close else f"known keys here: {', '.join(known)}"
        return f"unknown key; {hint}"
    if error["type"] == "missing":
        return "is missing; add it"
    if error["type"] == "model_type":
        return f"should be keys with values ({', '.join(_known_keys(loc))}), got {show(error['input'])}"
    if error["type"] == "too_short":
        return "is empty; add at least one entry"
    message = error["msg"].replace("Input should", "should").replace("Value should", "should")
    return f"{message[0].lower()}{message[1:]}, got {show(error['input'])}"


def _known_keys(loc: KeyPath) -> list[str]:
    model: type[BaseModel] | None = Config
    for part in loc:
        if model is None:
            return []
        if isinstance(part, str):
            field = model.model_fields.get(part)
            model = _model_in(field.annotation) if field else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) is None and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((found for arg in get_args(annotation) if (found := _model_in(arg))), None)


def _render(path: KeyPath) -> str:
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")
    return text or "(top level)"


def show(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f'"{value[:60]}"' + ("..." if len(value) > 60 else "")
    return repr(value)[:60]
