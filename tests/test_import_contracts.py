"""The import contracts of ``pyproject.toml`` (``[tool.importlinter]``) hold: the layers,
the engine's internals private to the engine, and the interfaces (cli, web, report)
importing ``qcity.service`` and ``qcity.errors`` only. ``make lint`` runs the same check."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.helpers import REPO

CONTRACTS = {"layers", "engine-internals", "one-door"}


def _lint_imports() -> str:
    """The ``lint-imports`` script of this Python (the dev extras install it)."""
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: pip install -e '.[dev]' (import-linter)"
    return found


def test_the_three_contracts_are_declared() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert {c["id"] for c in contracts} == CONTRACTS
    door = next(c for c in contracts if c["id"] == "one-door")
    assert set(door["source_modules"]) == {"qcity.cli", "qcity.web", "qcity.report"}
    for contract in contracts:  # no interface has an exception to the rules
        for line in contract.get("ignore_imports", []):
            assert not line.startswith(("qcity.cli", "qcity.web", "qcity.report")), line


def test_lint_imports_keeps_every_contract() -> None:
    proc = subprocess.run(
        [_lint_imports(), "--no-cache", "--no-logo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = re.search(r"Contracts: (\d+) kept, (\d+) broken", proc.stdout)
    assert found and found.groups() == (str(len(CONTRACTS)), "0"), proc.stdout


def test_no_interface_module_imports_below_the_service() -> None:
    """The same rule read from the source text (also the imports inside functions and
    under ``TYPE_CHECKING``): cli/ and web/ name no lower layer."""
    lower = r"data|engine|framework|frameworks|monitor|robust|methods|demo|benchmark"
    pattern = re.compile(rf"^\s*(from|import) qcity\.({lower})\b", re.M)
    found = [
        f"{path.relative_to(REPO)}: {m.group(0).strip()}"
        for folder in ("cli", "web")
        for path in sorted((REPO / "src" / "qcity" / folder).rglob("*.py"))
        for m in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
