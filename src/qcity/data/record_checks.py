"""The checks of ``qcity.data.checks.check_records``, one small named function each, run in
the order of ``CHECKS`` (the order of the problems listed: values, lengths, units,
indicators, periods, statuses, units of measure, duplicates, plausibility, coverage).

Each check takes the ``Records`` being checked and returns its problems; what several
checks read (the periods parsed, the indicators' table) is computed once on ``Records``.
The plausibility check also marks the values it refuses or accepts (``Records.outside``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from qcity.data import checks as c
from qcity.data.limits import limit_of, too_long
from qcity.data.periods import MIN_YEAR, max_year, parse_periods
from qcity.data.problems import Problem
from qcity.data.statuses import STATUSES
from qcity.data.textops import nfkc
from qcity.framework.model import Framework


@dataclass
class Records:
    """The records being checked (``r``, text fields normalised), their parsed values and
    kinds (``checks.parse_values``), the framework, the store's units (None: every unit
    code is accepted), the reason for accepting implausible values (None: refused) and
    the problems found so far."""

    r: pd.DataFrame
    values: np.ndarray
    kind: np.ndarray
    fw: Framework
    units: pd.DataFrame | None
    accept: str | None
    problems: list[Problem] = field(default_factory=list)
    outside: np.ndarray | None = None
    accepted_text: list[str] = field(default_factory=list)

    @cached_property
    def table(self) -> pd.DataFrame:
        """The framework's indicators (``checks._indicator_table``)."""
        return c._indicator_table(self.fw)

    @cached_property
    def known_indicators(self) -> set[str]:
        return set(self.table.index)

    @cached_property
    def ind(self) -> pd.DataFrame:
        """Per record, its indicator's row of ``table`` (NaN for unknown codes)."""
        return self.table.reindex(self.r["indicator"])

    @cached_property
    def expected_measure(self) -> np.ndarray:
        """Per record, its indicator's unit of measure after NFKC ('' when none)."""
        expected = self.ind["unit_of_measure"].to_numpy(dtype=object)
        return nfkc(pd.Series(expected, dtype=object).fillna("")).to_numpy(dtype=object)

    @cached_property
    def periods(self) -> pd.DataFrame:
        """The periods parsed (``qcity.data.periods.parse_periods``)."""
        return parse_periods(self.r["period"])

    @cached_property
    def status(self) -> pd.Series:
        """The status each record means (``final`` when blank; NaN when unknown)."""
        key = self.r["status"].str.lower()
        return key.map(c.STATUS_ALIASES).where(key.ne(""), "final")

    @cached_property
    def percent_sign(self) -> np.ndarray:
        """The value cells whose text holds a % sign."""
        return self.r["value"].astype(str).str.contains("%", regex=False).to_numpy()

    @cached_property
    def non_finite(self) -> np.ndarray:
        """The bad value cells that read as inf or nan."""
        r = self.r
        as_text = nfkc(r["value"].astype(object).where(r["value"].notna(), "")).str.lower()
        with np.errstate(invalid="ignore"):
            infinite = np.isinf(pd.to_numeric(as_text, errors="coerce").to_numpy(dtype="float64"))
        return (self.kind == "bad") & (infinite | as_text.eq("nan").to_numpy())


Check = Callable[[Records], list[Problem]]


def empty_values(x: Records) -> list[Problem]:
    """A value cell left empty in a long file (wide layouts skip empty cells)."""
    return c._problems(
        x.r, x.kind == "empty", "value", "value is empty; enter the number or delete the row"
    )


def percent_signs(x: Records) -> list[Problem]:
    """A value typed with a % sign: the unit belongs in the framework."""
    return c._problems(
        x.r,
        (x.kind == "bad") & x.percent_sign,
        "value",
        "not a number: write it without the % sign (the unit is in the framework)",
    )


def non_finite_values(x: Records) -> list[Problem]:
    """inf, nan or a number too large for a float: never accepted."""
    return c._problems(
        x.r,
        x.non_finite,
        "value",
        "not a finite number (inf, nan or too large); enter the value itself / 不是有限数值",
    )


def not_numbers(x: Records) -> list[Problem]:
    """Any other value cell that is not a number."""
    return c._problems(
        x.r,
        (x.kind == "bad") & ~x.percent_sign & ~x.non_finite,
        "value",
        "not a number; use digits, a decimal point and optionally thousands separators (1,234.5)",
    )


def excel_dates(x: Records) -> list[Problem]:
    """A value cell Excel turned into a date or time."""
    return c._problems(
        x.r,
        x.kind == "date",
        "value",
        "a date or time in Excel, not a number; format the cell as a number "
        "(常规/General or 数值/Number) and type the value again",
    )


def lengths(x: Records) -> list[Problem]:
    """Text longer than its database column: what SQLite stores and PostgreSQL refuses is
    refused on both."""
    out: list[Problem] = []
    for f, column in c.LENGTH_COLUMNS.items():
        out += c._problems(
            x.r,
            too_long(x.r[f], column),
            f,
            f"longer than {limit_of(column)} characters; shorten it / 字段过长",
        )
    return out


def _known_units(x: Records) -> set[str]:
    if x.units is None:
        return set(x.r["unit"])
    return set(x.units["code"]) if len(x.units) else set()


def empty_units(x: Records) -> list[Problem]:
    """A record without a unit code."""
    return c._problems(x.r, x.r["unit"].eq("").to_numpy(), "unit", "unit code is empty")


def unknown_units(x: Records) -> list[Problem]:
    """A unit code the store does not know (load units first)."""
    known = _known_units(x)
    unknown = x.r["unit"].ne("") & ~x.r["unit"].isin(known)
    return c._problems(
        x.r,
        unknown.to_numpy(),
        "unit",
        "unknown unit code; load it first with `qcity import-units` (Store.add_units)"
        if known
        else "no units in the database yet; load them with `qcity import-units`",
    )


def empty_indicators(x: Records) -> list[Problem]:
    """A record without an indicator code."""
    return c._problems(
        x.r, x.r["indicator"].eq("").to_numpy(), "indicator", "indicator code is empty"
    )


def unknown_indicators(x: Records) -> list[Problem]:
    """An indicator code not in the framework, with the closest code as a hint."""
    r, known = x.r, x.known_indicators
    unknown = r["indicator"].ne("") & ~r["indicator"].isin(known)
    if not unknown.any():
        return []
    hints = {
        code: f"not an indicator of framework {x.fw.code} {x.fw.version}"
        + (
            f"; did you mean {close[0]}?"
            if (close := difflib.get_close_matches(code, sorted(known), n=1, cutoff=0.5))
            else ""
        )
        for code in r.loc[unknown, "indicator"].unique()
    }
    return c._problems(r, unknown.to_numpy(), "indicator", r["indicator"].map(hints))


def _as_date(x: Records) -> np.ndarray:
    return x.r["period"].str.match(c._DATE_TEXT).to_numpy(dtype=bool)


def malformed_periods(x: Records) -> list[Problem]:
    """A period that is neither a year nor a quarter."""
    bad = ~x.periods["well_formed"].to_numpy()
    return c._problems(
        x.r,
        bad & ~_as_date(x),
        "period",
        "period must be a year like 2024 or a quarter like 2024Q1",
    )


def date_periods(x: Records) -> list[Problem]:
    """A period cell Excel turned into a date."""
    bad = ~x.periods["well_formed"].to_numpy()
    return c._problems(
        x.r,
        bad & _as_date(x),
        "period",
        "a date, not a period: format the cell as text (文本) or a number and type a year "
        "like 2024 or a quarter like 2024Q1",
    )


def years_out_of_range(x: Records) -> list[Problem]:
    """A well-formed period of a year outside the years accepted (a typing error)."""
    return c._problems(
        x.r,
        (x.periods["well_formed"] & ~x.periods["in_range"]).to_numpy(),
        "period",
        f"year outside {MIN_YEAR}–{max_year()}; check for a typing error",
    )


def unknown_statuses(x: Records) -> list[Problem]:
    """A status word that is not one of the statuses (English or Chinese)."""
    return c._problems(
        x.r,
        x.status.isna().to_numpy(),
        "status",
        f"status must be one of {', '.join(STATUSES)} (or 正式/初步/预计/估算/示例)",
    )


def measure_mismatches(x: Records) -> list[Problem]:
    """A unit of measure given beside the value that is not the indicator's, with how to
    convert (万元 -> 元: multiply by 10,000)."""
    r = x.r
    declared = r["measure"].to_numpy(dtype=object)
    checkable = (r["measure"].ne("") & r["indicator"].isin(x.known_indicators)).to_numpy() & ~x.ind[
        "series_only"
    ].fillna(True).to_numpy(dtype=bool)
    mismatch = checkable & (declared != x.expected_measure)
    if not mismatch.any():
        return []
    reasons = pd.Series(
        [
            f"unit of measure {d!r} but {i} is in {e!r}; {c.measure_hint(d, e)}"
            for d, e, i in zip(declared, x.expected_measure, r["indicator"], strict=True)
        ],
        index=r.index,
    )
    return c._problems(r, mismatch, "measure", reasons)


def percent_cells(x: Records) -> list[Problem]:
    """Excel cells formatted as percentages: scaled for an indicator in %, refused for
    any other (``checks._percent_cells``; the values are changed in place)."""
    r = x.r
    percent = r["value_percent"].to_numpy(dtype=bool) if "value_percent" in r else None
    if percent is None or not percent.any():
        return []
    return c._percent_cells(r, x.values, percent & (x.kind == "ok"), x.ind, x.expected_measure)


def duplicates(x: Records) -> list[Problem]:
    """The same unit, indicator and period twice in the file, naming the first."""
    r, periods = x.r, x.periods
    key = pd.DataFrame({"u": r["unit"], "i": r["indicator"], "p": periods["period"]})
    dup = key.duplicated(keep=False).to_numpy()
    if not dup.any():
        return []
    grouped = r.groupby([key["u"], key["i"], key["p"]], sort=False)
    first = grouped["value_row"].transform("first")
    first_sheet = grouped["sheet"].transform("first")
    where = [
        f"row {row}" + (f" of sheet {sh}" if sh else "")
        for row, sh in zip(first, first_sheet, strict=True)
    ]
    return c._problems(
        r,
        dup,
        "value",
        pd.Series(
            [
                f"{u} {i} {p} given twice (first at {w}); keep one"
                for u, i, p, w in zip(key["u"], key["i"], key["p"], where, strict=True)
            ],
            index=r.index,
        ),
    )


def plausibility(x: Records) -> list[Problem]:
    """A value outside its indicator's plausible range (``checks.implausible``): an error,
    or with a reason given (and not strict) a warning, the value kept and flagged. A cell
    refused already is not refused twice."""
    r = x.r
    outside, reasons = c.implausible(r["indicator"], x.values, x.fw)
    erred = {(p.sheet, p.row, p.column) for p in x.problems if p.severity == "error"}
    if erred:  # a cell refused already (e.g. a percentage of a 元 indicator): said once
        cells = zip(r["sheet"], r["value_row"], r["value_col"], strict=True)
        outside &= ~np.array([(sh, int(i), str(col)) in erred for sh, i, col in cells], dtype=bool)
    outside &= x.kind == "ok"
    x.outside = outside
    if not outside.any():
        return []
    accepted = x.accept is not None
    if accepted:
        reasons = reasons + f"; accepted: {x.accept}"
        sub = r[outside]
        x.accepted_text = [
            c.implausible_text(u, i, str(p), float(v), c._where(sh, row))
            for u, i, p, v, sh, row in zip(
                sub["unit"],
                sub["indicator"],
                x.periods["period"].to_numpy()[outside],
                x.values[outside],
                sub["sheet"],
                sub["value_row"],
                strict=True,
            )
        ]
    else:
        reasons = reasons + "; " + c.ACCEPT_HINT
    return c._problems(r, outside, "value", reasons, "warning" if accepted else "error")


def coverage(x: Records) -> list[Problem]:
    """Warnings: values for unit types outside an indicator's levels, quarterly values of
    an annual indicator (``checks._coverage_warnings``)."""
    return c._coverage_warnings(x.r, x.ind, x.periods, x.units)


CHECKS: tuple[Check, ...] = (
    empty_values,
    percent_signs,
    non_finite_values,
    not_numbers,
    excel_dates,
    lengths,
    empty_units,
    unknown_units,
    empty_indicators,
    unknown_indicators,
    malformed_periods,
    date_periods,
    years_out_of_range,
    unknown_statuses,
    measure_mismatches,
    percent_cells,
    duplicates,
    plausibility,
    coverage,
)
"""The checks in the order they run and their problems are listed."""


def run(x: Records) -> Records:
    """Run every check of ``CHECKS`` in order, collecting their problems on ``x``."""
    for check in CHECKS:
        x.problems += check(x)
    return x
