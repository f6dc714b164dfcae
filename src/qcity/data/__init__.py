"""qcity.data: the data store (every revision kept), import from CSV/Excel, export.

``Store`` reads and writes units (with their history), groups, framework versions and
observations on SQLite or PostgreSQL; ``import_file`` checks a file cell by cell and writes
it in one transaction; ``export_observations`` writes CSV, Excel or Parquet with
provenance; ``parse_as_of`` reads an ``--as-of`` time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.asof import parse_as_of
    from qcity.data.exporter import export_observations
    from qcity.data.importer import ImportResult, import_file
    from qcity.data.problems import ImportErrorReport, Problem
    from qcity.data.store import ImportSummary, SchemaNotReadyError, Store, StoreError
    from qcity.data.units import UnitsSummary, UnitTypeChangeError

_EXPORTS = {
    "ImportErrorReport": "qcity.data.problems",
    "ImportResult": "qcity.data.importer",
    "ImportSummary": "qcity.data.store",
    "Problem": "qcity.data.problems",
    "SchemaNotReadyError": "qcity.data.store",
    "Store": "qcity.data.store",
    "StoreError": "qcity.data.store",
    "UnitTypeChangeError": "qcity.data.units",
    "UnitsSummary": "qcity.data.units",
    "export_observations": "qcity.data.exporter",
    "import_file": "qcity.data.importer",
    "parse_as_of": "qcity.data.asof",
}

__all__ = [
    "ImportErrorReport",
    "ImportResult",
    "ImportSummary",
    "Problem",
    "SchemaNotReadyError",
    "Store",
    "StoreError",
    "UnitTypeChangeError",
    "UnitsSummary",
    "export_observations",
    "import_file",
    "parse_as_of",
]


__getattr__ = lazy_exports("qcity.data", _EXPORTS)
