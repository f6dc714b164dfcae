"""CLI of the data store: db upgrade, import-units, import, export, history, db batches."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.framework.io import framework_to_yaml
from qcity.framework.model import Framework
from tests.data.conftest import write_csv

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    """Exit code and output of ``qcity ARGS`` (wide terminal so tables do not wrap)."""
    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_cli_flow(db_url: str, fw: Framework, tmp_path: Path) -> None:
    fw_path = tmp_path / "fw.yaml"
    fw_path.write_text(framework_to_yaml(fw), encoding="utf-8")
    units = write_csv(
        tmp_path / "units.csv",
        "code,name_zh,name_en,type,parent_code,region\nLY,溧阳市,Liyang,city,,苏南\n"
        "TMH,天目湖镇,Tianmuhu,town,LY,\n",
        encoding="gb18030",
    )
    data = write_csv(tmp_path / "d.csv", "unit,indicator,period,value\nLY,EC01,2024,5000\n")
    bad = write_csv(
        tmp_path / "bad.csv", "unit,indicator,period,value\nLY,EC01,2024,x\nQQ,EC01,2023,1\n"
    )

    code, out = _run("import", str(data), "-f", str(fw_path), "--db", db_url)
    assert code == 1 and "qcity db upgrade" in out
    assert _run("db", "upgrade", "--db", db_url)[0] == 0
    code, out = _run("import-units", str(units), "--db", db_url)
    assert code == 0 and "2 unit(s)" in out

    code, out = _run("import", str(bad), "-f", str(fw_path), "--db", db_url)
    assert code == 1 and "2 error(s)" in out and "D (value)" in out and "A (unit)" in out

    code, out = _run("import", str(data), "-f", str(fw_path), "--db", db_url, "--dry-run")
    assert code == 0 and "dry run" in out
    code, out = _run("import", str(data), "-f", str(fw_path), "--db", db_url, "--by", "王五")
    assert code == 0 and "1 added" in out

    code, out = _run("history", "LY", "EC01", "2024", "--db", db_url)
    assert code == 0 and "王五" in out and "5000.0" in out
    assert _run("history", "LY", "EC01", "1999", "--db", db_url)[0] == 1

    out_csv = tmp_path / "out.csv"
    code, _ = _run("export", "--out", str(out_csv), "--db", db_url)
    assert code == 0
    assert pd.read_csv(out_csv, encoding="utf-8-sig")["value"].tolist() == [5000.0]
    code, out = _run(
        "export",
        "--out",
        str(tmp_path / "o.csv"),
        "--db",
        db_url,
        "--as-of",
        "2000-01-01T00:00+08:00",
    )
    assert code == 0 and "0 row(s)" in out
    assert _run("export", "--out", str(out_csv), "--db", db_url, "--as-of", "yesterday")[0] == 1

    code, out = _run("db", "batches", "--db", db_url)
    assert code == 0 and "d.csv" in out
    with Store(db_url) as s:
        assert s.units().set_index("code").loc["LY", "region"] == "苏南"


def test_db_option_falls_back_to_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    monkeypatch.setenv("QCITY_DATABASE_URL", url)
    assert _run("db", "upgrade")[0] == 0
    with Store(url) as s:
        assert s.schema_revision() is not None


def test_import_groups_is_one_transaction(db_url: str, tmp_path: Path) -> None:
    assert _run("db", "upgrade", "--db", db_url)[0] == 0
    units = write_csv(
        tmp_path / "units.csv",
        "code,name_zh,name_en,type,parent_code\nLY,溧阳市,Liyang,city,\n"
        "KS,昆山市,Kunshan,city,\nJY,江阴市,Jiangyin,city,\n",
    )
    assert _run("import-units", str(units), "--db", db_url)[0] == 0
    groups = write_csv(
        tmp_path / "groups.csv",
        "group,name_zh,name_en,unit\n"
        "sunan,苏南,Southern Jiangsu,LY\nsunan,苏南,Southern Jiangsu,KS\n"
        "top,第一方阵,First tier,KS\ntop,第一方阵,First tier,JY\n",
    )
    code, out = _run("import-groups", str(groups), "--db", db_url)
    assert code == 0 and "2 group(s)" in out
    bad = write_csv(
        tmp_path / "bad.csv",
        "group,name_zh,name_en,unit\nsunan,苏南,Southern Jiangsu,LY\nnew,新组,New,NOWHERE\n",
    )
    code, out = _run("import-groups", str(bad), "--db", db_url)
    assert code == 1 and "NOWHERE" in out and "nothing imported" in out
    with Store(db_url) as store:
        members = store.groups().groupby("group")["unit_code"].apply(sorted).to_dict()
    assert members == {"sunan": ["KS", "LY"], "top": ["JY", "KS"]}
