"""Validate a framework file and report every problem at once.

Three layers, all run even when an earlier one finds problems: the file (UTF-8, YAML
syntax, duplicate keys), the schema (pydantic ``Framework``), and the semantics
(unique codes, weights, targets within validity, goalposts, registered methods, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qcity.framework.checks import TREE_CHECKS, check_validity
from qcity.framework.method_checks import check_methods
from qcity.framework.model import Framework
from qcity.framework.paths import describe
from qcity.framework.problems import Problem, sort_problems
from qcity.framework.schema_errors import schema_problems
from qcity.framework.source import parse_yaml, read_source
from qcity.framework.tree import Context
from qcity.framework.yaml_lines import LineMap, YamlDocument

__all__ = [
    "Problem",
    "check_document",
    "validate_file",
    "validate_framework",
    "validate_text",
]


def check_document(doc: YamlDocument, filename: str) -> tuple[Framework | None, list[Problem]]:
    """The framework built from a parsed document (None if the schema fails) and all
    problems: duplicate keys, schema errors and semantic checks."""
    data = doc.data
    if data is None:
        return None, [Problem(filename, 1, "", "file is empty", "see docs/en/framework.md")]
    if not isinstance(data, dict):
        return None, [
            Problem(
                filename,
                doc.lines.line(()),
                "",
                f"the file must be a mapping of keys (code:, version:, root: ...), "
                f"not a {type(data).__name__}",
                "start the file with 'code: ...' at column 1",
            )
        ]
    problems = [
        Problem(
            filename,
            d.lines[-1],
            describe(d.path, data),
            f"key {d.path[-1]!r} is given {len(d.lines)} times (lines "
            f"{', '.join(map(str, d.lines))}); only the last one counts",
            "keep one of them",
        )
        for d in doc.duplicates
    ]
    framework: Framework | None = None
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        problems += schema_problems(exc, data, doc.lines, filename)
    ctx = Context(data, doc.lines, filename)
    check_validity(ctx)
    items = ctx.items()
    for check in TREE_CHECKS:
        check(ctx, items)
    check_methods(ctx, items)
    return framework, sort_problems(problems + ctx.problems)


def validate_text(text: str, filename: str = "<string>") -> list[Problem]:
    """Every problem of a framework given as YAML text."""
    doc, problems = parse_yaml(text, filename)
    if doc is None:
        return problems
    return check_document(doc, filename)[1]


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem of the framework file at ``path`` (empty list: it is valid)."""
    text, problems = read_source(path)
    if text is None:
        return problems
    return validate_text(text, str(path))


def validate_framework(
    framework: Framework | Mapping[str, Any], filename: str = "<framework>"
) -> list[Problem]:
    """Every problem of a framework built in Python (a model or plain data); problems
    carry no line numbers."""
    if isinstance(framework, Framework):
        data: Any = framework.model_dump(mode="python")
    else:
        data = dict(framework)
    return check_document(YamlDocument(data, LineMap()), filename)[1]
