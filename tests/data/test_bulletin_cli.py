"""``qcity import-bulletin`` on SQLite and PostgreSQL: review.csv goes through
``qcity import`` unchanged, ``--accept`` stores only values equal to the hand-entered
ones (precision 1.0), and bad input stops with the file, option or unit named and
nothing written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from tests.helpers import REPO

runner = CliRunner()
BULLETINS = REPO / "tests" / "data" / "bulletins"
LIYANG = REPO / "frameworks" / "liyang.yaml"
SHIPPED = [
    ("liyang-2021.txt", 2021),
    ("liyang-2022.gb18030.txt", 2022),
    ("liyang-2023.txt", 2023),
]


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "250", "QCITY_DATABASE_URL": None})
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def ready(db_url: str, tmp_path: Path) -> str:
    """A migrated store holding the unit ``liyang``."""
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name_zh,name_en,type,parent_code\nliyang,溧阳市,Liyang,city,\n", encoding="utf-8"
    )
    assert _run("db", "upgrade", "--db", db_url)[0] == 0
    assert _run("import-units", str(units), "--db", db_url)[0] == 0
    return db_url


def _truth(year: int) -> pd.DataFrame:
    return pd.read_csv(BULLETINS / f"liyang-{year}.truth.csv", dtype=str)


def _stored(db_url: str) -> pd.DataFrame:
    with Store(db_url) as store:
        return store.observations()


def _equal_to_truth(stored: pd.DataFrame, truth: pd.DataFrame) -> np.ndarray:
    both = stored.merge(truth, on=["unit", "indicator", "period"], suffixes=("", "_truth"))
    assert len(both) == len(stored), "a stored value has no hand-entered value"
    return np.isclose(both["value"].astype(float), both["value_truth"].astype(float), rtol=1e-9)


def test_review_csv_imports_unchanged(ready: str, tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    bulletin = BULLETINS / "liyang-2023.txt"
    code, out = _run(
        "import-bulletin", str(bulletin), "--unit", "liyang", "--year", "2023",
        "--out", str(review), "--db", ready,
    )  # fmt: skip
    assert code == 0, out
    assert _stored(ready).empty  # without --accept nothing is stored
    df = pd.read_csv(review, dtype=str, encoding="utf-8-sig")
    assert list(df.columns)[:6] == [
        "unit", "indicator", "period", "value", "unit_of_measure", "source",
    ]  # fmt: skip
    ec02 = df.set_index("indicator").loc["EC02"]
    assert ec02["value"] == "9.7" and ec02["unit_of_measure"] == "%"
    assert (
        ec02["source"]
        == "经初步核算，2023年全市实现地区生产总值1557.22亿元，按可比价计算，比上年增长9.7%"
    )
    code, out = _run("import", str(review), "-f", str(LIYANG), "--db", ready)
    assert code == 0, out
    stored = _stored(ready)
    assert len(stored) == len(df) == 25
    assert _equal_to_truth(stored, _truth(2023)).all()
    assert set(stored["status"]) == {"preliminary"}
    ec02_row = stored.set_index("indicator").loc["EC02"]
    assert "初步核算" in ec02_row["source"] and "初步核算" in ec02_row["flag"]


@pytest.mark.parametrize(("name", "year"), SHIPPED)
def test_accept_stores_only_right_values(ready: str, name: str, year: int) -> None:
    """Precision 1.0 on what --accept imports: every stored value equals the value entered
    by hand from the text; competing candidates are not stored."""
    code, out = _run(
        "import-bulletin", str(BULLETINS / name), "--unit", "liyang", "--year", str(year),
        "--accept", "--db", ready, "--by", "统计局",
    )  # fmt: skip
    assert code == 0, out
    assert "preliminary" in out
    stored = _stored(ready)
    truth = _truth(year)
    assert _equal_to_truth(stored, truth).all()
    assert len(stored) >= 0.8 * len(truth)
    assert set(stored["status"]) == {"preliminary"} and set(stored["entered_by"]) == {"统计局"}
    if year == 2021:
        assert "ambiguous" in out and "10.3" in out  # the 快报 GDP growth competes
        assert "EC02" not in set(stored["indicator"])
        # the per-capita GDP by registered population is refused with its reason; the
        # one by residents is taken
        assert "EC01" in set(stored["indicator"])
        assert "registered population" in out and "161000" in out


def test_accept_twice_changes_nothing(ready: str) -> None:
    args = ["import-bulletin", str(BULLETINS / "liyang-2022.gb18030.txt"), "--unit", "liyang"]
    args += ["--year", "2022", "--accept", "--db", ready]
    assert _run(*args)[0] == 0
    code, out = _run(*args)
    assert code == 0 and "nothing to do" in out
    with Store(ready) as store:
        assert len(store.batches()) == 1


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"--unit": "lyang"}, "did you mean liyang"),
        ({"--year": "1850"}, "--year 1850"),
        ({"--year": "2024"}, "the title names 2023年 but --year is 2024"),
        ({"file": "missing.txt"}, "missing.txt"),
        ({"file": "utf16.txt"}, "utf16.txt: neither UTF-8 nor GB18030"),
        ({"file": "empty.txt"}, "empty.txt: the file is empty"),
        ({"file": "nothing.txt"}, "nothing.txt: no figure"),
    ],
)
def test_bad_input_is_named_and_nothing_written(
    ready: str, tmp_path: Path, change: dict[str, str], shown: str
) -> None:
    (tmp_path / "utf16.txt").write_bytes("地区生产总值增长5%".encode("utf-16"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "nothing.txt").write_text("全市经济运行稳中有进。\n", encoding="utf-8")
    opts = {"--unit": "liyang", "--year": "2023", **change}
    file = (
        str(tmp_path / opts.pop("file")) if "file" in opts else str(BULLETINS / "liyang-2023.txt")
    )
    args = ["import-bulletin", file, "--accept", "--db", ready, "--out", str(tmp_path / "r.csv")]
    for k, v in opts.items():
        args += [k, v]
    code, out = _run(*args)
    assert code == 1, out
    assert shown in " ".join(out.split())
    assert _stored(ready).empty
    assert not (tmp_path / "r.csv").exists()


def test_out_or_accept_is_required(ready: str) -> None:
    code, out = _run(
        "import-bulletin", str(BULLETINS / "liyang-2023.txt"), "--unit", "liyang",
        "--year", "2023", "--db", ready,
    )  # fmt: skip
    assert code == 1 and "--out" in out and "--accept" in out


def test_refused_candidates_are_shown_and_kept_in_review_csv(ready: str, tmp_path: Path) -> None:
    """The clerk sees, for each indicator, the value taken and the candidates refused
    with the reason, in the printout and in review.csv (column ``refused``), and the
    reviewed file still imports unchanged."""
    text = tmp_path / "b.txt"
    text.write_text(
        "溧阳市2023年国民经济和社会发展统计公报\n"
        "全市地区生产总值增长6.3%；不含开发区，地区生产总值增长5.2%。\n"
        "按常住人口计算，人均地区生产总值8.52万元；按户籍人口计算，人均地区生产总值9.37万元。\n",
        encoding="utf-8",
    )
    out_csv = tmp_path / "review.csv"
    code, out = _run(
        "import-bulletin", str(text), "--unit", "liyang", "--year", "2023",
        "--out", str(out_csv), "--db", ready,
    )  # fmt: skip
    assert code == 0, out
    flat = " ".join(out.split())
    assert "refused" in flat and "excluded area" in flat and "registered population" in flat
    review = pd.read_csv(out_csv, dtype=str, encoding="utf-8-sig").fillna("")
    by_code = review.set_index("indicator")
    assert by_code.loc["EC02", "value"] == "6.3" and by_code.loc["EC01", "value"] == "85200"
    assert "5.2 %" in by_code.loc["EC02", "refused"]
    assert "excluded area" in by_code.loc["EC02", "refused"]
    assert "93700 元" in by_code.loc["EC01", "refused"]
    assert _run("import", str(out_csv), "-f", str(LIYANG), "--db", ready)[0] == 0
    assert sorted(_stored(ready)["indicator"]) == ["EC01", "EC02"]


def test_no_usable_figure_says_what_was_looked_for(ready: str, tmp_path: Path) -> None:
    text = tmp_path / "b.txt"
    text.write_text("不含开发区，全市地区生产总值增长5.2%。\n", encoding="utf-8")
    code, out = _run(
        "import-bulletin", str(text), "--unit", "liyang", "--year", "2023", "--accept",
        "--db", ready,
    )  # fmt: skip
    flat = " ".join(out.split())
    assert code == 1 and "no figure" in flat
    assert "Looked for" in flat and "EC02 地区生产总值增速" in flat and "LV05" in flat
    assert "excluded area" in flat  # the refused candidate is shown with its reason
    assert _stored(ready).empty
