"""Interfaces call use cases, not lower layers through a re-export: every function that
``cli/``, ``web/`` or ``report/`` imports from ``qcity.service`` is defined in
``qcity.service`` (a use case with keyword-only options and a typed result), except the
small pure helpers listed in ``PURE_HELPERS`` (text, URL and file-safety functions that
touch no stored data and decide nothing).

Read from the source: the ``from qcity.service... import`` statements of the interface
modules (also those inside functions and under ``TYPE_CHECKING``)."""

from __future__ import annotations

import ast
import importlib
import inspect

from tests.helpers import REPO

#: Re-exported helpers an interface may call directly: each is pure (no store, no
#: decision of the office), so a use case around it would add a name and no rule.
PURE_HELPERS = {
    # the database URL shown without its password, resolved from the environment
    "display_url",
    "resolve_url",
    # safe files: formula-guarded cells, atomic writes, formats, hashes
    "safe_frame",
    "safe_xlsx",
    "atomic_file",
    "atomic_folder",
    "moved",
    "file_format",
    "file_sha256",
    "sort_problems",
    "parse_as_of",
    # framework files: where a shipped framework lies, loading one
    "builtin_path",
    "framework_path",
    "load_framework",
    # periods and wording
    "period_year",
    "change_text",
    "format_judgement",
    # who the actor is and the permission rule itself
    "can",
    "operator",
}


def _interface_imports() -> dict[tuple[str, str], set[str]]:
    """(service module, name) -> the interface files importing it."""
    found: dict[tuple[str, str], set[str]] = {}
    for folder in ("cli", "web", "report"):
        for path in sorted((REPO / "src" / "qcity" / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "qcity.service"
                ):
                    for alias in node.names:
                        key = (str(node.module), alias.name)
                        found.setdefault(key, set()).add(str(path.relative_to(REPO)))
    return found


def test_interfaces_call_functions_defined_in_the_service() -> None:
    outside = []
    for (module, name), files in sorted(_interface_imports().items()):
        obj = getattr(importlib.import_module(module), name, None)
        if not inspect.isfunction(obj) or name in PURE_HELPERS:
            continue
        if not obj.__module__.startswith("qcity.service"):
            outside.append(f"{module}.{name} is {obj.__module__}.{name} ({sorted(files)[0]})")
    assert outside == []


def test_every_pure_helper_is_still_used() -> None:
    """The list shrinks with the code: a helper no interface imports any more leaves it."""
    used = {name for _, name in _interface_imports()}
    assert used >= PURE_HELPERS, sorted(PURE_HELPERS - used)
