"""Build examples/tour/ (the files of the README's short tour), byte for byte reproducibly.

Usage::

    python tools/build_tour_examples.py [--out DIR] [--check]

- ``yearbook.xlsx``: a yearbook-style table in the wide layout (title rows, then one row
  per city, one column per indicator with its unit of measure) holding the demo's 2024
  values of the economy dimension for the ten cities, rounded as a yearbook prints them.
  The demo's values are ILLUSTRATIVE: every row says so in its status and source.
- ``peers.csv``: two example peer groups of demo cities for ``qcity import-groups``.
- ``judgements.xlsx``: two made-up experts' AHP judgements on the five dimensions, one
  sheet each, for ``qcity ahp``.

``--check`` writes nothing and exits 1 when a file in ``--out`` differs from what this
script builds (for a workbook: any sheet name or cell value).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd

from qcity.demo.build import DEFAULT_SEED, demo_observations
from qcity.demo.units import demo_units
from qcity.framework.io import load_framework
from qcity.framework.model import Indicator, Node
from qcity.frameworks import builtin_path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "tour"
YEAR = "2024"
DIMENSION = "economy"
#: Decimals a yearbook prints, by unit of measure (anything else: 2).
DECIMALS = {"元": 0, "%": 1, "亿元": 2, "亿美元": 2, "件": 1, "户": 1}
STATUS = "示例"
SOURCE = (
    f"示例数据：qcity 演示生成器（seed {DEFAULT_SEED}）的 {YEAR} 年值，按年鉴精度取整，"
    "非真实统计 / ILLUSTRATIVE: the qcity demo generator's values, rounded; not real statistics"
)
TITLE = (
    f"表 2-1  溧阳市与苏南九市主要经济指标（{YEAR}年）"
    "【示例数据，非真实统计 / ILLUSTRATIVE data, not real statistics】"
)
FIXED_TIME = datetime(2026, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

#: (code, name_zh, name_en, members): example peer groups, chosen for the tour.
PEER_GROUPS = [
    (
        "first_tier",
        "对标第一方阵（示例）",
        "Benchmark: first tier (example)",
        ["liyang", "kunshan", "jiangyin", "zhangjiagang", "changshu"],
    ),
    (
        "eco_tourism",
        "生态旅游型城市（示例）",
        "Eco-tourism cities (example)",
        ["liyang", "yixing", "jurong"],
    ),
]

#: The five dimensions and two made-up experts' pairwise judgements (Saaty's 1-9 scale).
CRITERIA = ["经济发展", "社会文化", "生态环境", "公共服务", "居民生活"]
EXPERTS = {
    "专家A（示例）": [
        ["1", "3", "2", "2", "1"],
        ["1/3", "1", "1/2", "1/2", "1/3"],
        ["1/2", "2", "1", "1", "1/2"],
        ["1/2", "2", "1", "1", "1/2"],
        ["1", "3", "2", "2", "1"],
    ],
    "专家B（示例）": [
        ["1", "2", "1", "2", "1/2"],
        ["1/2", "1", "1/2", "1", "1/3"],
        ["1", "2", "1", "2", "1/2"],
        ["1/2", "1", "1/2", "1", "1/3"],
        ["2", "3", "2", "3", "1"],
    ],
}


def _codes_under(node: Node | Indicator) -> set[str]:
    """Codes of the indicators below ``node`` (or the indicator itself)."""
    if isinstance(node, Indicator):
        return {node.code}
    return set().union(*(_codes_under(child) for child in node.children))


def yearbook_table() -> pd.DataFrame:
    """The ten cities' demo values of one dimension in ``YEAR``: one row per city, header
    ``EC01 (元)``; cells the demo fills with a public figure are the yearbook mark ``—``
    (a public figure keeps its own source and status, which a row of this table cannot)."""
    fw = load_framework(builtin_path())
    dimension = fw.find(DIMENSION)
    inds = [i for i in fw.indicators() if i.code in _codes_under(dimension)]
    obs = demo_observations(fw, DEFAULT_SEED)
    obs = obs[(obs["period"] == YEAR) & obs["indicator"].isin([i.code for i in inds])]
    units = demo_units()
    cities = units[units["type"] == "city"]
    table = pd.DataFrame({"地区": cities["code"], "unit_name_zh": cities["name_zh"]})
    table["年份"] = int(YEAR)
    for ind in inds:
        rows = obs[obs["indicator"] == ind.code].set_index("unit")
        values = rows["value"].round(DECIMALS.get(ind.unit, 2))
        public = rows["status"] != "illustrative"
        col = values.astype(object).where(~public, "—")
        table[f"{ind.code} ({ind.unit})"] = table["地区"].map(col).to_numpy()
    table["状态"] = STATUS
    table["来源"] = SOURCE
    return table.reset_index(drop=True)


def _deterministic_xlsx(wb: openpyxl.Workbook) -> bytes:
    """The workbook's bytes with fixed document times and zip entry dates."""
    wb.properties.creator = "qcity tools/build_tour_examples.py"
    wb.properties.created = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = _MODIFIED.sub(rf"\g<1>{FIXED_TIME.isoformat()}Z\g<2>".encode(), data)
            dst.writestr(info, data)
    return out.getvalue()


def yearbook_xlsx() -> bytes:
    """``yearbook.xlsx``: a title row, a blank row, then the wide table."""
    table = yearbook_table()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"经济指标{YEAR}"
    ws.append([TITLE])
    ws.append([])
    ws.append(list(table.columns))
    for row in table.itertuples(index=False):
        ws.append(list(row))
    return _deterministic_xlsx(wb)


def judgements_xlsx() -> bytes:
    """``judgements.xlsx``: one sheet per expert, criterion names in row 1 and column A."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for sheet, matrix in EXPERTS.items():
        ws = wb.create_sheet(sheet)
        ws.append([sheet, *CRITERIA])
        for name, row in zip(CRITERIA, matrix, strict=True):
            ws.append([name, *row])
    return _deterministic_xlsx(wb)


def peers_csv() -> bytes:
    """``peers.csv``: ``group,name_zh,name_en,unit,kind``, one row per member."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["group", "name_zh", "name_en", "unit", "kind"])
    for code, name_zh, name_en, members in PEER_GROUPS:
        for unit in members:
            writer.writerow([code, name_zh, name_en, unit, "peer"])
    return text.getvalue().encode("utf-8")


def build() -> dict[str, bytes]:
    """Every file of examples/tour that this script makes, by name."""
    return {
        "yearbook.xlsx": yearbook_xlsx(),
        "peers.csv": peers_csv(),
        "judgements.xlsx": judgements_xlsx(),
    }


def _cells(data: bytes) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every sheet's name and cell values (what a reader sees, whatever wrote the file)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in wb.worksheets]
    finally:
        wb.close()


def _same(path: Path, data: bytes) -> bool:
    """Whether ``path`` holds ``data``: the same cells for a workbook (the zip's bytes
    depend on the openpyxl and zlib versions), the same bytes otherwise."""
    if not path.is_file():
        return False
    if path.suffix == ".xlsx":
        return _cells(path.read_bytes()) == _cells(data)
    return path.read_bytes() == data


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: write (or ``--check``) the tour's example files."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, default=OUT, help="folder to write (examples/tour)")
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = ap.parse_args(argv)
    files = build()
    if args.check:
        stale = [name for name, data in files.items() if not _same(args.out / name, data)]
        for name in stale:
            print(f"{args.out / name} is not the output of this script; re-run it", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
    print(f"wrote {', '.join(files)} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
