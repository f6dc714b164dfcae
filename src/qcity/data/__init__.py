"""qcity.data: the data store (every revision kept), import from CSV/Excel, export.

``Store`` reads and writes units, groups, framework versions and observations on SQLite
or PostgreSQL; ``import_file`` checks a file cell by cell and writes it in one
transaction; ``export_observations`` writes CSV, Excel or Parquet with provenance.
"""

from qcity.data.exporter import export_observations
from qcity.data.importer import ImportResult, import_file
from qcity.data.problems import ImportErrorReport, Problem
from qcity.data.store import ImportSummary, SchemaNotReadyError, Store, StoreError

__all__ = [
    "ImportErrorReport",
    "ImportResult",
    "ImportSummary",
    "Problem",
    "SchemaNotReadyError",
    "Store",
    "StoreError",
    "export_observations",
    "import_file",
]
