"""``qcity import`` and ``qcity import-bulletin --accept`` refuse a value outside its
plausible range unless ``--accept-implausible "why"`` (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from qcity.cli import app
from qcity.data import audit
from qcity.data.store import Store
from tests.helpers import REPO

LIYANG = REPO / "frameworks" / "liyang.yaml"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _ready(db_url: str, tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name_zh,name_en,type,parent_code\nliyang,溧阳市,Liyang,city,\n", encoding="utf-8"
    )
    assert _run("db", "upgrade", "--db", db_url)[0] == 0
    assert _run("import-units", str(units), "--db", db_url)[0] == 0


def test_import_refuses_1e300_unless_accepted(db_url: str, tmp_path: Path) -> None:
    _ready(db_url, tmp_path)
    data = tmp_path / "d.csv"
    data.write_text("unit,indicator,period,value\nliyang,SC01,2024,1e300\n", encoding="utf-8")
    code, out = _run("import", str(data), "-f", str(LIYANG), "--db", db_url)
    flat = " ".join(out.split())
    assert code == 1 and "plausible range [0, 100]" in flat and "--accept-implausible" in flat
    code, out = _run(
        "import", str(data), "-f", str(LIYANG), "--db", db_url, "--accept-implausible", " "
    )
    assert code == 1 and "reason" in out
    with Store(db_url) as store:
        assert store.observations().empty
    code, out = _run("import", str(data), "-f", str(LIYANG), "--db", db_url,
                     "--accept-implausible", "统计局确认")  # fmt: skip
    assert code == 0, out
    with Store(db_url) as store:
        assert store.observations()["flag"].tolist() == ["implausible"]
        (after,) = audit.read_log(store.engine, action="values.import")["after"]
    assert after["implausible"]["reason"] == "统计局确认"


def test_import_bulletin_accept_refuses_implausible(db_url: str, tmp_path: Path) -> None:
    _ready(db_url, tmp_path)
    text = LIYANG.read_text("utf-8")
    at = text.index("- code: EC02")
    found = re.compile(r"plausible_range: \[-15, 30\]").search(text, at)
    assert found is not None
    narrow = tmp_path / "narrow.yaml"  # EC02 (9.7 in the 2023 bulletin) made implausible
    narrow.write_text(
        text[: found.start()] + "plausible_range: [-15, 5]" + text[found.end() :], "utf-8"
    )
    bulletin = REPO / "tests" / "data" / "bulletins" / "liyang-2023.txt"
    args = ["import-bulletin", str(bulletin), "--unit", "liyang", "--year", "2023",
            "-f", str(narrow), "--accept", "--db", db_url]  # fmt: skip
    code, out = _run(*args)
    assert code == 1 and "EC02" in out and "--accept-implausible" in " ".join(out.split())
    with Store(db_url) as store:
        assert store.observations().empty
    code, out = _run(*args, "--accept-implausible", "公报数据，已核对")
    assert code == 0, out
    with Store(db_url) as store:
        stored = store.observations().set_index("indicator")
    flags = stored["flag"].fillna("").str.contains("implausible")
    assert flags.to_dict() == {code: code == "EC02" for code in stored.index}
