"""The import, bulletin and framework use cases of the service, called directly: keyword
options, typed results, the rules they hold (confirmed names, years, units, reference
periods) and nothing written when they refuse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from qcity import errors
from qcity.data.periods import MIN_YEAR, max_year
from qcity.data.problems import ImportErrorReport
from qcity.data.roles import operator
from qcity.data.store import Store
from qcity.framework.io import framework_to_yaml, load_framework
from qcity.service.bulletin import (
    BulletinReading,
    BulletinYearError,
    NothingFound,
    UnknownUnit,
    accept_bulletin,
    read_bulletin_file,
    save_review,
)
from qcity.service.evaluation import EvaluationResult
from qcity.service.evaluation import evaluate as run
from qcity.service.frameworks import (
    FrameworkCheck,
    check_framework,
    framework_methods,
    freeze_framework,
    stored_framework,
)
from qcity.service.imports import (
    ImportOptionError,
    ImportOutcome,
    ImportRefused,
    check_upload,
    export_observations,
    import_groups,
    import_observations,
    import_units,
)
from qcity.service.inputs import from_files
from tests.engine.test_frozen_scale import framework as scale_framework
from tests.engine.test_frozen_scale import panel
from tests.helpers import REPO

LIYANG = REPO / "frameworks" / "liyang.yaml"
YEARBOOK = REPO / "examples" / "yearbook" / "yearbook.csv"
BULLETIN = REPO / "tests" / "data" / "bulletins" / "liyang-2023.txt"
CLERK = operator("tester")


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A migrated SQLite store holding the unit ``liyang``."""
    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    with Store(url) as store:
        store.upgrade()
        store.add_units(
            pd.DataFrame(
                {"code": ["liyang"], "name_zh": ["溧阳市"], "name_en": ["Liyang"], "type": ["city"]}
            ),
            "test",
        )
    return url


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _stored(db: str) -> pd.DataFrame:
    with Store(db) as store:
        return store.observations()


def _framework_copy(tmp_path: Path) -> Path:
    """The shipped framework copied, so that its names file is the test's own."""
    path = tmp_path / "liyang.yaml"
    shutil.copyfile(LIYANG, path)
    return path


# -- import_observations ---------------------------------------------------------------------


def test_import_observations_takes_keywords_only(db: str, tmp_path: Path) -> None:
    file = _csv(tmp_path / "d.csv", "unit,indicator,period,value\nliyang,EC01,2023,150000\n")
    with pytest.raises(TypeError):
        import_observations(db, file, LIYANG, "统计局", CLERK)  # type: ignore[misc]


def test_import_observations_writes_one_batch_and_says_what(db: str, tmp_path: Path) -> None:
    file = _csv(
        tmp_path / "d.csv",
        "unit,indicator,period,value\nliyang,EC01,2023,150000\nliyang,EC02,2023,5.5\n",
    )
    dry = import_observations(
        db=db, file=file, framework=LIYANG, entered_by="统计局", actor=CLERK, dry_run=True
    )
    assert isinstance(dry, ImportOutcome)
    assert dry.dry_run and dry.rows == 2 and dry.summary is None and dry.written == 0
    assert _stored(db).empty
    done = import_observations(db=db, file=file, framework=LIYANG, entered_by="统计局", actor=CLERK)
    assert done.file_name == "d.csv" and done.rows == 2 and not done.dry_run
    assert done.summary is not None and done.summary.added == 2 and done.written == 2
    assert done.database.startswith("sqlite:///") and done.names_file is None
    assert done.layouts and done.warnings == () and done.recognition == ()
    assert sorted(_stored(db)["indicator"]) == ["EC01", "EC02"]


def test_a_file_with_bad_cells_writes_nothing(db: str, tmp_path: Path) -> None:
    file = _csv(
        tmp_path / "d.csv",
        "unit,indicator,period,value\nliyang,EC01,2023,150000\nliyang,EC02,2023,abc\n",
    )
    with pytest.raises(ImportErrorReport) as caught:
        import_observations(db=db, file=file, framework=LIYANG, entered_by="统计局", actor=CLERK)
    assert isinstance(caught.value, errors.InputError)
    assert [p.row for p in caught.value.errors] == [3]
    assert _stored(db).empty


def test_a_refused_import_names_the_file_and_writes_nothing(db: str, tmp_path: Path) -> None:
    file = _csv(tmp_path / "d.csv", "unit,indicator,period,value\nliyang,EC01,2023,150000\n")
    with pytest.raises(ImportRefused, match=r"^d\.csv: .*needs a reason") as caught:
        import_observations(
            db=db,
            file=file,
            framework=LIYANG,
            entered_by="统计局",
            actor=CLERK,
            accept_implausible="  ",
        )
    assert isinstance(caught.value, errors.InputError)
    assert _stored(db).empty


def test_confirmed_names_need_a_unit_and_the_row_code_form(db: str, tmp_path: Path) -> None:
    fw = _framework_copy(tmp_path)
    with pytest.raises(ImportOptionError) as caught:
        import_observations(
            db=db, file=YEARBOOK, framework=fw, entered_by="x", actor=CLERK, save_names=True
        )
    assert caught.value.options == ("unit",)
    with pytest.raises(ImportOptionError, match="ROW=CODE"):
        import_observations(
            db=db,
            file=YEARBOOK,
            framework=fw,
            entered_by="x",
            actor=CLERK,
            unit="liyang",
            names=["no-equals-sign"],
        )
    assert _stored(db).empty and not (tmp_path / "liyang.names.yaml").exists()


def test_confirmed_names_are_saved_beside_the_framework_after_a_real_import(
    db: str, tmp_path: Path
) -> None:
    fw = _framework_copy(tmp_path)
    given = {
        "db": db,
        "file": YEARBOOK,
        "framework": fw,
        "entered_by": "统计局",
        "actor": CLERK,
        "unit": "liyang",
        "names": ["全市地区生产总值增长速度(%)=EC02"],
        "save_names": True,
    }
    dry = import_observations(**given, dry_run=True)  # type: ignore[arg-type]
    assert dry.names_file == tmp_path / "liyang.names.yaml" and dry.names_saved is None
    assert not dry.names_file.exists() and dry.rows == 6
    done = import_observations(**given)  # type: ignore[arg-type]
    assert done.names_saved == 1 and done.summary is not None and done.summary.added == 6
    assert "全市地区生产总值增长速度" in (tmp_path / "liyang.names.yaml").read_text("utf-8")
    again = import_observations(
        db=db, file=YEARBOOK, framework=fw, entered_by="x", actor=CLERK, unit="liyang"
    )
    assert again.written == 0 and again.rows == 6  # the saved name is read by itself


def test_check_upload_checks_and_stores_nothing(db: str, tmp_path: Path) -> None:
    fw = load_framework(LIYANG)
    file = _csv(tmp_path / "d.csv", "unit,indicator,period,value\nliyang,EC01,2023,150000\n")
    checked = check_upload(file, db=db, framework=fw)
    assert checked.file_name == "d.csv" and checked.rows == 1 and checked.warnings == ()
    assert checked.observations["indicator"].tolist() == ["EC01"]
    assert _stored(db).empty
    bad = _csv(tmp_path / "b.csv", "unit,indicator,period,value\nnowhere,EC01,2023,150000\n")
    with pytest.raises(ImportErrorReport):
        check_upload(bad, db=db, framework=fw)


# -- units, groups, export ---------------------------------------------------------------------


def test_import_units_and_groups(db: str, tmp_path: Path) -> None:
    units = _csv(
        tmp_path / "u.csv",
        "code,name_zh,name_en,type,parent_code\nliyang,溧阳市,Liyang,city,\n"
        "jiangyin,江阴市,Jiangyin,city,\n",
    )
    with pytest.raises(TypeError):
        import_units(db, units, "x")  # type: ignore[misc]
    done = import_units(db=db, file=units, entered_by="统计局")
    assert (done.added, done.revised, done.unchanged, done.written) == (1, 0, 1, 1)
    groups = _csv(
        tmp_path / "g.csv",
        "group,name_zh,name_en,unit\nsunan,苏南,Sunan,liyang\nsunan,苏南,Sunan,jiangyin\n",
    )
    first = import_groups(db=db, file=groups)
    assert (first.groups, first.written, first.unchanged) == (1, 1, 0)
    smaller = _csv(tmp_path / "s.csv", "group,name_zh,name_en,unit\nsunan,苏南,Sunan,liyang\n")
    with pytest.raises(ImportRefused, match=r"^s\.csv: .*nothing imported"):
        import_groups(db=db, file=smaller)
    with Store(db) as store:
        groups_stored = store.groups()
    assert (groups_stored["group"] == "sunan").sum() == 2  # nothing written
    assert import_groups(db=db, file=smaller, replace=True).written == 1


def test_a_file_that_is_no_csv_table_is_an_input_error(db: str, tmp_path: Path) -> None:
    empty = _csv(tmp_path / "e.csv", "")
    with pytest.raises(errors.InputError, match=r"e\.csv: not a readable CSV table"):
        import_units(db=db, file=empty, entered_by="x")


def test_export_observations(db: str, tmp_path: Path) -> None:
    file = _csv(tmp_path / "d.csv", "unit,indicator,period,value\nliyang,EC01,2023,150000\n")
    import_observations(db=db, file=file, framework=LIYANG, entered_by="统计局", actor=CLERK)
    out = tmp_path / "out.csv"
    done = export_observations(db=db, out=out, framework=load_framework(LIYANG))
    assert (done.path, done.rows, done.as_of) == (out, 1, None)
    assert "人均地区生产总值" in out.read_text("utf-8-sig")
    with pytest.raises(errors.InputError, match=r"export to \.csv"):
        export_observations(db=db, out=tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()


# -- bulletins -----------------------------------------------------------------------------------


def test_read_bulletin_file_proposes_values_to_review(db: str, tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        read_bulletin_file(db, BULLETIN, "liyang", "liyang", 2023)  # type: ignore[misc]
    reading = read_bulletin_file(db=db, file=BULLETIN, framework="liyang", unit="liyang", year=2023)
    assert isinstance(reading, BulletinReading)
    assert (reading.file_name, reading.unit, reading.year) == ("liyang-2023.txt", "liyang", 2023)
    assert reading.framework_code == "liyang" and reading.sentences > 0
    assert not reading.proposals.empty and len(reading.review) == len(reading.proposals)
    assert set(reading.review["status"]) == {"preliminary"}
    out = tmp_path / "review.csv"
    assert save_review(reading, out=out) == len(reading.review)
    assert _stored(db).empty  # reading writes nothing


@pytest.mark.parametrize("year", [1850, 2024])
def test_a_wrong_year_is_refused_with_the_years(db: str, year: int) -> None:
    with pytest.raises(BulletinYearError) as caught:
        read_bulletin_file(db=db, file=BULLETIN, framework="liyang", unit="liyang", year=year)
    exc = caught.value
    assert isinstance(exc, errors.InputError) and exc.year == year
    assert (exc.first, exc.last) == (MIN_YEAR, max_year())
    assert exc.title_year == (None if year == 1850 else 2023)


def test_an_unknown_unit_is_not_found_with_the_nearest_codes(db: str) -> None:
    with pytest.raises(UnknownUnit) as caught:
        read_bulletin_file(db=db, file=BULLETIN, framework="liyang", unit="lyang", year=2023)
    assert isinstance(caught.value, errors.NotFound)
    assert caught.value.near == ("liyang",) and "did you mean liyang" in str(caught.value)


def test_a_bulletin_without_figures_carries_what_was_read(db: str, tmp_path: Path) -> None:
    file = _csv(tmp_path / "n.txt", "全市经济运行稳中有进。\n")
    with pytest.raises(NothingFound, match="no figure") as caught:
        read_bulletin_file(db=db, file=file, framework="liyang", unit="liyang", year=2023)
    assert caught.value.reading.proposals.empty and caught.value.reading.file_name == "n.txt"


def test_accept_bulletin_imports_through_the_one_import(db: str) -> None:
    reading = read_bulletin_file(db=db, file=BULLETIN, framework="liyang", unit="liyang", year=2023)
    done = accept_bulletin(reading, db=db, entered_by="统计局", actor=CLERK)
    assert done.summary is not None and done.summary.added == len(reading.review)
    stored = _stored(db)
    assert set(stored["status"]) == {"preliminary"} and set(stored["entered_by"]) == {"统计局"}
    again = accept_bulletin(reading, db=db, entered_by="统计局", actor=CLERK)
    assert again.written == 0


# -- frameworks ----------------------------------------------------------------------------------


def test_check_framework_reports_every_problem(tmp_path: Path) -> None:
    good = check_framework(path=LIYANG)
    assert isinstance(good, FrameworkCheck) and not good.failed
    assert good.framework is not None and good.framework.code == "liyang"
    bad = _csv(tmp_path / "bad.yaml", "code: x\nversion: [\n")
    checked = check_framework(path=bad)
    assert checked.failed and checked.framework is None and checked.errors
    missing = check_framework(path=tmp_path / "none.yaml")
    assert missing.failed and "file not found" in missing.problems[0].message
    with pytest.raises(TypeError):
        check_framework(LIYANG)  # type: ignore[misc]


def test_freeze_framework_writes_a_new_version(tmp_path: Path) -> None:
    fw = scale_framework()
    fw_path = _csv(tmp_path / "fw.yaml", framework_to_yaml(fw))
    data = tmp_path / "data.csv"
    panel().to_csv(data, index=False)
    out = tmp_path / "frozen.yaml"

    def evaluate() -> EvaluationResult:
        return run(fw, from_files(fw, fw_path, data, None))

    done = freeze_framework(fw, evaluate=evaluate, out=out)
    assert done.path == out and done.framework.version == f"{fw.version}-frozen"
    assert (done.first, done.last, done.indicators, done.notice) == (2015, 2017, 3, None)
    assert load_framework(out).version == done.framework.version


def test_freeze_framework_without_reference_period_evaluates_nothing(tmp_path: Path) -> None:
    fw = scale_framework(scope="pooled", reference=None)
    called: list[int] = []

    def evaluate() -> EvaluationResult:
        called.append(1)
        raise AssertionError("not evaluated")

    with pytest.raises(errors.FrameworkError, match="declares no reference_period"):
        freeze_framework(fw, evaluate=evaluate, out=tmp_path / "x.yaml")
    assert called == [] and not (tmp_path / "x.yaml").exists()


def test_stored_framework_and_methods(db: str) -> None:
    with pytest.raises(errors.NotFound):
        stored_framework(db=db, code="liyang", version="9")
    with Store(db) as store:
        store.save_framework(load_framework(LIYANG), LIYANG.read_text("utf-8"))
    stored = stored_framework(db=db, code="liyang")
    assert stored.framework.code == "liyang" and stored.text == LIYANG.read_text("utf-8")
    methods = framework_methods()
    minmax = [m for m in methods if m.name == "minmax"]
    assert minmax and minmax[0].doc and all(m.kind for m in methods)
