"""Lazy public names for a package's ``__init__``: a name is imported from its module on
first use, so that importing the package (and ``qcity --help``) stays light."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``name`` from ``exports[name]`` when asked
    (``name`` may also be a sub-module of ``exports[name]``)."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            module = import_module(exports[name])
            if hasattr(module, name):
                return getattr(module, name)
            return import_module(f"{exports[name]}.{name}")  # a sub-module, e.g. data.migrate
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
