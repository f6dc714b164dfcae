"""Registries of methods by name: one per kind (normaliser, weighting, aggregator, ...).

A framework file names a method; the engine looks it up here. A new method is one
decorated function plus one test::

    @NORMALISERS.register("minmax")
    def minmax(x, l=0.0, u=100.0): ...
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, TypeVar

from qcity import errors

F = TypeVar("F", bound=Callable[..., Any])


class UnknownMethodError(errors.FrameworkError, KeyError):
    """A method name that is not registered; the message lists the known ones."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        self.kind, self.name, self.known = kind, name, known
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown {self.kind} method {self.name!r}; available: {', '.join(self.known)}"


class Registry:
    """Methods of one kind, by name."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._methods: dict[str, Callable[..., Any]] = {}

    def register(self, name: str) -> Callable[[F], F]:
        """Decorator registering a function under ``name``."""

        def deco(func: F) -> F:
            if name in self._methods:
                raise ValueError(f"{self.kind} method {name!r} is registered twice")
            self._methods[name] = func
            return func

        return deco

    def get(self, name: str) -> Callable[..., Any]:
        """The function registered as ``name``; UnknownMethodError otherwise."""
        load_methods()
        try:
            return self._methods[name]
        except KeyError:
            raise UnknownMethodError(self.kind, name, self.names()) from None

    def names(self) -> list[str]:
        """Registered names, sorted."""
        load_methods()
        return sorted(self._methods)

    def __contains__(self, name: object) -> bool:
        load_methods()
        return name in self._methods

    def describe(self, name: str) -> str:
        """First line of the method's docstring (for help and error messages)."""
        doc = self.get(name).__doc__ or ""
        return doc.strip().splitlines()[0] if doc.strip() else ""


IMPUTERS = Registry("imputation")
SCREENS = Registry("screening")
TREATMENTS = Registry("outlier treatment")
TRANSFORMS = Registry("transform")
NORMALISERS = Registry("normalisation")
WEIGHTINGS = Registry("weighting")
AGGREGATORS = Registry("aggregation")

ALL = {
    "impute": IMPUTERS,
    "screen": SCREENS,
    "treat": TREATMENTS,
    "transform": TRANSFORMS,
    "normalise": NORMALISERS,
    "weighting": WEIGHTINGS,
    "aggregate": AGGREGATORS,
}

ENGINE_PARAMS: dict[str, tuple[str, ...]] = {
    "normalise": ("scope", "target_year", "reference", "goalposts"),
    "impute": ("group",),
    "weighting": ("nominal", "reference"),
    "aggregate": ("min_coverage",),
}
"""Step parameters read by the engine itself, by kind (not passed to the method):
``scope`` (per period or pooled), ``target_year`` (which target the ``target`` normaliser
uses), ``reference`` (the reference period [from, to] of a frozen scale: goalposts of
``scope: reference`` and data-driven weights), ``goalposts`` (goalposts pinned by code,
``{code: [lo, hi]}``), ``group`` (unit attribute for group-wise imputation), ``nominal``
(weights that replace the framework's, by code), ``min_coverage`` (share of children a
score needs)."""


_loaded = False


def load_methods() -> None:
    """Import the method modules so that every method is registered (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from qcity.methods import METHOD_MODULES

    for name in METHOD_MODULES:
        import_module(f"qcity.methods.{name}")
