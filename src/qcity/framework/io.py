"""Read and write framework YAML files.

Reading validates the whole file and raises ``FrameworkError`` listing every problem
with its line; writing produces readable UTF-8 YAML (Chinese kept as is, keys in the
order of the model, short lists inline) that reads back to an equal framework.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from qcity.framework.model import Framework
from qcity.framework.problems import FrameworkError, errors_only
from qcity.framework.source import parse_yaml, read_source
from qcity.framework.validate import check_document

__all__ = [
    "FrameworkError",
    "dump_framework",
    "framework_to_yaml",
    "load_framework",
    "parse_framework",
]

log = logging.getLogger(__name__)


def parse_framework(text: str, filename: str = "<string>") -> Framework:
    """The framework in YAML ``text``; FrameworkError with every error otherwise.

    Warnings (problems that do not stop an evaluation) are logged.
    """
    doc, problems = parse_yaml(text, filename)
    if doc is None:
        raise FrameworkError(problems)
    framework, problems = check_document(doc, filename)
    errors = errors_only(problems)
    if errors or framework is None:
        raise FrameworkError(errors or problems)
    for p in problems:
        log.warning("%s", p.format())
    return framework


def load_framework(path: str | Path) -> Framework:
    """The framework in the YAML file at ``path``; FrameworkError with every error
    (file, line, field, hint) otherwise."""
    text, problems = read_source(path)
    if text is None:
        raise FrameworkError(problems)
    return parse_framework(text, str(path))


def framework_to_yaml(framework: Framework) -> str:
    """YAML text of ``framework``: unset optional fields and empty maps left out."""
    data = _prune(framework.model_dump(mode="python", exclude_none=True))
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


def dump_framework(framework: Framework, path: str | Path) -> None:
    """Write ``framework`` as UTF-8 YAML to ``path``."""
    Path(path).write_text(framework_to_yaml(framework), encoding="utf-8")


def _prune(value: Any) -> Any:
    """Drop empty ``params``/``targets``/``conversions`` maps and ``aliases`` lists, and
    turn tuples into lists."""
    if isinstance(value, dict):
        return {
            k: _prune(v)
            for k, v in value.items()
            if not (k in {"params", "targets", "conversions", "aliases"} and v in ({}, []))
        }
    if isinstance(value, list | tuple):
        return [_prune(v) for v in value]
    return value


class _Dumper(yaml.SafeDumper):
    """Safe dumper that indents lists under their key, writes lists of scalars inline
    (``band: [4, 6]``) and multi-line text as a literal block."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(v, dict | list) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)
