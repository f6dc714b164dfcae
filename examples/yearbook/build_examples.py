"""Build the yearbook-table examples of this folder (re-runnable, same content every time).

Usage::

    python examples/yearbook/build_examples.py [--out DIR] [--check]

Writes ``yearbook.xlsx`` (two sheets laid out as a statistical yearbook prints them: a
merged title row, merged header cells, ``2022年``/``2023年``/``2024年末`` columns, units in
brackets or in a 单位 column, ``*``, ``其中：``, full-width characters, ``指 标``, notes
and a copyright line) and ``yearbook.csv`` (the same kind of table as CSV), byte for byte
the same every time (``--check`` exits 1 when a file differs). The values are
ILLUSTRATIVE (示例数据): magnitudes like the Liyang demo's, not real statistics.
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

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2025, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

#: Sheet 经济发展: (row name as printed, 2022, 2023, 2024); units in brackets.
ECONOMY: list[tuple[str, object, object, object]] = [
    ("一、经济发展", None, None, None),
    ("人均地区生产总值（元）*", 152340, 160215, 168870),
    ("地区生产总值增速(%)", 4.5, 6.1, "５．８"),
    ("人均一般公共预算收入(万元)", 1.2345, 1.3012, 1.3650),
    ("其中：高新技术产业产值占规上工业产值比重(%)", 50.2, 51.8, 52.6),
    ("实际使用外资（亿美元）", 5.21, 4.87, "—"),
    ("每万人市场主体数(户)", 1480, 1562, 1633),
    ("森林覆盖率(%)", 30.1, 30.4, 30.6),
]

#: Sheet 社会民生: (row name, unit, 2023, 2024); units in a 单位 column.
SOCIETY: list[tuple[str, str, object, object]] = [
    ("城镇常住居民人均可支配收入", "元", 68230, 71450),
    ("农村居民人均可支配收入", "万元", 3.561, 3.802),
    ("城镇新增就业人数", "万人", 1.52, 1.48),
    ("空气质量优良天数比率", "‰", 812, 826),
    ("每千常住人口医疗卫生机构床位数", "张", 6.2, 6.4),
    ("人 均 预 期 寿 命", "岁", 80.1, 80.3),
]

NOTES = [
    "注：1.地区生产总值增速按可比价格计算。2.“—”表示暂无数据。",
    "© 示例数据，非真实统计（qcity examples/yearbook）",
]

#: yearbook.csv: (row name, 2023, 2024).
CSV_ROWS: list[tuple[str, str, str]] = [
    ("指 标", "2023年", "2024年"),
    ("城镇调查失业率（％）", "4.6", "4.5"),
    ("ＥＣ０１", "160215", "168870"),
    ("全市地区生产总值增长速度(%)", "6.1", "5.8"),
]


def xlsx_bytes() -> bytes:
    """The two-sheet workbook, with fixed document times and zip entry dates."""
    wb = Workbook()
    ws = wb.active
    ws.title = "经济发展"
    ws["A1"] = "溧阳市主要经济指标（2022—2024年）（示例数据）"
    ws.merge_cells("A1:D1")
    ws["A2"] = "指 标"
    ws.merge_cells("A2:A3")
    ws["B2"] = "年份"
    ws.merge_cells("B2:D2")
    for col, label in zip("BCD", ("2022年", "2023年", "2024年末"), strict=True):
        ws[f"{col}3"] = label
    for row in ECONOMY:
        ws.append(list(row))
    ws.append([])
    for note in NOTES:
        ws.append([note])
    ws["A1"].font = Font(bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")

    ws2 = wb.create_sheet("社会民生")
    ws2["A1"] = "溧阳市社会民生主要指标（示例数据）"
    ws2.merge_cells("A1:D1")
    ws2.append(["指标名称", "单位", 2023, 2024])
    for row2 in SOCIETY:
        ws2.append(list(row2))
    ws2.append([NOTES[1]])
    wb.properties.creator = "qcity examples/yearbook/build_examples.py"
    wb.properties.created = FIXED_TIME
    raw, out = io.BytesIO(), io.BytesIO()
    wb.save(raw)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = _MODIFIED.sub(rf"\g<1>{FIXED_TIME.isoformat()}Z\g<2>".encode(), data)
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    return out.getvalue()


def csv_bytes() -> bytes:
    """The CSV table (UTF-8): a title line, the header, rows, a note."""
    text = io.StringIO(newline="")
    out = csv.writer(text, lineterminator="\n")
    out.writerow(["溧阳市部分指标（示例数据）", "", ""])
    out.writerows(CSV_ROWS)
    out.writerow(["注：示例数据，非真实统计。", "", ""])
    return text.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write both files into ``--out`` (default: this folder), or compare (``--check``)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    ap.add_argument("--check", action="store_true", help="compare with --out, do not write")
    args = ap.parse_args(argv)
    files = {"yearbook.xlsx": xlsx_bytes(), "yearbook.csv": csv_bytes()}
    if args.check:
        stale = [
            n
            for n, b in files.items()
            if not (args.out / n).is_file() or (args.out / n).read_bytes() != b
        ]
        for name in stale:
            print(f"{args.out / name} is not the output of this script; re-run it", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
