"""CLI of the data store: db upgrade, import-units, import, export, history, db batches."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
        tmp_path / "bad.csv", "unit,indicator,period,value\nLY,EC01,2024,x\nQQ,EC01,2023,1500\n"
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


def _setup(db_url: str, fw: Framework, tmp_path: Path) -> Path:
    """Migrate, load two units; returns the framework file."""
    fw_path = tmp_path / "fw.yaml"
    fw_path.write_text(framework_to_yaml(fw), encoding="utf-8")
    assert _run("db", "upgrade", "--db", db_url)[0] == 0
    units = write_csv(
        tmp_path / "units.csv",
        "code,name_zh,name_en,type,parent_code\nLY,溧阳市,Liyang,city,\nTMH,天目湖镇,Tianmuhu,town,LY\n",
    )
    assert _run("import-units", str(units), "--db", db_url)[0] == 0
    return fw_path


def test_commands_that_find_nothing_to_do_say_so(
    db_url: str, fw: Framework, tmp_path: Path
) -> None:
    code, out = _run("db", "batches", "--db", db_url)
    assert code == 1  # no schema yet: the hint to upgrade
    fw_path = _setup(db_url, fw, tmp_path)
    code, out = _run("db", "upgrade", "--db", db_url)
    assert code == 0 and "nothing to do" in out and "无需升级" in out
    code, out = _run("db", "batches", "--db", db_url)
    assert code == 0 and "no import batches yet" in out and "尚无导入记录" in out

    data = write_csv(tmp_path / "d.csv", "unit,indicator,period,value\nLY,EC01,2024,5000\n")
    assert "1 added" in _run("import", str(data), "-f", str(fw_path), "--db", db_url)[1]
    code, out = _run("import", str(data), "-f", str(fw_path), "--db", db_url)
    assert code == 0
    assert "nothing to do: 1 row(s) equal to what is stored" in out and "无需写入" in out
    assert "dry run" not in out
    empty = write_csv(tmp_path / "e.csv", "unit,period,EC01\nLY,2024,\n")
    code, out = _run("import", str(empty), "-f", str(fw_path), "--db", db_url)
    assert code == 0 and "nothing to do: the file holds no values" in out
    assert "dry run" not in out
    with Store(db_url) as s:
        assert len(s.batches()) == 1  # no empty batches

    code, out = _run("import-units", str(tmp_path / "units.csv"), "--db", db_url)
    assert code == 0 and "nothing to do: 2 unit(s) equal to what is stored" in out
    groups = write_csv(tmp_path / "g.csv", "group,name_zh,name_en,unit\nsunan,苏南,Sunan,LY\n")
    assert "1 group(s) written" in _run("import-groups", str(groups), "--db", db_url)[1]
    code, out = _run("import-groups", str(groups), "--db", db_url)
    assert code == 0 and "nothing to do: 1 group(s) equal to what is stored" in out

    code, out = _run("export", "--out", str(tmp_path / "none.csv"), "--db", db_url, "--unit", "TMH")
    assert code == 0 and "nothing to export" in out and "没有符合条件的数据" in out


def test_unit_type_change_needs_confirm_and_is_kept_in_history(
    db_url: str, fw: Framework, tmp_path: Path
) -> None:
    _setup(db_url, fw, tmp_path)
    changed = write_csv(
        tmp_path / "u2.csv",
        "code,name_zh,name_en,type,parent_code\nLY,溧阳市,Liyang,city,\nTMH,天目湖街道,Tianmuhu,street,LY\n",
    )
    code, out = _run("import-units", str(changed), "--db", db_url, "--by", "王五")
    assert code == 1 and "TMH (天目湖街道) town -> street" in out and "--confirm" in out
    with Store(db_url) as s:
        assert s.units().set_index("code").loc["TMH", "type"] == "town"  # nothing written
    code, out = _run("import-units", str(changed), "--db", db_url, "--by", "王五", "--confirm")
    assert code == 0 and "1 revised" in out
    code, out = _run("unit-history", "TMH", "--db", db_url)
    assert code == 0 and "type: town -> street" in out and "name_zh: 天目湖镇 -> 天目湖街道" in out
    assert "王五" in out
    code, out = _run("unit-history", "NOPE", "--db", db_url)
    assert code == 1 and "no unit NOPE" in out


def test_read_only_commands_never_create_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "q.sqlite"
    url = f"sqlite:///{missing}"
    for args in (
        ("history", "LY", "EC01", "2024"),
        ("unit-history", "LY"),
        ("db", "batches"),
        ("export", "--out", str(tmp_path / "o.csv")),
    ):
        code, out = _run(*args, "--db", url)
        assert code == 1 and "no database at" in out, (args, out)
    assert not missing.exists() and not missing.parent.exists()
    assert not (tmp_path / "o.csv").exists()


def test_export_as_of_is_local_time(db_url: str, fw: Framework, tmp_path: Path) -> None:
    fw_path = _setup(db_url, fw, tmp_path)
    data = write_csv(tmp_path / "d.csv", "unit,indicator,period,value\nLY,EC01,2024,5000\n")
    _run("import", str(data), "-f", str(fw_path), "--db", db_url)
    with Store(db_url) as s:
        stamp = s.vintage()
    assert stamp is not None
    local = stamp.astimezone(ZoneInfo("Asia/Shanghai"))

    def rows(as_of: str, *extra: str) -> int:
        out_csv = tmp_path / "o.csv"
        code, out = _run("export", "--out", str(out_csv), "--db", db_url, "--as-of", as_of, *extra)
        assert code == 0, out
        return len(pd.read_csv(out_csv, encoding="utf-8-sig"))

    fmt = "%Y-%m-%dT%H:%M:%S.%f"
    assert rows(local.strftime(fmt)) == 1  # no offset: Beijing time
    before = (local - timedelta(microseconds=1)).strftime(fmt)
    assert rows(before) == 0  # read as UTC it would be 8 hours later and include the value
    assert rows(stamp.strftime(fmt) + "Z") == 1
    # with a framework, its timezone applies
    utc_fw = tmp_path / "utc.yaml"
    utc_fw.write_text(
        framework_to_yaml(fw.model_copy(update={"timezone": "UTC"})), encoding="utf-8"
    )
    assert rows(stamp.strftime(fmt), "-f", str(utc_fw)) == 1
    assert rows((stamp - timedelta(microseconds=1)).strftime(fmt), "-f", str(utc_fw)) == 0
    code, out = _run("export", "--out", str(tmp_path / "x.csv"), "--db", db_url, "--as-of", "noon")
    assert code == 1 and "2024-06-30T12:00" in out  # the accepted forms


def test_as_of_help_states_the_time_zone() -> None:
    code, out = _run("export", "--help")
    assert code == 0
    flat = " ".join(out.replace("│", " ").split())
    assert (
        "ISO 8601; without an offset the time is Asia/Shanghai (or the framework's timezone)"
        in flat
    )
