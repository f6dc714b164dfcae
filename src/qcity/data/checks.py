"""Checks of imported records against the framework and the store, every cell at once.

Each check (``qcity.data.record_checks.CHECKS``, small named functions run in order) is a
vectorised mask over all records; each bad cell becomes a ``Problem``
naming sheet, row, column, value and reason. Errors block the import; warnings (a unit
type the indicator is not defined for, a quarterly value of an annual indicator) are
listed and the values stored.

A value outside its indicator's ``plausible_range`` is an error unless accepted with a
reason (``accept_implausible``, ``qcity import --accept-implausible "why"``): then it is a
warning and the value is stored with ``flag = "implausible"``. ``implausible`` is THE
plausibility check: file imports (here), drafts and web entries (``qcity.data.workflow``)
all call it. A non-finite value (inf, nan, 1e400) is never accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from qcity import errors
from qcity.data.problems import Problem, Severity
from qcity.data.statuses import STATUSES
from qcity.data.textops import all_text, nfkc
from qcity.framework.model import Framework, Indicator

#: Status words accepted on input (English and Chinese) and the status they mean.
STATUS_ALIASES: dict[str, str] = {
    **{s: s for s in STATUSES},
    "正式": "final",
    "终值": "final",
    "最终": "final",
    "初步": "preliminary",
    "预计": "preliminary",
    "快报": "preliminary",
    "估算": "estimated",
    "估计": "estimated",
    "测算": "estimated",
    "示例": "illustrative",
    "示意": "illustrative",
    "模拟": "illustrative",
}

#: Cell texts meaning "no value" (yearbooks print "—" or "…"): skipped in the wide layout.
MISSING_MARKERS = frozenset(
    {"", "-", "--", "—", "——", "–", "…", "……", "...", "/", "na", "n/a", "null", "无", "缺"}
)

#: Flag stored with a value outside the indicator's plausible range.
IMPLAUSIBLE = "implausible"

#: How to keep a value outside its plausible range, said with every refusal.
ACCEPT_HINT = (
    'if the value is right, confirm it with --accept-implausible "why" (web: a reason); '
    "the reason is kept in the audit log / 如确属实，请用 --accept-implausible 说明原因"
)

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")

#: Cell values that are dates or times (openpyxl turns date-formatted numbers into these).
_DATE_TYPES = (datetime, date, time, timedelta)

#: How a date cell read as a period looks as text: ``2024-01-01 00:00:00``.
_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$")

#: Multiplier prefixes of Chinese units of measure, longest first (万元 = 10^4 元).
_SCALE_PREFIXES: tuple[tuple[str, float], ...] = (
    ("百万", 1e6),
    ("千万", 1e7),
    ("十亿", 1e9),
    ("百亿", 1e10),
    ("千亿", 1e11),
    ("十万", 1e5),
    ("十", 10.0),
    ("百", 100.0),
    ("千", 1e3),
    ("万", 1e4),
    ("亿", 1e8),
)


@dataclass
class CheckResult:
    """Clean observations (unit, indicator, period, value, status, source, flag), one
    per accepted cell, and every problem found."""

    observations: pd.DataFrame
    problems: list[Problem]
    #: How each yearbook sheet was read (``qcity.data.yearbook.Recognition``), if any.
    recognition: list[Any] = field(default_factory=list)
    #: The values outside their plausible range, accepted with a reason (audit text).
    implausible: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that block the import."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that do not block the import."""
        return [p for p in self.problems if p.severity == "warning"]


def parse_values(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Numbers from cells: Excel numbers as they are; text after NFKC with thousands
    separators removed (``1,234.5``). Returns (values, kind) with kind ``ok``, ``empty``
    (blank or a missing marker such as ``—``), ``date`` (an Excel date or time cell) or
    ``bad``."""
    obj = raw.astype(object)
    dates = np.zeros(len(obj), dtype=bool)
    if all_text(obj):
        num = np.zeros(len(obj), dtype=bool)
    else:
        is_number = obj.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
        num = is_number.to_numpy(dtype=bool)
        dates = obj.map(lambda v: isinstance(v, _DATE_TYPES)).to_numpy(dtype=bool)
    values = np.full(len(obj), np.nan)
    values[num] = obj[num].astype("float64").to_numpy()
    text = nfkc(obj[~num].where(obj[~num].notna(), ""))
    empty_text = text.str.lower().isin(MISSING_MARKERS)
    grouped = text.str.match(_THOUSANDS)
    cleaned = text.where(~grouped, text.str.replace(",", "", regex=False))
    parsed = pd.to_numeric(cleaned.where(~empty_text, None), errors="coerce")
    values[~num] = parsed.to_numpy(dtype="float64")
    kind = np.full(len(obj), "ok", dtype=object)
    kind[np.flatnonzero(~num)[empty_text.to_numpy(dtype=bool)]] = "empty"
    bad = ~np.isfinite(values) & (kind != "empty")
    kind[bad] = "bad"
    values[dates] = np.nan
    kind[dates] = "date"
    return values, kind


def _split_scale(unit: str) -> tuple[float, str]:
    """(multiplier, base) of a unit of measure: 万元 -> (10000, 元), 元 -> (1, 元)."""
    for prefix, factor in _SCALE_PREFIXES:
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return factor, unit[len(prefix) :]
    return 1.0, unit


def measure_hint(declared: str, expected: str) -> str:
    """How to convert a value declared in ``declared`` to the indicator's ``expected`` unit."""
    f_decl, base_decl = _split_scale(declared)
    f_exp, base_exp = _split_scale(expected)
    if base_decl != base_exp or f_decl == f_exp:
        return f"enter the value in {expected or '(no unit)'}"
    ratio = f_decl / f_exp
    how = f"multiply by {ratio:,.0f}" if ratio > 1 else f"divide by {1 / ratio:,.0f}"
    return f"convert to {expected}: {how}"


def accept_reason(reason: str | None) -> str | None:
    """The reason given for accepting implausible values, stripped; None for none.
    ``errors.BadValue`` (a ValueError) for a blank one: a confirmation must say why."""
    if reason is None:
        return None
    if not str(reason).strip():
        raise errors.BadValue(
            "--accept-implausible needs a reason, e.g. --accept-implausible "
            "'checked with the bureau' / 请说明原因"
        )
    return str(reason).strip()


def implausible(
    indicators: pd.Series, values: np.ndarray, fw: Framework
) -> tuple[np.ndarray, pd.Series]:
    """THE plausibility check: a mask of the finite values outside their indicator's
    ``plausible_range`` (codes not in ``fw`` have no range) and, per row, the reason
    naming the range and the indicator."""
    ind = _indicator_table(fw).reindex(indicators.to_numpy())
    lo = ind["lo"].to_numpy(dtype="float64", na_value=-np.inf)
    hi = ind["hi"].to_numpy(dtype="float64", na_value=np.inf)
    v = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        mask = np.isfinite(v) & ((v < lo) | (v > hi))
    reasons = pd.Series(
        [
            f"outside the plausible range [{a:g}, {b:g}] of {i}"
            for a, b, i in zip(lo, hi, indicators, strict=True)
        ],
        index=indicators.index,
        dtype=object,
    )
    return mask, reasons


def implausible_text(unit: str, indicator: str, period: str, value: float, where: str) -> str:
    """One accepted implausible value as the audit log lists it."""
    return f"{unit} {indicator} {period} = {value:g} ({where})"


def _where(sheet: object, row: object) -> str:
    """``sheet S, row 3`` (or ``row 3`` for a CSV) for messages."""
    return (f"sheet {sheet}, " if isinstance(sheet, str) and sheet else "") + f"row {row}"


def _problems(
    r: pd.DataFrame,
    mask: np.ndarray | pd.Series,
    field: str,
    reason: str | pd.Series,
    severity: Severity = "error",
) -> list[Problem]:
    """One problem per record where ``mask`` holds, located at the cell of ``field``."""
    m = np.asarray(mask, dtype=bool)
    if not m.any():
        return []
    sub = r.loc[m]
    reasons = reason[m] if isinstance(reason, pd.Series) else pd.Series(reason, index=sub.index)
    return [
        Problem(severity, sheet, int(row), str(col), "" if pd.isna(val) else str(val), str(why))
        for sheet, row, col, val, why in zip(
            sub["sheet"],
            sub[f"{field}_row"],
            sub[f"{field}_col"],
            sub[field],
            reasons,
            strict=True,
        )
    ]


def _indicator_table(fw: Framework) -> pd.DataFrame:
    """Per accepted code: unit of measure, plausible bounds, levels, frequency, and
    whether it is a denominator series only (no unit of measure known)."""
    rows: dict[str, dict[str, object]] = {}
    inds: list[Indicator] = fw.indicators()
    for ind in inds:
        lo, hi = ind.plausible_range or (None, None)
        rows[ind.code] = {
            "unit_of_measure": ind.unit,
            "lo": -np.inf if lo is None else lo,
            "hi": np.inf if hi is None else hi,
            "levels": tuple(ind.levels),
            "frequency": ind.frequency,
            "series_only": False,
        }
    for ind in inds:
        if ind.denominator is not None and ind.denominator.series not in rows:
            rows[ind.denominator.series] = {
                "unit_of_measure": None,
                "lo": -np.inf,
                "hi": np.inf,
                "levels": None,
                "frequency": None,
                "series_only": True,
            }
    return pd.DataFrame.from_dict(rows, orient="index")


#: The text fields of a record and the column whose length limit they obey.
LENGTH_COLUMNS: dict[str, str] = {
    "unit": "observations.unit_code",
    "indicator": "observations.indicator_code",
    "status": "observations.status",
    "source": "observations.source",
    "flag": "observations.flag",
}


def check_records(
    records: pd.DataFrame,
    fw: Framework,
    units: pd.DataFrame | None,
    strict: bool = False,
    accept_implausible: str | None = None,
) -> CheckResult:
    """Check every record (see module docstring) and return clean observations and all
    problems; ``units`` is ``Store.units()`` (codes and types of known units), or None
    to accept every unit code (a file evaluated on its own: its units are the units).
    ``accept_implausible``: the reason for keeping values outside their plausible range
    (ignored with ``strict``, under which they stay errors). The checks are the small
    named functions of ``qcity.data.record_checks.CHECKS``, run in order."""
    from qcity.data import record_checks

    reason = accept_reason(accept_implausible)
    r = records.reset_index(drop=True)
    values, kind = parse_values(r["value"])
    skip = (kind == "empty") & r["layout"].isin(["wide", "yearbook", "template"]).to_numpy()
    r, values, kind = r[~skip].reset_index(drop=True), values[~skip], kind[~skip]
    for f in ("unit", "indicator", "period", "status", "source", "measure", "flag"):
        r[f] = nfkc(r[f]) if f != "source" else r[f].astype(object).map(str).str.strip()
    accept = reason if not strict else None
    x = record_checks.run(record_checks.Records(r, values, kind, fw, units, accept))
    outside = x.outside if x.outside is not None else np.zeros(len(r), dtype=bool)
    flag = r["flag"].where(
        ~outside | r["flag"].str.contains(IMPLAUSIBLE, regex=False),
        (r["flag"] + "; " + IMPLAUSIBLE).str.lstrip("; "),
    )
    clean = pd.DataFrame(
        {
            "unit": r["unit"],
            "indicator": r["indicator"],
            "period": x.periods["period"],
            "value": x.values,
            "status": x.status,
            "source": r["source"].where(r["source"].ne(""), None),
            "flag": flag.where(flag.ne(""), None),
        }
    )
    return CheckResult(clean, list(dict.fromkeys(x.problems)), implausible=x.accepted_text)


def _percent_cells(
    r: pd.DataFrame,
    values: np.ndarray,
    percent: np.ndarray,
    ind: pd.DataFrame,
    unit_of_measure: np.ndarray,
) -> list[Problem]:
    """Excel cells shown as percentages (85.3% is stored as 0.853): for an indicator in %
    the value becomes what Excel shows (``values`` changed in place, decimal-exact);
    for any other known indicator the cell is refused."""
    known = ind["series_only"].notna().to_numpy(dtype=bool)
    in_percent = unit_of_measure == "%"
    scale = np.flatnonzero(percent & known & in_percent)
    values[scale] = [_times_100(v) for v in values[scale]]
    refuse = percent & known & ~in_percent
    if not refuse.any():
        return []
    reasons = pd.Series(
        [
            f"the cell is formatted as a percentage (Excel shows {_times_100(v):g}%) but {i} "
            + (f"is in {u}" if u else "has no unit of measure")
            + "; format the cell as a number (常规/General) and enter the value"
            + (f" in {u}" if u else "")
            for v, i, u in zip(values, r["indicator"], unit_of_measure, strict=True)
        ],
        index=r.index,
    )
    return _problems(r, refuse, "value", reasons)


def _times_100(v: float) -> float:
    """``v * 100`` in decimal, so that 0.853 gives 85.3 (not 85.30000000000001)."""
    return float(Decimal(repr(float(v))).scaleb(2))


def _coverage_warnings(
    r: pd.DataFrame, ind: pd.DataFrame, periods: pd.DataFrame, units: pd.DataFrame | None
) -> list[Problem]:
    """One warning per indicator and unit type outside its ``levels``, and one per annual
    indicator given quarterly values, located at the first such cell."""
    out: list[Problem] = []
    if units is not None and len(units) and "type" in units.columns:
        types = r["unit"].map(units.set_index("code")["type"])
        levels = ind["levels"].to_numpy(dtype=object)
        off = np.array(
            [
                isinstance(lv, tuple) and isinstance(t, str) and t not in lv
                for lv, t in zip(levels, types, strict=True)
            ],
            dtype=bool,
        )
        if off.any():
            sub = r[off].assign(_type=types[off], _levels=levels[off])
            for (code, utype), g in sub.groupby(["indicator", "_type"], sort=True):
                first = g.iloc[0]
                lv = ", ".join(first["_levels"])
                out.append(
                    Problem(
                        "warning",
                        first["sheet"],
                        int(first["unit_row"]),
                        str(first["unit_col"]),
                        str(first["unit"]),
                        f"{code!s} is defined for levels [{lv}]; {len(g)} value(s) "
                        f"for units of type {utype!s}",
                    )
                )
    quarterly = (periods["quarter"].notna() & ind["frequency"].eq("annual").to_numpy()).to_numpy()
    if quarterly.any():
        for code, g in r[quarterly].groupby("indicator", sort=True):
            first = g.iloc[0]
            out.append(
                Problem(
                    "warning",
                    first["sheet"],
                    int(first["period_row"]),
                    str(first["period_col"]),
                    str(first["period"]),
                    f"{code!s} is an annual indicator; {len(g)} quarterly value(s)",
                )
            )
    return out
