"""Dependencies point one way: bot -> handlers -> services -> models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBS = {"aiogram", "slack_bolt", "slack_sdk"}
FORBIDDEN = {
    "handlers": PLATFORM_LIBS | {"bot"},
    "services": PLATFORM_LIBS | {"bot", "handlers", "scheduler"},
    "models": PLATFORM_LIBS | {"bot", "handlers", "services", "scheduler"},
    "scheduler": PLATFORM_LIBS | {"bot"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package]) for path in files
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}
