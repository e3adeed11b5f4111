"""The packages form layers: dialogs < models < {sms_gateway, scheduler} < f0care, with no cycles.

Every project import is at module level (an import hidden in a function hides a cycle).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = {"dialogs": 0, "models": 1, "sms_gateway": 2, "scheduler": 2, "f0care": 3}


def modules() -> list[Path]:
    return sorted(p for package in LAYER for p in (ROOT / package).rglob("*.py"))


def project_imports(tree: ast.AST) -> list[tuple[str, int, bool]]:
    """(top-level package, line, at module level) of every import of a project package."""
    top_level = {id(node) for node in ast.iter_child_nodes(tree)}
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:` at module level
            top_level |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [(name.split(".")[0], node.lineno, id(node) in top_level) for name in imported(node)]
    return found


def imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The absolute module names an import statement names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [node.module] if node.level == 0 and node.module else []


def package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_its_own_layer_or_those_below(path: Path) -> None:
    own = package_of(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for package, line, _ in project_imports(tree):
        if package in LAYER and package != own:
            assert LAYER[package] < LAYER[own], f"{path.relative_to(ROOT)}:{line}: {own} must not import {package}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_project_imports_are_at_module_level(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = [f"line {line}: {package}" for package, line, top in project_imports(tree) if package in LAYER and not top]
    assert not hidden, f"{path.relative_to(ROOT)} imports project modules inside functions: {hidden}"


def test_the_dialogs_import_only_the_standard_library() -> None:
    # phonenumbers is a pure parser (no I/O, no clock): the only third-party package the engine uses.
    allowed = set(sys.stdlib_module_names) | {"dialogs", "__future__", "phonenumbers"}
    for path in (ROOT / "dialogs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in imported(node):
                assert name.split(".")[0] in allowed, f"{path.relative_to(ROOT)}: dialogs is pure, imports {name}"


def test_the_layering_check_catches_an_upward_import() -> None:
    tree = ast.parse("from f0care.runtime import Runtime\n\ndef f():\n    from models import store\n")
    found = project_imports(tree)
    assert ("f0care", 1, True) in found
    assert ("models", 4, False) in found
    assert LAYER["f0care"] > LAYER["sms_gateway"]
