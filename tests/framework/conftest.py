"""Fixtures for framework tests: small YAML files and isolated method registries."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qcity.framework import method_checks

MINIMAL = """\
code: T
version: "1"
name_zh: 测试体系
name_en: Test framework
valid_from: 2020
valid_to: 2030
root:
  code: IDX
  name_zh: 指数
  name_en: Index
  children:
    - code: D1
      name_zh: 维度一
      name_en: Dimension one
      children:
        - code: I1
          name_zh: 指标一
          name_en: Indicator one
        - code: I2
          name_zh: 指标二
          name_en: Indicator two
          direction: -1
"""
"""A valid framework: one dimension with two indicators."""


class FakeRegistry:
    """Stand-in for ``qcity.methods.registry.Registry`` with fixed methods, so that these
    tests do not depend on which methods the engine has registered."""

    def __init__(self, kind: str, methods: dict[str, Callable[..., Any]]) -> None:
        self.kind, self._methods = kind, methods

    def names(self) -> list[str]:
        return sorted(self._methods)

    def get(self, name: str) -> Callable[..., Any]:
        return self._methods[name]

    def __contains__(self, name: object) -> bool:
        return name in self._methods


def _minmax(x: Any, cols: Any, l: float = 0.0, u: float = 100.0) -> Any:  # noqa: E741
    return x


def _zscore(x: Any, cols: Any, *, m: float = 0.0, s: float = 1.0) -> Any:
    return x


def _needs_alpha(x: Any, cols: Any, *, alpha: float) -> Any:
    return x


def _any_params(x: Any, w: Any, **params: Any) -> Any:
    return x


def _two_args(x: Any, second: Any = None) -> Any:
    return x


def _one_arg(x: Any) -> Any:
    return x


def _availability(x: Any, unit_threshold: float = 0.65) -> Any:
    return x


FAKE = {
    "normalise": {"minmax": _minmax, "zscore": _zscore, "needs_alpha": _needs_alpha},
    "weighting": {"manual": _two_args, "equal": _two_args},
    "aggregate": {"arithmetic": _any_params, "geometric": _two_args},
    "impute": {"none": _two_args, "mean": _two_args},
    "screen": {"none": _one_arg, "availability": _availability},
    "treat": {"none": _one_arg},
    "transform": {"log": _one_arg},
}


@pytest.fixture
def fake_methods(monkeypatch: pytest.MonkeyPatch) -> dict[str, FakeRegistry]:
    """Make the validator see exactly the methods in ``FAKE``."""
    registries = {kind: FakeRegistry(kind, dict(methods)) for kind, methods in FAKE.items()}
    monkeypatch.setattr(method_checks, "_registries", lambda: registries)
    return registries


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML text (dedented) to a file in tmp_path and return its path."""

    def _write(text: str, name: str = "fw.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``text`` containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[nth - 1]


def with_indicator(extra: str, code: str = "I2") -> str:
    """MINIMAL with ``extra`` (lines at indicator depth, no indent) added to indicator
    ``code``."""
    lines = MINIMAL.splitlines()
    at = lines.index(f"        - code: {code}")
    end = at + 1
    while end < len(lines) and lines[end].startswith("          "):
        end += 1
    added = ["          " + x for x in textwrap.dedent(extra).strip("\n").splitlines()]
    return "\n".join([*lines[:end], *added, *lines[end:]]) + "\n"
