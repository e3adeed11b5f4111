"""Read config.yaml with a YAML loader that keeps administrators' values as they wrote them.

PyYAML follows YAML 1.1, where an unquoted 07:00 is the number 420, 0345671234
an octal number and NO the boolean false. This loader reads those as text,
accepts only true/false as booleans, and rejects a key written twice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

_INT, _FLOAT, _BOOL = (
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
)
_TIMESTAMP, _MERGE = "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge"


class YamlProblem(Exception):
    """The file cannot be read or is not valid YAML; the message says where."""


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                if key_node.value in seen:
                    raise ConstructorError(
                        None,
                        None,
                        f'the key "{key_node.value}" is written twice',
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _FLOAT, _BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(_INT, re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^-?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^-?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-.0123456789"),
)


def read_yaml(source: Path) -> Any:
    """The parsed YAML document in `source` (None when empty); YamlProblem when unreadable."""
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlProblem("config file not found; copy the shipped config.yaml there, or set F0CARE_CONFIG") from None
    except (OSError, UnicodeError) as exc:
        raise YamlProblem(
            f"cannot read the config file ({exc}); check the path and that it is saved as UTF-8"
        ) from None
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader subclass  # nosec B506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "an unknown line"
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(f"YAML syntax error at {where}: {problem}; check indentation, colons and quotes") from None
    except (
        yaml.YAMLError,
        ValueError,
        TypeError,
        AttributeError,
        OverflowError,
        RecursionError,
    ) as exc:
        # PyYAML raises plain ValueError and friends for some explicitly tagged scalars (`!!int x`).
        raise YamlProblem(f"YAML error: {exc}; check the value near any !! tag") from None
