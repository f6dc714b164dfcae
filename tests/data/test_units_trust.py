"""Units and groups files that would silently corrupt the store are refused (issue 18):
parent cycles, self-parents, unknown unit types; a units file with fewer columns updates
only those columns; ``import-groups`` dropping members needs ``--replace``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from tests.data.conftest import write_csv

UNITS = (
    "code,name_zh,name_en,type,parent_code,region\n"
    "LY,溧阳市,Liyang,city,CZ,苏南\nCZ,常州市,Changzhou,prefecture,,苏南\n"
    "TMH,天目湖镇,Tianmuhu,town,LY,\n"
)


def _run(*args: str) -> tuple[int, str]:
    """Exit code and output of ``qcity ARGS`` (wide terminal so messages do not wrap)."""
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def _units(db_url: str, tmp_path: Path) -> None:
    assert _run("db", "upgrade", "--db", db_url)[0] == 0
    code, out = _run("import-units", str(write_csv(tmp_path / "u.csv", UNITS)), "--db", db_url)
    assert code == 0, out


def test_self_parent_and_cycles_are_refused(db_url: str, tmp_path: Path) -> None:
    _units(db_url, tmp_path)
    header = "code,name_zh,type,parent_code\n"
    selfish = write_csv(tmp_path / "self.csv", header + "TMH,天目湖镇,town,TMH\n")
    code, out = _run("import-units", str(selfish), "--db", db_url)
    assert code == 1 and "self.csv" in out and "row 2" in out and "parent_code" in out
    # CZ under TMH closes the loop TMH -> LY -> CZ -> TMH with the stored parents
    loop = write_csv(tmp_path / "loop.csv", header + "CZ,常州市,prefecture,TMH\n")
    code, out = _run("import-units", str(loop), "--db", db_url)
    assert code == 1 and "loop.csv" in out and "row 2" in out and "cycle" in out
    assert "nothing imported" in out
    with Store(db_url) as store:
        parents = store.units().set_index("code")["parent_code"]
    assert parents.dropna().to_dict() == {"LY": "CZ", "TMH": "LY"} and pd.isna(parents["CZ"])


def test_unknown_unit_type_is_refused(db_url: str, tmp_path: Path) -> None:
    _units(db_url, tmp_path)
    typo = write_csv(tmp_path / "typo.csv", "code,name_zh,type\nDB,东坝镇,twon\n")
    code, out = _run("import-units", str(typo), "--db", db_url)
    assert code == 1 and "typo.csv" in out and "row 2" in out and "type" in out
    assert "twon" in out and "town" in out  # the hint lists the known types
    with Store(db_url) as store:
        assert "DB" not in set(store.units()["code"])


def test_fewer_columns_update_only_those(db_url: str, tmp_path: Path) -> None:
    _units(db_url, tmp_path)
    names = write_csv(tmp_path / "names.csv", "code,name_zh,type\nLY,溧阳,city\n")
    code, out = _run("import-units", str(names), "--db", db_url)
    assert code == 0, out
    with Store(db_url) as store:
        ly = store.units().set_index("code").loc["LY"]
    assert ly["name_zh"] == "溧阳" and ly["name_en"] == "Liyang"
    assert ly["parent_code"] == "CZ" and ly["region"] == "苏南"


def test_import_groups_dropping_members_needs_replace(db_url: str, tmp_path: Path) -> None:
    _units(db_url, tmp_path)
    full = write_csv(tmp_path / "g.csv", "group,name_zh,unit\npeers,对标,LY\npeers,对标,CZ\n")
    assert _run("import-groups", str(full), "--db", db_url)[0] == 0
    fewer = write_csv(tmp_path / "g2.csv", "group,name_zh,unit\npeers,对标,LY\npeers,对标,TMH\n")
    code, out = _run("import-groups", str(fewer), "--db", db_url)
    assert code == 1 and "peers" in out and "CZ" in out and "--replace" in out
    with Store(db_url) as store:
        assert sorted(store.groups()["unit_code"]) == ["CZ", "LY"]
    code, out = _run("import-groups", str(fewer), "--db", db_url, "--replace")
    assert code == 0 and "CZ" in out  # the change is shown
    with Store(db_url) as store:
        assert sorted(store.groups()["unit_code"]) == ["LY", "TMH"]
