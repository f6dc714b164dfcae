"""Gather what an evaluation reads: data, unit attributes, vintage, value statuses —
from files (a long-format table and a units table) or from the store."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import pandas as pd

from qcity.data.readers import decode_csv
from qcity.framework.model import Framework


@dataclass(frozen=True)
class EvaluationInput:
    """Data (long format), units (code + attributes), vintage and status counts."""

    data: pd.DataFrame
    units: pd.DataFrame | None
    vintage: str | None
    source: str
    groups: pd.DataFrame | None = None
    status_counts: dict[str, int] = field(default_factory=dict)

    def restrict(self, group: str | None = None, unit_type: str | None = None) -> EvaluationInput:
        """Only the members of ``group`` and/or units of ``unit_type``."""
        keep: set[str] | None = None
        if group is not None:
            if self.groups is None or group not in set(self.groups["group"]):
                known = sorted(set(self.groups["group"])) if self.groups is not None else []
                raise ValueError(f"unknown unit group {group!r}; known groups: {known}")
            keep = set(self.groups.loc[self.groups["group"] == group, "unit_code"])
        if unit_type is not None:
            if self.units is None or "type" not in self.units.columns:
                raise ValueError("--unit-type needs a units table with a 'type' column")
            of_type = set(self.units.loc[self.units["type"] == unit_type, "code"])
            if not of_type:
                raise ValueError(f"no unit of type {unit_type!r}")
            keep = of_type if keep is None else keep & of_type
        if keep is None:
            return self
        data = self.data[self.data["unit"].astype(str).isin(keep)]
        return replace(self, data=data, status_counts=_status_counts(data))


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (UTF-8, UTF-8 with BOM or GB18030) or the first sheet of an .xlsx file."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    text_columns = {"unit": str, "indicator": str, "code": str}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return pd.read_excel(path, dtype=text_columns)
    text, _ = decode_csv(path.read_bytes(), str(path))
    return pd.read_csv(io.StringIO(text.removeprefix("\ufeff")), dtype=text_columns)


def _status_counts(data: pd.DataFrame) -> dict[str, int]:
    if "status" not in data.columns:
        return {}
    return {str(k): int(v) for k, v in data["status"].value_counts().items()}


def from_files(
    fw: Framework, framework_path: Path, data_path: Path, units_path: Path | None
) -> EvaluationInput:
    """Data from a long-format file; units from ``units_path`` or the framework's
    ``units_file`` (relative to the framework file)."""
    data = read_table(data_path)
    if units_path is None and fw.units_file:
        units_path = framework_path.parent / fw.units_file
    units = read_table(units_path) if units_path is not None else None
    if units is not None and "code" not in units.columns:
        raise ValueError(f"{units_path}: the units table needs a 'code' column")
    groups = None
    if units is not None and "groups" in units.columns:
        pairs = units[["code", "groups"]].dropna()
        groups = (
            pairs.assign(group=pairs["groups"].astype(str).str.split(r"[;,\s]+"))
            .explode("group")
            .rename(columns={"code": "unit_code"})[["group", "unit_code"]]
        )
    return EvaluationInput(
        data=data,
        units=units,
        vintage=datetime.fromtimestamp(data_path.stat().st_mtime).isoformat(timespec="seconds"),
        source=str(data_path),
        groups=groups,
        status_counts=_status_counts(data),
    )


def from_store(url: str | None, as_of: datetime | None) -> EvaluationInput:
    """The latest observations (or those as of ``as_of``) and the units of the store."""
    from qcity.data.store import Store

    store = Store(url)
    try:
        store.check_schema()
        data = store.observations(as_of=as_of)
        vintage = store.vintage(as_of)
        units = store.units()
        groups = store.groups()
    finally:
        store.close()
    if data.empty:
        when = f" recorded at or before {as_of.isoformat()}" if as_of else ""
        raise ValueError(
            f"{store!r} holds no observations{when}; import data first (qcity import) "
            "or choose a later --as-of"
        )
    return EvaluationInput(
        data=data,
        units=units,
        vintage=vintage.isoformat() if vintage else None,
        source=repr(store),
        groups=groups,
        status_counts=_status_counts(data),
    )
