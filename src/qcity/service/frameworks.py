"""Frameworks: the model, reading and writing YAML, validation, the shipped ones, methods.

The CLI and the web load and check a framework through this module only.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.engine.scale import frozen_framework
    from qcity.framework.departments import same_department
    from qcity.framework.io import dump_framework, load_framework, parse_framework
    from qcity.framework.model import Framework, Indicator, Moderate, Node
    from qcity.framework.problems import FrameworkError, Problem, errors_only
    from qcity.framework.source import parse_yaml, read_source
    from qcity.framework.validate import check_document
    from qcity.frameworks import builtin_path, framework_path
    from qcity.methods.registry import ALL, load_methods

_EXPORTS = {
    "ALL": "qcity.methods.registry",
    "builtin_path": "qcity.frameworks",
    "check_document": "qcity.framework.validate",
    "dump_framework": "qcity.framework.io",
    "errors_only": "qcity.framework.problems",
    "Framework": "qcity.framework.model",
    "framework_path": "qcity.frameworks",
    "FrameworkError": "qcity.framework.problems",
    "frozen_framework": "qcity.engine.scale",
    "Indicator": "qcity.framework.model",
    "load_framework": "qcity.framework.io",
    "load_methods": "qcity.methods.registry",
    "Moderate": "qcity.framework.model",
    "Node": "qcity.framework.model",
    "parse_framework": "qcity.framework.io",
    "parse_yaml": "qcity.framework.source",
    "Problem": "qcity.framework.problems",
    "read_source": "qcity.framework.source",
    "same_department": "qcity.framework.departments",
}

__all__ = [
    "ALL",
    "Framework",
    "FrameworkError",
    "Indicator",
    "Moderate",
    "Node",
    "Problem",
    "builtin_path",
    "check_document",
    "dump_framework",
    "errors_only",
    "framework_path",
    "frozen_framework",
    "load_framework",
    "load_methods",
    "parse_framework",
    "parse_yaml",
    "read_source",
    "same_department",
]

__getattr__ = lazy_exports("qcity.service.frameworks", _EXPORTS)
