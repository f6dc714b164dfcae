"""Frameworks shipped with qcity (package data): ``liyang.yaml``, the default.

The source tree's ``frameworks/liyang.yaml`` points at the same file, so that commands
written for a checkout and for an installed wheel name the same framework.
"""

from __future__ import annotations

from pathlib import Path

from qcity import errors

DIRECTORY = Path(__file__).resolve().parent

DEFAULT = "liyang"
"""The framework used when none is named (the Liyang self-evaluation framework)."""


def builtin_names() -> list[str]:
    """Names of the shipped frameworks (file stems), sorted. Files beside a framework
    whose stem has a dot (``liyang.names.yaml``: names confirmed for the yearbook import)
    are not frameworks."""
    return sorted(p.stem for p in DIRECTORY.glob("*.yaml") if "." not in p.stem)


def builtin_path(name: str = DEFAULT) -> Path:
    """The YAML file of the shipped framework ``name``; KeyError naming the known ones."""
    path = DIRECTORY / f"{name}.yaml"
    if not path.is_file():
        raise errors.Unknown(
            f"no shipped framework {name!r}; shipped: {', '.join(builtin_names())}"
        )
    return path


def framework_path(given: str | Path) -> Path:
    """``given`` as a file path when such a file exists, else the shipped framework of that
    name (``liyang``), else the path unchanged (the loader reports it missing)."""
    path = Path(given)
    if path.exists() or path.suffix:
        return path
    try:
        return builtin_path(str(given))
    except KeyError:
        return path
