"""Units and their history: the checks of an incoming units table, change detection, the
append-only ``unit_revisions`` log, and reads of the units now or as they were at a time.

A unit whose name, type, parent or attributes change gets a new revision (the full row,
what changed, who, when); ``units`` keeps the current state. A change of ``type`` (a city
becoming a town) is more often a wrong code or column than a real change, so it is refused
unless confirmed. A table is also refused when a unit would be its own parent or an
ancestor of itself, or when a type is not one of ``UNIT_TYPES`` (nor already stored). A
table with fewer columns updates only those: a column absent keeps what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Select, bindparam, func, insert, select, update

from qcity import errors
from qcity.data.limits import refuse_too_long
from qcity.data.tables import (
    UNIT_FIXED,
    UNIT_REVISIONS,
    UNITS,
    StoreError,
    as_utc,
    frame_from_rows,
    text_table,
)

#: The fields of a unit that are compared and recorded, in order.
UNIT_FIELDS = ["name_zh", "name_en", "type", "parent_code", "attributes"]

#: Unit types accepted in a units table (besides types already stored): countries and
#: regions (international comparisons), the levels of Chinese administration from
#: province to village, and development zones.
UNIT_TYPES = (
    "country",
    "region",
    "province",
    "prefecture",
    "city",
    "county",
    "district",
    "town",
    "township",
    "street",
    "village",
    "zone",
)

#: Key of a prepared record holding the columns its table gave (others keep the stored).
GIVEN = "_given"

#: Key of a prepared record holding its row in the file (row 1 = header).
ROW = "_row"

#: Columns of ``Store.unit_history``.
HISTORY_COLUMNS = [
    "revision",
    *UNIT_FIELDS,
    "changes",
    "recorded_at",
    "entered_by",
]


@dataclass(frozen=True)
class UnitsSummary:
    """What ``Store.add_units`` did: units new to the store, units revised (a new
    revision recorded), and units equal to what is stored (nothing written)."""

    added: int
    revised: int
    unchanged: int

    @property
    def written(self) -> int:
        """Units written (added + revised)."""
        return self.added + self.revised

    @property
    def rows(self) -> int:
        """Units in the table given."""
        return self.added + self.revised + self.unchanged


class UnitTypeChangeError(errors.ConflictError, StoreError):
    """Units whose ``type`` would change; refused unless confirmed. ``changes`` holds
    (code, name_zh, type before, type after)."""

    def __init__(self, changes: list[tuple[str, str, str, str]]) -> None:
        """Keep the changes; the message lists them and says how to confirm."""
        self.changes = changes
        listed = ", ".join(f"{c} ({n}) {a} -> {b}" for c, n, a, b in changes[:10])
        more = f" and {len(changes) - 10} more" if len(changes) > 10 else ""
        super().__init__(
            f"the type of {len(changes)} unit(s) would change: {listed}{more}. A unit "
            "rarely changes type (a wrong code or column is more likely); check the table. "
            "If the change is real, confirm it: `qcity import-units FILE --confirm` "
            "(Python: add_units(..., confirm_type_change=True)). Nothing was written"
        )


#: The text fields of a unit and the column whose length limit they obey.
UNIT_COLUMNS: dict[str, str] = {
    c: f"units.{c}" for c in ("code", "name_zh", "name_en", "type", "parent_code")
}


class GroupShrinkError(StoreError):
    """Groups that would lose members; refused unless ``replace``. ``dropped`` maps each
    group to the members it would lose."""

    def __init__(self, dropped: dict[str, list[str]]) -> None:
        """Keep what would be dropped; the message lists it and says how to confirm."""
        self.dropped = dropped
        listed = "; ".join(f"{g} loses {', '.join(u)}" for g, u in sorted(dropped.items()))
        super().__init__(
            f"the file would drop members of {len(dropped)} group(s): {listed}. A file "
            "listing part of a group is often incomplete; if the new membership is meant, "
            "run again with `qcity import-groups FILE --replace` (Python: "
            "add_groups(..., replace=True)) / 将删除对标组成员，确认请加 --replace"
        )


def prepare_units(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Check a units table (columns code, name_zh, name_en, type, parent_code; any other
    column is an attribute such as region) and return one record per unit."""
    units = text_table(
        df,
        "units",
        {"code", "name_zh", "type"},
        "code, name_zh, name_en, type, parent_code (+ attribute columns)",
    )
    if units["code"].isna().any():
        rows = [int(i) + 2 for i in np.flatnonzero(units["code"].isna())]
        raise StoreError(f"units rows {rows[:10]} have no code (row 1 = header)")
    refuse_too_long(units, UNIT_COLUMNS, "units")
    dup = units["code"][units["code"].duplicated()].unique().tolist()
    if dup:
        raise StoreError(f"unit codes listed twice: {dup[:10]}")
    for col in ("name_zh", "type"):
        if units[col].isna().any():
            bad = units.loc[units[col].isna(), "code"].tolist()[:10]
            raise StoreError(f"units {bad} have no {col}")
    given = frozenset(units.columns)
    for col in ("name_en", "parent_code"):
        if col not in units:
            units[col] = None
    attr_cols = [c for c in units.columns if c not in UNIT_FIXED]
    records = []
    for pos, row in enumerate(units.to_dict("records")):
        attrs: dict[str, Any] = {}
        for c in attr_cols:
            v = row[c]
            if isinstance(v, dict) and c == "attributes":
                attrs.update(v)
            else:
                attrs[c] = v  # None: the column is given and this cell empty
        records.append(
            {**{c: row[c] for c in UNIT_FIXED}, "attributes": attrs, GIVEN: given, ROW: pos + 2}
        )
    return records


def _merge_stored(record: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """The unit as it will be stored: the columns the table gave, the stored values of the
    others (a new unit: English name = Chinese name, no parent). An empty cell of a given
    attribute column removes that attribute."""
    given = record[GIVEN]
    out = {k: v for k, v in record.items() if k not in (GIVEN, ROW)}
    base = dict(stored or {})
    if "name_en" not in given or out["name_en"] is None:
        out["name_en"] = base.get("name_en") or out["name_zh"]
    if "parent_code" not in given:
        out["parent_code"] = base.get("parent_code")
    attrs = {**(base.get("attributes") or {}), **out["attributes"]}
    out["attributes"] = {k: v for k, v in attrs.items() if v is not None}
    return out


def check_tree(
    records: list[dict[str, Any]], stored: dict[str, dict[str, Any]], rows: dict[str, int]
) -> None:
    """StoreError naming the row and field of every unit that is its own parent, lies on
    a parent cycle (with the stored parents), or has an unknown type (``UNIT_TYPES`` or a
    type already stored)."""
    problems: list[str] = []
    known_types = set(UNIT_TYPES) | {str(u["type"]) for u in stored.values()}
    unknown: dict[str, list[int]] = {}
    for r in records:
        if r["type"] not in known_types:
            unknown.setdefault(str(r["type"]), []).append(rows[r["code"]])
    for utype, lines in unknown.items():
        where = f"row {lines[0]}" if len(lines) == 1 else f"rows {lines[:10]}"
        problems.append(
            f"{where}, field type: {utype!r} is not a unit type; use one of "
            f"{', '.join(sorted(known_types))} / 未知的地区类型"
        )
    parent = {c: u.get("parent_code") for c, u in stored.items()}
    parent.update({r["code"]: r["parent_code"] for r in records})
    for r in records:
        code = r["code"]
        if r["parent_code"] == code:
            problems.append(
                f"row {rows[code]}, field parent_code: {code} is its own parent; leave it "
                "empty for a top unit / 上级不能是自身"
            )
            continue
        path, at = [code], r["parent_code"]
        while at is not None and at not in path and len(path) <= len(parent):
            path.append(at)
            at = parent.get(at)
        if at == code:
            chain = " -> ".join([*path, code])
            problems.append(
                f"row {rows[code]}, field parent_code: a parent cycle {chain}; a unit cannot "
                "be above itself, check the parent codes / 上级关系成环"
            )
    if problems:
        raise StoreError("; ".join(problems[:10]) + (" ..." if len(problems) > 10 else ""))


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` of the fields that differ (attributes as a whole)."""
    before = {**old, "attributes": old.get("attributes") or {}}
    return {f: [before[f], new[f]] for f in UNIT_FIELDS if before[f] != new[f]}


def write_units(
    conn: Connection,
    records: list[dict[str, Any]],
    entered_by: str,
    now: datetime,
    confirm_type_change: bool,
) -> UnitsSummary:
    """Insert new units, update changed ones and record a revision for each, inside the
    caller's transaction. Raises ``StoreError`` (unknown parent) or
    ``UnitTypeChangeError`` (unconfirmed type change) before anything is written."""
    stored = {r["code"]: dict(r) for r in conn.execute(select(UNITS)).mappings()}
    rows = {r["code"]: int(r.get(ROW, 0)) for r in records}
    records = [_merge_stored(r, stored.get(r["code"])) if GIVEN in r else r for r in records]
    check_tree(records, stored, rows)
    parents = {r["parent_code"] for r in records if r["parent_code"]}
    unknown = sorted(parents - set(stored) - {r["code"] for r in records})
    if unknown:
        raise StoreError(f"parent_code {unknown[:10]} not known; list the parent units too")
    new = [r for r in records if r["code"] not in stored]
    revised = [
        (r, d) for r in records if r["code"] in stored and (d := _diff(stored[r["code"]], r))
    ]
    type_changes = [
        (r["code"], str(r["name_zh"]), str(d["type"][0]), str(d["type"][1]))
        for r, d in revised
        if "type" in d
    ]
    if type_changes and not confirm_type_change:
        raise UnitTypeChangeError(type_changes)
    last: dict[str, int] = {}
    if revised:
        codes = [r["code"] for r, _ in revised]
        stmt = (
            select(UNIT_REVISIONS.c.code, func.max(UNIT_REVISIONS.c.revision))
            .where(UNIT_REVISIONS.c.code.in_(codes))
            .group_by(UNIT_REVISIONS.c.code)
        )
        last = {str(code): int(rev) for code, rev in conn.execute(stmt)}
    if new:
        conn.execute(insert(UNITS), new)
    if revised:
        stmt_u = (
            update(UNITS)
            .where(UNITS.c.code == bindparam("b_code"))
            .values({c: bindparam(c) for c in UNIT_FIELDS})
        )
        conn.execute(stmt_u, [{**r, "b_code": r["code"]} for r, _ in revised])
    log: list[tuple[dict[str, Any], int, dict[str, list[Any]]]] = [(r, 1, {}) for r in new] + [
        (r, last.get(r["code"], 0) + 1, d) for r, d in revised
    ]
    if log:
        conn.execute(
            insert(UNIT_REVISIONS),
            [
                {
                    **r,
                    "revision": rev,
                    "changes": changes,
                    "recorded_at": now,
                    "entered_by": entered_by,
                }
                for r, rev, changes in log
            ],
        )
    return UnitsSummary(
        added=len(new), revised=len(revised), unchanged=len(records) - len(new) - len(revised)
    )


def units_select(as_of: datetime | None) -> Select[Any]:
    """The units now (table ``units``) or, with ``as_of``, the latest revision of each
    unit recorded at or before it (``ROW_NUMBER()`` over ``unit_revisions``)."""
    if as_of is None:
        return select(UNITS).order_by(UNITS.c.code)
    t = UNIT_REVISIONS
    rank = func.row_number().over(partition_by=t.c.code, order_by=t.c.revision.desc())
    inner = (
        select(*(t.c[c] for c in ["code", *UNIT_FIELDS]), rank.label("rank"))
        .where(t.c.recorded_at <= as_utc(as_of))
        .subquery("ranked")
    )
    return (
        select(*(inner.c[c] for c in ["code", *UNIT_FIELDS]))
        .where(inner.c["rank"] == 1)
        .order_by(inner.c.code)
    )


def units_frame(rows: list[Any]) -> pd.DataFrame:
    """Units as a DataFrame: code, name_zh, name_en, type, parent_code, then one column
    per attribute (in the order first seen)."""
    base = pd.DataFrame([{c: r[c] for c in UNIT_FIXED} for r in rows], columns=UNIT_FIXED)
    attrs = pd.DataFrame([dict(r["attributes"] or {}) for r in rows], index=base.index)
    return pd.concat([base, attrs], axis=1) if len(attrs.columns) else base


def describe_changes(revision: int, changes: dict[str, Any] | None) -> str:
    """A revision's changes as text: ``type: city -> town; name_zh: A -> B``."""
    if not changes:
        return "first revision / 首次记录" if revision == 1 else "unchanged"

    def show(v: Any) -> str:
        return "(none)" if v is None or v == {} else str(v)

    return "; ".join(f"{f}: {show(a)} -> {show(b)}" for f, (a, b) in changes.items())


def history_select(code: str) -> Select[Any]:
    """Every revision of unit ``code``, oldest first."""
    t = UNIT_REVISIONS
    return select(*(t.c[c] for c in HISTORY_COLUMNS)).where(t.c.code == code).order_by(t.c.revision)


def history_frame(rows: list[Any]) -> pd.DataFrame:
    """Revisions as a DataFrame (``HISTORY_COLUMNS``), ``changes`` described as text."""
    df = frame_from_rows(rows, HISTORY_COLUMNS)
    df["changes"] = [
        describe_changes(int(rev), ch)
        for rev, ch in zip(df["revision"], df["changes"], strict=True)
    ]
    return df
