"""Files in and out: safe writing (atomic, formula-guarded), reading and importing data files.

Every file an interface reads or writes goes through these functions, so the checks
(file, row, field named on bad input; no formula in an export) are the same everywhere.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.asof import DEFAULT_TIMEZONE, parse_as_of
    from qcity.data.atomic import atomic_file, atomic_folder, moved
    from qcity.data.exporter import export_observations
    from qcity.data.importer import file_sha256, import_file, read_checked
    from qcity.data.names import (
        NamesFileError,
        load_names,
        names_path,
        save_names,
        split_decoration,
    )
    from qcity.data.periods import MIN_YEAR, max_year
    from qcity.data.problems import ImportErrorReport, Problem, sort_problems
    from qcity.data.readers import FileReadError, decode_csv, file_format
    from qcity.data.safe_cells import safe_frame, safe_xlsx
    from qcity.data.yearbook import Recognition

_EXPORTS = {
    "atomic_file": "qcity.data.atomic",
    "atomic_folder": "qcity.data.atomic",
    "decode_csv": "qcity.data.readers",
    "DEFAULT_TIMEZONE": "qcity.data.asof",
    "export_observations": "qcity.data.exporter",
    "file_format": "qcity.data.readers",
    "file_sha256": "qcity.data.importer",
    "FileReadError": "qcity.data.readers",
    "import_file": "qcity.data.importer",
    "ImportErrorReport": "qcity.data.problems",
    "load_names": "qcity.data.names",
    "max_year": "qcity.data.periods",
    "MIN_YEAR": "qcity.data.periods",
    "moved": "qcity.data.atomic",
    "names_path": "qcity.data.names",
    "NamesFileError": "qcity.data.names",
    "parse_as_of": "qcity.data.asof",
    "Problem": "qcity.data.problems",
    "read_checked": "qcity.data.importer",
    "Recognition": "qcity.data.yearbook",
    "safe_frame": "qcity.data.safe_cells",
    "safe_xlsx": "qcity.data.safe_cells",
    "save_names": "qcity.data.names",
    "sort_problems": "qcity.data.problems",
    "split_decoration": "qcity.data.names",
}

__all__ = [
    "DEFAULT_TIMEZONE",
    "MIN_YEAR",
    "FileReadError",
    "ImportErrorReport",
    "NamesFileError",
    "Problem",
    "Recognition",
    "atomic_file",
    "atomic_folder",
    "decode_csv",
    "export_observations",
    "file_format",
    "file_sha256",
    "import_file",
    "load_names",
    "max_year",
    "moved",
    "names_path",
    "parse_as_of",
    "read_checked",
    "safe_frame",
    "safe_xlsx",
    "save_names",
    "sort_problems",
    "split_decoration",
]

__getattr__ = lazy_exports("qcity.service.files", _EXPORTS)
