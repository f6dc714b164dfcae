"""Fuzzing the data-file readers: arbitrary bytes and arbitrary small tables (CSV in
several encodings and delimiters, Excel workbooks) given to
``qcity.data.importer.read_observations`` give problems naming a cell, or raise only
``FileReadError`` / ``ImportErrorReport`` with a message naming the file. Never another
exception: the CLI's ``import`` and ``evaluate --data`` rely on it."""

from __future__ import annotations

import csv
import functools
import io
import math
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from qcity.data.importer import read_observations
from qcity.data.judgements import read_pairwise
from qcity.data.problems import ImportErrorReport
from qcity.data.readers import FileReadError
from qcity.framework.io import load_framework
from qcity.framework.model import Framework
from qcity.methods.ahp import PairwiseError
from tests.data.conftest import UNITS

LIYANG_PATH = Path(__file__).resolve().parents[2] / "frameworks" / "liyang.yaml"

FUZZ = settings(
    max_examples=int(os.environ.get("QCITY_FUZZ_EXAMPLES", "120")),  # more: a longer hunt
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@functools.cache
def liyang() -> Framework:
    """The shipped framework, read once."""
    return load_framework(LIYANG_PATH)


def assert_read_or_explained(path: Path, sheet: str | None = None) -> None:
    """Read ``path``: problems that each say what is wrong, or one of the two documented
    errors naming the file (any other exception fails the test)."""
    try:
        checked, layouts, _ = read_observations(path, liyang(), UNITS, sheet=sheet)
    except FileReadError as exc:
        assert path.name in str(exc), str(exc)
        return
    except ImportErrorReport as exc:
        assert exc.problems and path.name in str(exc)
        return
    for p in checked.problems:
        assert p.severity in {"error", "warning"} and p.reason.strip()
        assert p.row is None or p.row >= 1
    assert set(layouts.values()) <= {"long", "wide"}
    if not checked.errors:
        assert checked.observations["value"].map(math.isfinite).all()


# -- arbitrary bytes ------------------------------------------------------------------------


@FUZZ
@given(raw=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".xlsm"]))
def test_arbitrary_bytes(tmp_path: Path, raw: bytes, suffix: str) -> None:
    path = tmp_path / f"data{suffix}"
    path.write_bytes(raw)
    assert_read_or_explained(path)


@FUZZ
@given(raw=st.binary(max_size=400))
def test_arbitrary_bytes_in_a_zip_named_xlsx(tmp_path: Path, raw: bytes) -> None:
    """A zip archive (what .xlsx is) that holds no workbook, or a damaged one."""
    import zipfile

    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", raw)
        z.writestr("xl/workbook.xml", raw[::-1])
    assert_read_or_explained(path)


# -- arbitrary small tables -----------------------------------------------------------------

HEADERS = st.sampled_from(
    [
        "unit",
        "indicator",
        "period",
        "value",
        "status",
        "source",
        "flag",
        "单位",
        "指标",
        "年份",
        "数值",
        "EC01",
        "EC02",
        "SC01",
        "2024",
        "2023",
        "2024Q1",
        "",
        " unit ",
        "Unit",
        "value",
        "x",
    ]
)
TEXT_CELLS = st.one_of(
    st.sampled_from(
        [
            "LY",
            "TMH",
            "DB",
            "JT",
            "XX",
            "EC01",
            "EC02",
            "EC05",
            "SC01",
            "index",
            "2024",
            "2015",
            "1999",
            "2024Q1",
            "2024Q5",
            "2024-03",
            "2024M13",
            "1.5",
            "-3",
            "1,234.5",
            "85.3%",
            "1e400",
            "-1e400",
            "nan",
            "NaN",
            "inf",
            "-inf",
            "",
            " ",
            "-",
            "—",
            "abc",
            "０.５",
            "１２３",
            "official",
            "estimate",
            "illustrative",
            "=1+1",
            "\u200b",
        ]
    ),
    st.text(max_size=8),
)
ROWS = st.integers(min_value=0, max_value=6)


@st.composite
def tables(draw: Any, cells: st.SearchStrategy[Any] = TEXT_CELLS) -> list[list[Any]]:
    """A header row and up to six rows of up to six cells (ragged rows allowed)."""
    width = draw(st.integers(min_value=0, max_value=6))
    header = draw(st.lists(HEADERS, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 1), max_size=draw(ROWS)))
    return [header, *rows]


def _csv_bytes(table: list[list[Any]], delimiter: str, encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    return buf.getvalue().encode(encoding, errors="replace")


@FUZZ
@given(
    table=tables(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_arbitrary_tables_as_csv(
    tmp_path: Path, table: list[list[Any]], delimiter: str, encoding: str
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(_csv_bytes(table, delimiter, encoding))
    assert_read_or_explained(path)


EXCEL_CELLS = st.one_of(
    TEXT_CELLS,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
)


def _write_xlsx(path: Path, sheets: list[tuple[str, list[list[Any]]]], percent: bool) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, table in sheets:
        ws = wb.create_sheet(title)
        for r, row in enumerate(table, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):  # characters Excel cannot hold at all
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell = ws.cell(row=r, column=c, value=value)
                if percent and isinstance(value, float):
                    cell.number_format = "0.0%"
    wb.save(path)


SHEET_NAMES = st.sampled_from(["data", "数据", "说明", "Sheet1", "2024", "x y"])


@FUZZ
@given(
    sheets=st.lists(st.tuples(SHEET_NAMES, tables(EXCEL_CELLS)), min_size=1, max_size=3,
                    unique_by=lambda s: s[0]),
    percent=st.booleans(),
    pick=st.one_of(st.none(), SHEET_NAMES),
)  # fmt: skip
def test_arbitrary_tables_as_xlsx(
    tmp_path: Path,
    sheets: list[tuple[str, list[list[Any]]]],
    percent: bool,
    pick: str | None,
) -> None:
    path = tmp_path / "data.xlsx"
    _write_xlsx(path, sheets, percent)
    assert_read_or_explained(path, sheet=pick)


# -- examples the fuzzing is built around ---------------------------------------------------


def test_a_clean_long_table_reads_without_errors(tmp_path: Path) -> None:
    """The fuzzed tables are mutations of files like this one, which reads cleanly."""
    path = tmp_path / "data.csv"
    path.write_bytes(
        _csv_bytes([["unit", "indicator", "period", "value"], ["LY", "EC01", "2024", "150000"]],
                   ",", "utf-8")
    )  # fmt: skip
    checked, layouts, encoding = read_observations(path, liyang(), UNITS)
    assert checked.errors == [] and layouts == {"data.csv": "long"} and encoding == "utf-8-sig"
    assert checked.observations["value"].tolist() == [150000.0]  # within EC01's range


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("empty.csv", b""),
        ("nul.csv", b"\x00" * 50),
        ("garbage.xlsx", b"PK\x03\x04 not really a zip"),
        ("text.xlsx", b"unit,indicator,period,value\n"),
        ("utf16.csv", "unit,indicator,period,value\nLY,EC01,2024,1\n".encode("utf-16")),
    ],
)
def test_hostile_files_are_explained(tmp_path: Path, name: str, raw: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    assert_read_or_explained(path)


# -- AHP judgement files ----------------------------------------------------------------------

JUDGEMENTS = st.one_of(
    st.sampled_from(["1", "3", "1/3", "9", "1/9", "0", "-1", "1/0", "nan", "inf", "", "x", "2.5"]),
    st.text(max_size=4),
)


@FUZZ
@given(
    names=st.lists(st.sampled_from(["A", "B", "C", "经济", "", " "]), max_size=4),
    cells=st.lists(st.lists(JUDGEMENTS, max_size=5), max_size=5),
    blank_lines=st.booleans(),
)
def test_arbitrary_pairwise_csv(
    tmp_path: Path, names: list[str], cells: list[list[str]], blank_lines: bool
) -> None:
    """``read_pairwise`` returns matrices or raises PairwiseError naming the file."""
    rows = [["", *names]] + [[names[i] if i < len(names) else "?", *r] for i, r in enumerate(cells)]
    text = _csv_bytes(rows, ",", "utf-8")
    if blank_lines:
        text = text + b"\r\n" + text
    path = tmp_path / "judgements.csv"
    path.write_bytes(text)
    try:
        experts = read_pairwise(path)
    except PairwiseError as exc:
        assert "judgements.csv" in str(exc)
        return
    for criteria, matrix in experts:
        assert matrix.shape == (len(criteria), len(criteria))


@FUZZ
@given(raw=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_arbitrary_bytes_as_pairwise_file(tmp_path: Path, raw: bytes, suffix: str) -> None:
    path = tmp_path / f"judgements{suffix}"
    path.write_bytes(raw)
    try:
        experts = read_pairwise(path)
    except PairwiseError as exc:
        assert path.name in str(exc)
    else:
        assert all(m.shape == (len(c), len(c)) for c, m in experts)
