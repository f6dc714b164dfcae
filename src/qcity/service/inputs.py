"""What an evaluation reads — data, unit attributes, groups, vintage, value statuses —
from files or from the store, and which units it selects.

A data file is read and checked by the importer's own reader
(``qcity.data.importer.read_checked``), so ``qcity evaluate --data`` accepts and
rejects exactly what ``qcity import`` accepts and rejects, with the same problem table.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from qcity import errors
from qcity.data.importer import read_checked
from qcity.data.readers import FileReadError, decode_csv
from qcity.framework.model import Framework


class InputError(errors.InputError, ValueError):
    """Inputs that cannot be evaluated as asked (unknown group, nothing stored ...)."""


@dataclass(frozen=True)
class EvaluationInput:
    """Data (long format, with status and source when known), units (code + attributes),
    group memberships, the data vintage and where the data came from (``store_url`` for
    the database); ``selection`` says which units were chosen and how."""

    data: pd.DataFrame
    units: pd.DataFrame | None
    vintage: str | None
    source: str
    groups: pd.DataFrame | None = None
    as_of: datetime | None = None
    selection: dict[str, Any] = field(default_factory=dict)
    store_url: str | None = None
    #: which stored values were read: "approved" (default) or "all" (drafts included)
    values: str = "approved"

    def restrict(self, group: str | None = None, unit_type: str | None = None) -> EvaluationInput:
        """Only the members of ``group`` and/or the units of type ``unit_type``; the
        selection records what was asked and which units remain."""
        keep: set[str] | None = None
        if group is not None:
            known = sorted(set(self.groups["group"])) if self.groups is not None else []
            if group not in known:
                raise InputError(
                    f"unknown unit group {group!r}; known groups: {', '.join(known) or 'none'}"
                    " (load groups with `qcity import-groups`)"
                )
            assert self.groups is not None
            keep = set(self.groups.loc[self.groups["group"] == group, "unit_code"].astype(str))
        if unit_type is not None:
            if self.units is None or "type" not in self.units.columns:
                raise InputError("--unit-type needs a units table with a 'type' column")
            of_type = set(self.units.loc[self.units["type"] == unit_type, "code"].astype(str))
            if not of_type:
                types = sorted(set(self.units["type"].dropna().astype(str)))
                raise InputError(
                    f"no unit of type {unit_type!r}; types present: {', '.join(types)}"
                )
            keep = of_type if keep is None else keep & of_type
        data = self.data
        if keep is not None:
            data = data[data["unit"].astype(str).isin(keep)]
            if data.empty:
                raise InputError(
                    f"no data for the units selected (group={group!r}, unit type={unit_type!r})"
                )
        selection = describe_selection(data, self.units, group=group, unit_type=unit_type)
        if self.values != "approved":  # a run on unreviewed values says so
            selection["values"] = self.values
        return replace(self, data=data, selection=selection)


def describe_selection(
    data: pd.DataFrame,
    units: pd.DataFrame | None,
    *,
    group: str | None = None,
    unit_type: str | None = None,
) -> dict[str, Any]:
    """Which units an evaluation covers: the group and type asked for, the unit codes and
    how many of each unit type (so a run without a group says what it selected)."""
    codes = sorted(data["unit"].astype(str).unique())
    types: dict[str, int] = {}
    if units is not None and "type" in units.columns:
        of = dict(zip(units["code"].astype(str), units["type"].astype(str), strict=False))
        for code in codes:
            t = of.get(code, "?")
            types[t] = types.get(t, 0) + 1
    return {"group": group, "unit_type": unit_type, "units": codes, "types": types}


def selection_text(selection: dict[str, Any]) -> str:
    """One line for people: ``group sunan: 10 units (city 10)``."""
    what = []
    if selection.get("group"):
        what.append(f"group {selection['group']}")
    if selection.get("unit_type"):
        what.append(f"type {selection['unit_type']}")
    head = ", ".join(what) if what else "all units (no --group or --unit-type)"
    types = selection.get("types") or {}
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(types.items()))
    n = len(selection.get("units") or [])
    return f"{head}: {n} units" + (f" ({kinds})" if kinds else "")


def read_units_file(path: Path) -> pd.DataFrame:
    """A units table (CSV in UTF-8, UTF-8 with BOM or GB18030, or the first sheet of an
    .xlsx) with at least a ``code`` column."""
    if not path.is_file():
        raise InputError(f"{path}: no such units file")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            from qcity.data.xlsx_guard import check_xlsx

            check_xlsx(path)  # refused unopened: zip bombs, XML entities
            units = pd.read_excel(path, dtype={"code": str})
        else:
            text, _ = decode_csv(path.read_bytes(), str(path))
            units = pd.read_csv(io.StringIO(text.removeprefix("\ufeff")), dtype={"code": str})
    except (FileReadError, ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(
            f"{path}: cannot read the units table ({type(exc).__name__}: {exc}); give a CSV "
            "or an .xlsx workbook with a header row (code, name_zh, type, ...)"
        ) from None
    if "code" not in units.columns:
        raise InputError(f"{path}: the units table needs a 'code' column")
    return units


def _groups_from_units(units: pd.DataFrame | None) -> pd.DataFrame | None:
    """Group memberships from a ``groups`` column of a units file (``a;b`` lists)."""
    if units is None or "groups" not in units.columns:
        return None
    pairs = units[["code", "groups"]].dropna()
    return (
        pairs.assign(group=pairs["groups"].astype(str).str.split(r"[;,\s]+"))
        .explode("group")
        .rename(columns={"code": "unit_code"})[["group", "unit_code"]]
    )


def from_files(
    fw: Framework, framework_path: Path, data_path: Path, units_path: Path | None = None
) -> EvaluationInput:
    """Data from a CSV/Excel file, read and checked as ``qcity import`` does; units from
    ``units_path`` or the framework's ``units_file`` (relative to the framework file).
    Without a units table, every unit code in the data is accepted."""
    if units_path is None and fw.units_file:
        units_path = framework_path.parent / fw.units_file
    units = read_units_file(units_path) if units_path is not None else None
    if not data_path.is_file():
        raise InputError(f"{data_path}: no such data file")
    data = read_checked(data_path, fw, units, action="evaluate")[0].observations
    mtime = datetime.fromtimestamp(data_path.stat().st_mtime, tz=UTC)
    return EvaluationInput(
        data=data,
        units=units,
        vintage=mtime.isoformat(timespec="seconds"),
        source=str(data_path),
        groups=_groups_from_units(units),
        selection=describe_selection(data, units),
    )


def from_store(
    url: str | None, as_of: datetime | None = None, values: str = "approved"
) -> EvaluationInput:
    """The latest observations (or those as of ``as_of``), units and groups of the store.
    ``values="approved"`` (default): per key the latest revision approved by then;
    ``"all"`` the latest revision whatever its review state (drafts included; the
    selection records it)."""
    from qcity.data.store import Store

    with Store(url, create=False) as store:
        store.check_schema()
        data = store.observations(as_of=as_of, values=values)
        vintage = store.vintage(as_of, values=values)
        units = store.units(as_of=as_of)
        groups = store.groups()
        where, resolved = repr(store), store.url
    if data.empty:
        when = f" recorded at or before {as_of.isoformat()}" if as_of else ""
        raise InputError(
            f"{where} holds no observations{when}; import data first (qcity import) "
            "or choose a later --as-of"
        )
    return EvaluationInput(
        data=data,
        units=units,
        vintage=vintage.isoformat() if vintage else None,
        source=where,
        groups=groups,
        as_of=as_of,
        selection=describe_selection(data, units),
        store_url=resolved,
        values=values,
    )
