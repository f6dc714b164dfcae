"""Files in and out: safe writing (atomic, formula-guarded), reading times and formats,
and the problems of an input file.

Every file an interface writes goes through these functions, so the checks (no formula
in an export, whole or not at all) are the same everywhere; importing and exporting data
are the use cases of ``qcity.service.imports``.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.asof import DEFAULT_TIMEZONE, parse_as_of
    from qcity.data.atomic import atomic_file, atomic_folder, moved
    from qcity.data.importer import file_sha256
    from qcity.data.problems import ImportErrorReport, Problem, sort_problems
    from qcity.data.readers import file_format
    from qcity.data.safe_cells import safe_frame, safe_xlsx
    from qcity.data.yearbook import Recognition

_EXPORTS = {
    "atomic_file": "qcity.data.atomic",
    "atomic_folder": "qcity.data.atomic",
    "DEFAULT_TIMEZONE": "qcity.data.asof",
    "file_format": "qcity.data.readers",
    "file_sha256": "qcity.data.importer",
    "ImportErrorReport": "qcity.data.problems",
    "moved": "qcity.data.atomic",
    "parse_as_of": "qcity.data.asof",
    "Problem": "qcity.data.problems",
    "Recognition": "qcity.data.yearbook",
    "safe_frame": "qcity.data.safe_cells",
    "safe_xlsx": "qcity.data.safe_cells",
    "sort_problems": "qcity.data.problems",
}

__all__ = [
    "DEFAULT_TIMEZONE",
    "ImportErrorReport",
    "Problem",
    "Recognition",
    "atomic_file",
    "atomic_folder",
    "file_format",
    "file_sha256",
    "moved",
    "parse_as_of",
    "safe_frame",
    "safe_xlsx",
    "sort_problems",
]

__getattr__ = lazy_exports("qcity.service.files", _EXPORTS)
