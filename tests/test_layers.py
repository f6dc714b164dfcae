"""Each layer of ``src/qcity`` imports only from the layers below it (CONTRIBUTING.md):
methods <- framework <- data <- engine / demo <- analyses <- exports <- service <- interfaces."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import REPO

PACKAGE = REPO / "src" / "qcity"

#: Layer of each sub-package; a module may import its own layer and the layers below.
LAYER = {
    "methods": 0,
    "framework": 1,
    "frameworks": 1,
    "data": 2,
    "engine": 3,
    "demo": 3,
    "monitor": 4,
    "benchmark": 4,
    "robust": 4,
    "exports": 5,
    "service": 6,
    "cli": 7,
    "web": 7,
    "report": 7,
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every qcity import outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            out += [(node.lineno, n) for n in names if n.startswith("qcity.")]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("qcity.")]
    return out


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYER.get(parts[1]) if len(parts) > 1 else None


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_module_imports_only_lower_layers(path: Path) -> None:
    package = path.relative_to(PACKAGE).parts[0]
    own = LAYER[package]
    upward = [
        f"line {line}: {module}"
        for line, module in _imports(path)
        if (layer := _layer(module)) is not None and layer > own
    ]
    assert not upward, f"{path.relative_to(REPO)} ({package}) imports a higher layer: {upward}"


def test_every_subpackage_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(LAYER), f"give these packages a layer: {packages - set(LAYER)}"
