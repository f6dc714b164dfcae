"""Frameworks: the model, checking a framework file, freezing a reference scale, the
frameworks stored with runs, the shipped ones, the registered methods.

The CLI and the web load and check a framework through this module only. Use cases:
``check_framework`` (every problem of a file, what ``qcity validate`` and ``qcity show``
report), ``freeze_framework`` (a new version with the reference period's goalposts),
``stored_framework`` (a version as stored with a run) and ``framework_methods`` (every
registered method with its documentation).

The model and the pure helpers are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qcity import errors
from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.framework.io import load_framework
    from qcity.framework.model import Framework, Indicator, Moderate, Node
    from qcity.framework.problems import FrameworkError, Problem
    from qcity.frameworks import builtin_path, framework_path
    from qcity.service.evaluation import EvaluationResult

_EXPORTS = {
    "builtin_path": "qcity.frameworks",
    "Framework": "qcity.framework.model",
    "framework_path": "qcity.frameworks",
    "FrameworkError": "qcity.framework.problems",
    "Indicator": "qcity.framework.model",
    "load_framework": "qcity.framework.io",
    "Moderate": "qcity.framework.model",
    "Node": "qcity.framework.model",
    "Problem": "qcity.framework.problems",
}


@dataclass(frozen=True)
class FrameworkCheck:
    """A framework file checked: the framework (None when it cannot be built) and every
    problem found (errors and warnings, in the file's order)."""

    path: Path
    framework: Framework | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that make the file unusable."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that do not stop an evaluation."""
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def failed(self) -> bool:
        """True when the file cannot be used: an error, or no framework built."""
        return self.framework is None or bool(self.errors)


def check_framework(*, path: Path) -> FrameworkCheck:
    """Check the framework file at ``path`` and report every problem at once (file,
    line, field, hint): the text (UTF-8), the YAML syntax, the schema and the semantic
    checks. Never raises for a bad file: the problems are the result."""
    from qcity.framework.source import parse_yaml, read_source
    from qcity.framework.validate import check_document

    text, problems = read_source(path)
    if text is None:
        return FrameworkCheck(path, None, tuple(problems))
    doc, problems = parse_yaml(text, str(path))
    if doc is None:
        return FrameworkCheck(path, None, tuple(problems))
    framework, problems = check_document(doc, str(path))
    return FrameworkCheck(path, framework, tuple(problems))


@dataclass(frozen=True)
class FrozenFramework:
    """A frozen framework written: the file, the framework (code and new version), the
    indicators whose goalposts were frozen, the reference period they come from, and
    the illustrative-data notice of the values they were computed from (None: real
    data)."""

    path: Path
    framework: Framework
    indicators: int
    first: int
    last: int
    notice: str | None


def freeze_framework(
    framework: Framework,
    *,
    evaluate: Callable[[], EvaluationResult],
    out: Path,
    version: str | None = None,
) -> FrozenFramework:
    """Write to ``out`` a new version of ``framework`` (``version``, default
    ``VERSION-frozen``) with the goalposts that its reference period gives each indicator
    normalised with scope 'reference', so that no later revision of those years' data can
    move the scale. ``evaluate`` evaluates the data (nothing is stored); it is called only
    once the framework is known to declare a reference period. The description says
    where the goalposts come from, and that they come from generated demo values when
    they do. ``FrameworkError`` without a reference period, ``EvaluationError`` when the
    run computed no goalposts; nothing is written then."""
    from qcity.data.atomic import atomic_file
    from qcity.engine.scale import frozen_framework
    from qcity.framework.io import framework_to_yaml
    from qcity.service.notice import LABEL

    ref = framework.reference_period
    if ref is None:
        raise errors.FrameworkError(
            f"framework {framework.code} {framework.version} declares no reference_period, "
            "so there is nothing to freeze; add e.g. 'reference_period: {from: 2015, to: 2020}' "
            "to the framework (docs/en/scale.md) / 未声明基准期，无法冻结"
        )
    result = evaluate()
    try:
        frozen = frozen_framework(result.evaluation, version or f"{framework.version}-frozen")
    except errors.QcityError:
        raise
    except ValueError as exc:
        raise errors.EvaluationError(str(exc)) from exc
    computed = result.evaluation.goalposts().query("source != 'given'")
    note = (
        f"Goalposts of {len(computed)} indicator(s) frozen from the reference period "
        f"{ref.first}-{ref.last} of framework {framework.code} {framework.version} "
        "(qcity freeze)."
    )
    if result.notice:
        note += f" {LABEL}: computed from generated demo values, not real statistics."
    frozen.description = f"{frozen.description}\n{note}" if frozen.description else note
    with atomic_file(out) as tmp:
        tmp.write_text(framework_to_yaml(frozen), encoding="utf-8")
    return FrozenFramework(out, frozen, len(computed), ref.first, ref.last, result.notice)


@dataclass(frozen=True)
class StoredFramework:
    """A framework version as stored with the runs: the framework and its YAML text."""

    framework: Framework
    text: str


def stored_framework(*, db: str | None, code: str, version: str | None = None) -> StoredFramework:
    """The framework ``code`` at ``version`` (default: the last stored) as the store keeps
    it with its runs, read and checked. ``NotFound`` (also a ``KeyError``) when the store
    has no such framework; ``FrameworkError`` when the stored text is not valid."""
    from qcity.data.store import Store
    from qcity.framework.io import parse_framework

    with Store(db, create=False) as store:
        text = store.framework_text(code, version)
    return StoredFramework(parse_framework(text, "stored framework"), text)


@dataclass(frozen=True)
class MethodInfo:
    """A registered method: its kind (``normalise``, ``weighting`` ...), its name and its
    documentation (formula and source), dedented."""

    kind: str
    name: str
    doc: str


def framework_methods() -> tuple[MethodInfo, ...]:
    """Every method a framework may name, by kind in the registry's order and by name,
    with its documentation."""
    from qcity.methods.registry import ALL

    return tuple(
        MethodInfo(kind, name, inspect.cleandoc(registry.get(name).__doc__ or ""))
        for kind, registry in ALL.items()
        for name in registry.names()
    )


__all__ = [
    "Framework",
    "FrameworkCheck",
    "FrameworkError",
    "FrozenFramework",
    "Indicator",
    "MethodInfo",
    "Moderate",
    "Node",
    "Problem",
    "StoredFramework",
    "builtin_path",
    "check_framework",
    "framework_methods",
    "framework_path",
    "freeze_framework",
    "load_framework",
    "stored_framework",
]

__getattr__ = lazy_exports("qcity.service.frameworks", _EXPORTS)
