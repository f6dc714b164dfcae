"""Fuzzing yearbook tables: arbitrary small grids of yearbook-like cells (years, names
with decoration, notes, numbers, marks) read with ``unit=`` give problems that say what is
wrong, never another exception: ``qcity import --unit`` relies on it."""

from __future__ import annotations

import csv
import functools
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from qcity.data.importer import read_observations
from qcity.framework.io import load_framework
from qcity.framework.model import Framework
from tests.helpers import REPO

FUZZ = settings(
    max_examples=int(os.environ.get("QCITY_FUZZ_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "指 标",
            "单位",
            "代码",
            "2023",
            "2023年",
            "2024年末",
            "1899年",
            "人均地区生产总值（元）*",
            "其中：",
            "每万人市场主体数(户)",
            "EC01",
            "万元",
            "户/万人",
            "‰",
            "—",
            "注：",
            "©",
            "(",
            "()",
            "１２．５",
        ]
    ),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
)
GRIDS = st.lists(st.lists(CELLS, min_size=0, max_size=5), min_size=0, max_size=7)


@functools.cache
def liyang() -> Framework:
    return load_framework(REPO / "frameworks" / "liyang.yaml")


def _check(path: Path) -> None:
    checked, _, _ = read_observations(path, liyang(), None, unit="liyang")
    for p in checked.problems:
        assert p.severity in {"error", "warning"} and p.reason.strip()


@FUZZ
@given(grid=GRIDS)
def test_any_yearbook_grid_in_excel(grid: list[list[object]], tmp_path: Path) -> None:
    wb = Workbook()
    for row in grid:
        wb.active.append(
            [v if not isinstance(v, str) else "".join(c for c in v if c.isprintable()) for v in row]
        )
    path = tmp_path / "t.xlsx"
    wb.save(path)
    _check(path)


@FUZZ
@given(grid=GRIDS)
def test_any_yearbook_grid_in_csv(grid: list[list[object]], tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[str(v) for v in row] for row in grid])
    _check(path)
