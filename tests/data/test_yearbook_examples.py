"""The shipped yearbook examples (examples/yearbook/) imported into the store, on SQLite
and PostgreSQL, and the confirmed-names round trip through the CLI. Expected values are
read off the tables by hand (examples/yearbook/build_examples.py) times the exact factor
of their unit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.importer import import_file
from qcity.data.names import load_names, names_path, save_names
from qcity.data.store import Store
from qcity.framework.io import load_framework
from tests.helpers import REPO

EXAMPLES = REPO / "examples" / "yearbook"
LIYANG = REPO / "frameworks" / "liyang.yaml"
UNITS = pd.DataFrame(
    {"code": ["liyang"], "name_zh": ["溧阳市"], "name_en": ["Liyang"], "type": ["city"]}
)

#: (indicator, period) -> value, read off yearbook.xlsx by hand.
XLSX_VALUES = {
    # 经济发展: 人均地区生产总值（元）*
    ("EC01", "2022"): 152340.0,
    ("EC01", "2023"): 160215.0,
    ("EC01", "2024"): 168870.0,
    # 地区生产总值增速(%); 2024 is written full-width: ５．８
    ("EC02", "2022"): 4.5,
    ("EC02", "2023"): 6.1,
    ("EC02", "2024"): 5.8,
    # 人均一般公共预算收入(万元) -> 元: x 10 000
    ("EC03", "2022"): 12345.0,
    ("EC03", "2023"): 13012.0,
    ("EC03", "2024"): 13650.0,
    # 其中：高新技术产业产值占规上工业产值比重(%)
    ("EC09", "2022"): 50.2,
    ("EC09", "2023"): 51.8,
    ("EC09", "2024"): 52.6,
    # 实际使用外资（亿美元）; 2024 is "—"
    ("EC12", "2022"): 5.21,
    ("EC12", "2023"): 4.87,
    # 社会民生: 城镇常住居民人均可支配收入 (alias of LV01), 元
    ("LV01", "2023"): 68230.0,
    ("LV01", "2024"): 71450.0,
    # 农村居民人均可支配收入, 万元 -> 元
    ("LV02", "2023"): 35610.0,
    ("LV02", "2024"): 38020.0,
    # 城镇新增就业人数, 万人 -> 人
    ("LV05", "2023"): 15200.0,
    ("LV05", "2024"): 14800.0,
    # 空气质量优良天数比率, ‰ -> %: x 0.1
    ("EN01", "2023"): 81.2,
    ("EN01", "2024"): 82.6,
    # 每千常住人口医疗卫生机构床位数, 张
    ("PS01", "2023"): 6.2,
    ("PS01", "2024"): 6.4,
    # 人 均 预 期 寿 命, 岁
    ("LV12", "2023"): 80.1,
    ("LV12", "2024"): 80.3,
}


def _stored(store: Store) -> dict[tuple[str, str], float]:
    obs = store.observations()
    assert set(obs["unit"]) == {"liyang"}
    return {
        (i, p): float(v)
        for i, p, v in zip(obs["indicator"], obs["period"], obs["value"], strict=True)
    }


def test_yearbook_xlsx_imports_as_read_by_hand(store: Store) -> None:
    store.add_units(UNITS)
    fw = load_framework(LIYANG)
    result = import_file(store, EXAMPLES / "yearbook.xlsx", fw, "统计局", unit="liyang")
    assert result.summary is not None and result.summary.added == len(XLSX_VALUES)
    assert _stored(store) == XLSX_VALUES
    # the 10x trap (每万人市场主体数 vs EC11 每千人) and 森林覆盖率 are skipped, with hints
    skipped = {(w.sheet, w.row): w.reason for w in result.warnings}
    assert set(skipped) == {("经济发展", 10), ("经济发展", 11)}
    assert "每千人市场主体数 (EC11)" in skipped[("经济发展", 10)]
    assert "林木覆盖率 (EN04)" in skipped[("经济发展", 11)]
    outcomes = [(r.row, r.outcome) for r in result.recognition[0].rows]
    assert outcomes[0] == (4, "heading") and outcomes[-2:] == [(13, "note"), (14, "note")]


def test_yearbook_csv_and_a_confirmed_name(store: Store) -> None:
    store.add_units(UNITS)
    fw = load_framework(LIYANG)
    path = EXAMPLES / "yearbook.csv"
    first = import_file(store, path, fw, "统计局", unit="liyang", dry_run=True)
    assert first.rows == 4 and [w.row for w in first.warnings] == [5]
    names = {"全市地区生产总值增长速度": "EC02"}
    import_file(store, path, fw, "统计局", unit="liyang", names=names)
    assert _stored(store) == {
        ("LV06", "2023"): 4.6,
        ("LV06", "2024"): 4.5,
        ("EC01", "2023"): 160215.0,
        ("EC01", "2024"): 168870.0,
        ("EC02", "2023"): 6.1,
        ("EC02", "2024"): 5.8,
    }


def test_names_file_round_trip(tmp_path: Path) -> None:
    fw = load_framework(LIYANG)
    path = names_path(tmp_path / "liyang.yaml")
    assert path == tmp_path / "liyang.names.yaml" and load_names(path) == {}
    save_names(path, {"全市人均GDP": "EC01", "全市地区生产总值增长速度": "EC02"}, fw)
    assert load_names(path) == {"全市人均GDP": "EC01", "全市地区生产总值增长速度": "EC02"}


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_cli_saves_a_confirmed_name_and_uses_it_next_year(tmp_path: Path) -> None:
    fw = tmp_path / "liyang.yaml"
    shutil.copyfile(LIYANG, fw)
    db = f"sqlite:///{tmp_path / 'q.sqlite'}"
    units = tmp_path / "units.csv"
    units.write_text("code,name_zh,name_en,type\nliyang,溧阳市,Liyang,city\n", "utf-8")
    assert _run("db", "upgrade", "--db", db)[0] == 0
    assert _run("import-units", str(units), "--db", db)[0] == 0
    csv = str(EXAMPLES / "yearbook.csv")
    base = ["import", csv, "-f", str(fw), "--db", db, "--unit", "liyang"]

    code, out = _run(*base, "--dry-run")
    assert code == 0 and "skipped / 跳过" in out and "4 value(s) checked" in out
    assert "1 row(s) skipped" in out
    assert "header row 2" in out and "B (2023年) -> 2023" in out

    code, out = _run(*base, "--name", "全市地区生产总值增长速度(%)=EC02", "--save-names")
    assert code == 0 and "6 added" in out, out
    assert load_names(tmp_path / "liyang.names.yaml") == {"全市地区生产总值增长速度": "EC02"}

    code, out = _run(*base, "--dry-run")  # next year: the saved name is read by itself
    assert code == 0 and "saved name" in out and "6 value(s) checked" in out

    code, out = _run(*base, "--name", "每万人市场主体数=EC11", "--dry-run")
    assert code == 1 and "silent 10x" in out and "Traceback" not in out
    code, out = _run(*base, "--name", "no-equals-sign")
    assert code != 0 and "ROW=CODE" in out
    code, out = _run("import", csv, "-f", str(fw), "--db", db, "--save-names")
    assert code != 0 and "--unit" in out


def test_shipped_examples_are_the_builders_output() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "build_examples.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
