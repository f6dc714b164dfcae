"""The evaluation use cases called directly, as the CLI and the web call them: choosing
the inputs (``service.selection``), evaluating and keeping a run (``run_evaluation``),
the stored runs (list, show, publish, export), the demo (``run_demo``), the steps a
methodology page shows (``method_steps``) and AHP weights (``weigh_pairwise``).

Each takes its options by keyword, returns a typed result, raises a kind of
``qcity.errors`` on bad input and, where it writes, writes nothing when it fails."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from qcity import errors
from qcity.framework.io import load_framework
from qcity.frameworks import builtin_path
from qcity.service.ahp import PairwiseWeights, weigh_pairwise
from qcity.service.demo import DemoOutcome, run_demo
from qcity.service.evaluate_run import EvaluationRun, run_evaluation
from qcity.service.runs import (
    ExportedRun,
    PublishedRun,
    StoredRun,
    export_run,
    get_run,
    list_runs,
    publish_run,
)
from qcity.service.selection import Selection, choose_inputs, evaluate_selection
from qcity.service.steps import method_steps
from tests.helpers import ASEM

FRAMEWORK = ASEM / "framework.yaml"
DATA = ASEM / "data.csv"

ONE = ",经济,社会,环境\n经济,1,3,5\n社会,1/3,1,2\n环境,1/5,1/2,1\n"
TWO = ONE + "\n,经济,社会,环境\n经济,1,2,7\n社会,1/2,1,3\n环境,1/7,1/3,1\n"


def _demo_copy(tmp_path: Path, demo_sqlite: Path) -> str:
    """A copy of the session's demo database (no run stored yet); its URL."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_sqlite, path)
    return f"sqlite:///{path}"


# -- choosing the inputs ------------------------------------------------------------------


def test_choose_inputs_is_keyword_only_and_returns_the_selection() -> None:
    fw = load_framework(FRAMEWORK)
    with pytest.raises(TypeError):
        choose_inputs(fw, DATA)  # type: ignore[misc]
    chosen = choose_inputs(fw, db="sqlite:///x.sqlite", as_of="2025-01-02", group="g")
    assert isinstance(chosen, Selection)
    assert chosen.data is None and chosen.db == "sqlite:///x.sqlite" and chosen.group == "g"
    assert isinstance(chosen.when, datetime) and chosen.when.tzinfo is not None
    assert chosen.when.date().isoformat() == "2025-01-02"
    assert chosen.values == "approved"


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"units": DATA}, "--units goes with --data"),
        ({"data": DATA, "as_of": "2025-01-01"}, "--as-of reads the database"),
        ({"values": "some"}, "write approved or all"),
        ({"data": DATA, "values": "all"}, "--values reads the database"),
    ],
)
def test_choose_inputs_refuses_options_that_do_not_go_together(
    options: dict[str, object], says: str
) -> None:
    fw = load_framework(FRAMEWORK)
    with pytest.raises(errors.InputError, match=says):
        choose_inputs(fw, **options)  # type: ignore[arg-type]


def test_evaluate_selection_reads_the_data_file_and_stores_nothing() -> None:
    fw = load_framework(FRAMEWORK)
    stages: list[str] = []
    result = evaluate_selection(
        fw,
        framework_file=FRAMEWORK,
        selection=Selection(DATA, None, None),
        status=stages.append,
    )
    assert stages == ["reading data 读取数据", "evaluating 计算"]
    assert result.inputs.store_url is None
    assert not result.evaluation.scores().empty


# -- run_evaluation -----------------------------------------------------------------------


def test_run_evaluation_of_a_file_writes_the_folder_and_stores_no_run(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        run_evaluation(FRAMEWORK)  # type: ignore[misc]
    out = tmp_path / "out"
    run = run_evaluation(framework=FRAMEWORK, data=DATA, out=out, by="tester")
    assert isinstance(run, EvaluationRun)
    assert run.run_id is None and run.folder == out
    assert {p.name for p in run.written} >= {"scores.csv", "log.json", "README.txt"}
    assert all(p.parent == out and p.is_file() for p in run.written)
    assert not run.replayed and run.replay_differences == () and not run.edited_log
    assert run.result.framework.code == load_framework(FRAMEWORK).code


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"out": None}, "give --out DIR"),
        ({"allow_edited_log": True}, "--allow-edited-log goes with --replay"),
        ({"values": "drafts"}, "write approved or all"),
    ],
)
def test_run_evaluation_refuses_bad_options_before_writing(
    tmp_path: Path, options: dict[str, object], says: str
) -> None:
    out = tmp_path / "out"
    given: dict[str, object] = {"out": out, **options}
    with pytest.raises(errors.InputError, match=says):
        run_evaluation(framework=FRAMEWORK, data=DATA, by="tester", **given)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_run_evaluation_replays_a_saved_log(tmp_path: Path) -> None:
    first = run_evaluation(framework=FRAMEWORK, data=DATA, out=tmp_path / "a", by="tester")
    again = run_evaluation(
        framework=FRAMEWORK,
        data=DATA,
        out=tmp_path / "b",
        by="tester",
        replay=tmp_path / "a" / "log.json",
    )
    assert again.replayed and again.replay_differences == () and not again.edited_log
    assert (tmp_path / "b" / "scores.csv").read_bytes() == (
        tmp_path / "a" / "scores.csv"
    ).read_bytes()
    assert first.result.stamp["config_sha256"] == again.result.stamp["config_sha256"]
    log = json.loads((tmp_path / "a" / "log.json").read_text("utf-8"))
    log["steps"] = log["steps"][::-1]
    (tmp_path / "edited.json").write_text(json.dumps(log), encoding="utf-8")
    with pytest.raises(errors.InputError, match="--allow-edited-log"):
        run_evaluation(
            framework=FRAMEWORK,
            data=DATA,
            out=tmp_path / "c",
            by="tester",
            replay=tmp_path / "edited.json",
        )
    assert not (tmp_path / "c").exists()


def test_run_evaluation_on_the_database_stores_the_run_all_or_nothing(
    tmp_path: Path, demo_sqlite: Path
) -> None:
    url = _demo_copy(tmp_path, demo_sqlite)
    with pytest.raises(errors.InputError, match="unknown unit group"):
        run_evaluation(framework=builtin_path(), db=url, group="nowhere", by="tester")
    assert list_runs(db=url).empty
    run = run_evaluation(framework=builtin_path(), db=url, group="sunan", by="tester")
    assert isinstance(run.run_id, int) and run.written == () and run.folder is None
    assert run.result.inputs.selection["group"] == "sunan"
    runs = list_runs(db=url)
    assert runs["id"].tolist() == [run.run_id]
    assert runs["created_by"].tolist() == ["tester"]


# -- stored runs --------------------------------------------------------------------------


def test_stored_run_use_cases(tmp_path: Path, demo_sqlite: Path) -> None:
    url = _demo_copy(tmp_path, demo_sqlite)
    run_id = run_evaluation(
        framework=builtin_path(), db=url, group="sunan", by="tester", out=tmp_path / "r"
    ).run_id
    assert run_id is not None
    with pytest.raises(TypeError):
        publish_run(url, run_id, "boss")  # type: ignore[misc]
    assert list_runs(db=url, published_only=True).empty

    shown = get_run(db=url, run_id=run_id)
    assert isinstance(shown, StoredRun) and shown.id == run_id
    assert set(shown.scores.columns) == {"unit", "period", "node", "score", "rank"}

    assert publish_run(db=url, run_id=run_id, by="boss") == PublishedRun(run_id, True)
    assert publish_run(db=url, run_id=run_id, by="boss") == PublishedRun(run_id, False)
    published = list_runs(db=url, published_only=True)
    assert published["id"].tolist() == [run_id]
    assert published["published_by"].tolist() == ["boss"]

    exported = export_run(db=url, run_id=run_id, out=tmp_path / "again")
    assert isinstance(exported, ExportedRun) and exported.out == tmp_path / "again"
    for path in exported.files:
        assert path.read_bytes() == (tmp_path / "r" / path.name).read_bytes()


def test_a_missing_run_is_not_found_and_nothing_is_exported(
    tmp_path: Path, demo_sqlite: Path
) -> None:
    url = _demo_copy(tmp_path, demo_sqlite)
    with pytest.raises(errors.NotFound):
        publish_run(db=url, run_id=99, by="boss")
    with pytest.raises(errors.NotFound):
        get_run(db=url, run_id=99)
    with pytest.raises(errors.NotFound):
        export_run(db=url, run_id=99, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- the demo -----------------------------------------------------------------------------


def test_run_demo_adds_a_run_and_keeps_what_is_there(tmp_path: Path, demo_sqlite: Path) -> None:
    url = _demo_copy(tmp_path, demo_sqlite)
    with pytest.raises(TypeError):
        run_demo(url, "tester")  # type: ignore[misc]
    run_file = tmp_path / "ids" / "run.txt"
    done = run_demo(db=url, by="tester", out=tmp_path / "results", run_file=run_file)
    assert isinstance(done, DemoOutcome)
    assert done.failure is None and done.run is not None and done.run.run_id is not None
    assert run_file.read_text("utf-8") == f"{done.run.run_id}\n"
    assert (tmp_path / "results" / "results.xlsx").is_file()  # the demo writes the workbook
    assert done.summary["illustrative"] > 0 and not done.fresh and done.kept["runs"] == 0
    assert done.run.result.inputs.selection["group"] == "sunan"

    again = run_demo(db=url, by="tester", out=tmp_path / "results2")
    assert again.kept["runs"] == 1 and again.kept_anything
    assert again.run is not None and again.run.run_id == done.run.run_id + 1

    # --fresh never deletes runs: refused, nothing changed or written
    with pytest.raises(errors.ConflictError, match="never deletes"):
        run_demo(db=url, by="tester", fresh=True, out=tmp_path / "results3", run_file=run_file)
    assert len(list_runs(db=url)) == 2
    assert not (tmp_path / "results3").exists()
    assert run_file.read_text("utf-8") == f"{done.run.run_id}\n"


def test_run_demo_refuses_a_database_with_other_data(tmp_path: Path, demo_sqlite: Path) -> None:
    url = _demo_copy(tmp_path, demo_sqlite)
    with sqlite3.connect(tmp_path / "demo.sqlite") as conn:
        conn.execute("UPDATE observations SET entered_by = 'someone' WHERE rowid = 1")
    before = (tmp_path / "demo.sqlite").read_bytes()
    run_file = tmp_path / "run.txt"
    with pytest.raises(errors.ConflictError, match="not made by the demo"):
        run_demo(db=url, by="tester", out=tmp_path / "results", run_file=run_file)
    assert not (tmp_path / "results").exists() and not run_file.exists()
    assert (tmp_path / "demo.sqlite").read_bytes() == before


# -- steps and AHP ------------------------------------------------------------------------


def test_method_steps_are_those_shown_else_the_frameworks() -> None:
    fw = load_framework(FRAMEWORK)
    default = method_steps(fw)
    assert [s.name for s in default][-1] == "aggregate"  # the framework's pipeline, in order
    shown = list(reversed(default))
    assert method_steps(fw, shown=shown) == shown
    assert method_steps(fw, shown=[]) == default
    with pytest.raises(TypeError):
        method_steps(fw, shown)  # type: ignore[misc]


def test_weigh_pairwise_one_expert_and_several(tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text(ONE, encoding="utf-8")
    with pytest.raises(TypeError):
        weigh_pairwise(one)  # type: ignore[misc]
    single = weigh_pairwise(file=one)
    assert isinstance(single, PairwiseWeights)
    assert single.names == ("经济", "社会", "环境") and single.experts == 1
    assert single.per_expert == () and single.ri == "saaty"
    assert single.result.consistent and abs(float(single.result.weights.sum()) - 1) < 1e-9

    two = tmp_path / "two.csv"
    two.write_text(TWO, encoding="utf-8")
    combined = weigh_pairwise(file=two, ri="alonso_lamata")
    assert combined.experts == 2 and len(combined.per_expert) == 2
    assert combined.ri == "alonso_lamata"
    assert abs(combined.matrix[0, 2] - (5 * 7) ** 0.5) < 1e-9  # the geometric mean


def test_weigh_pairwise_refuses_bad_input(tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text(ONE, encoding="utf-8")
    with pytest.raises(errors.InputError, match="random index"):
        weigh_pairwise(file=one, ri="nobody")
    bad = tmp_path / "bad.csv"
    bad.write_text(",a,b\na,1,x\nb,1,1\n", encoding="utf-8")
    with pytest.raises(errors.InputError):
        weigh_pairwise(file=bad)
