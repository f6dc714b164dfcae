"""``qcity evaluate --data`` reads a file through the importer's own reader: it accepts
what ``qcity import --dry-run`` accepts (Chinese headers, ``2024年``, thousands
separators) and rejects what it rejects, naming the same cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from tests.helpers import REPO

ASEM = REPO / "examples" / "asem"


def _asem_in_chinese(path: Path, *, break_one: bool = False) -> None:
    """The ASEM data with Chinese headers, ``2018年`` periods and thousands separators."""
    data = pd.read_csv(ASEM / "data.csv", dtype=str)
    big = pd.to_numeric(data["value"]) >= 1000
    data.loc[big, "value"] = pd.to_numeric(data.loc[big, "value"]).map("{:,.6f}".format)
    data["period"] = data["period"] + "年"
    if break_one:
        data.loc[3, "indicator"] = "NOPE"
    data = data.rename(
        columns={"unit": "地区", "indicator": "指标", "period": "年份", "value": "数值"}
    )
    data.to_csv(path, index=False, encoding="utf-8-sig")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_evaluate_accepts_what_import_accepts(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    code, out = _run("evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv"),
                     "-o", str(plain))  # fmt: skip
    assert code == 0, out
    chinese = tmp_path / "chinese.csv"
    _asem_in_chinese(chinese)
    code, out = _run("evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(chinese),
                     "-o", str(tmp_path / "zh"))  # fmt: skip
    assert code == 0, out
    a = pd.read_csv(plain / "scores.csv", dtype={"period": str})
    b = pd.read_csv(tmp_path / "zh" / "scores.csv", dtype={"period": str})
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)


def test_evaluate_rejects_what_import_rejects_with_the_same_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    _asem_in_chinese(bad, break_one=True)
    code, evaluated = _run("evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(bad),
                           "-o", str(tmp_path / "out"))  # fmt: skip
    assert code != 0
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    _run("db", "upgrade", "--db", db)
    _run("import-units", str(ASEM / "units.csv"), "--db", db)
    code_i, imported = _run("import", str(bad), "-f", str(ASEM / "framework.yaml"), "--db", db,
                            "--by", "test", "--dry-run")  # fmt: skip
    assert code_i != 0
    for text in (evaluated, imported):
        assert "NOPE" in text and "indicator" in text
        assert "row 5" in text or "| 5 " in text or " 5 " in text
    assert not (tmp_path / "out" / "scores.csv").exists()


def test_the_workbook_is_written_on_request(tmp_path: Path) -> None:
    args = ["evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv")]
    code, out = _run(*args, "-o", str(tmp_path / "plain"))
    assert code == 0, out
    assert not (tmp_path / "plain" / "results.xlsx").exists()
    assert (tmp_path / "plain" / "scores_readable.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    code, out = _run(*args, "-o", str(tmp_path / "book"), "--workbook")
    assert code == 0, out
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "book" / "results.xlsx", read_only=True)
    assert "得分 scores" in book.sheetnames
