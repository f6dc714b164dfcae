"""The shipped default framework frameworks/liyang.yaml: content, traceability, build."""

from __future__ import annotations

import csv
import importlib.util
import math
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from qcity.framework.io import load_framework
from qcity.framework.model import Framework, Indicator, Moderate, Node
from tests.helpers import reference_file

ROOT = Path(__file__).resolve().parents[2]
YAML_PATH = ROOT / "frameworks" / "liyang.yaml"
SCRIPT = ROOT / "tools" / "build_liyang_framework.py"
SPEC = reference_file("spec/liyang-framework.csv")


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(YAML_PATH)


@pytest.fixture(scope="module")
def spec_rows() -> list[dict[str, str]]:
    with SPEC.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_liyang_framework", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_tree_has_5_dimensions_19_subdimensions_57_indicators(fw: Framework) -> None:
    depth = {n.code: d for n, _, d in fw.walk()}
    assert fw.root.code == "index"
    dims = [n for n in fw.root.children if isinstance(n, Node)]
    assert [d.code for d in dims] == ["economy", "culture", "ecology", "services", "livelihood"]
    subs = [s for d in dims for s in d.children]
    assert len(subs) == 19 and all(isinstance(s, Node) for s in subs)
    assert len(fw.indicators()) == 57
    assert {depth[i.code] for i in fw.indicators()} == {3}
    sub_codes = [s.code for s in subs]
    assert len(set(sub_codes)) == 19
    for sub, dim in ((s, d) for d in dims for s in d.children):
        assert sub.code.startswith(dim.code + "_") and "." not in sub.code


def test_every_indicator_is_documented(fw: Framework) -> None:
    for ind in fw.indicators():
        assert ind.name_zh.strip() and ind.name_en.strip(), ind.code
        assert ind.goal and ind.department and ind.source and ind.unit, ind.code
        assert " / " in ind.department, ind.code  # Chinese / English
        assert ind.frequency == "annual"
        assert ind.plausible_range is not None, ind.code
        lo, hi = ind.plausible_range
        assert lo is not None and hi is not None and math.isfinite(lo) and lo < hi, ind.code
        assert ind.direction in (1, -1) or isinstance(ind.direction, Moderate)
        assert ind.levels[0] == "city" and set(ind.levels) <= {"city", "town", "street"}
    for node in fw.nodes():
        assert node.name_zh.strip() and node.name_en.strip(), node.code


def test_shares_have_a_range_within_0_100(fw: Framework) -> None:
    for ind in fw.indicators():
        if ind.unit == "%" and ind.code != "EC02":  # EC02 is a growth rate
            assert ind.plausible_range is not None
            assert ind.plausible_range[0] >= 0 and ind.plausible_range[1] <= 100, ind.code


def test_ranges_catch_a_unit_slip(fw: Framework) -> None:
    """A value entered in 万元 instead of 元 (÷10,000) or in 元 instead of 万元 (×10,000)
    leaves the range of every money indicator."""
    for ind in fw.indicators():
        if ind.unit in {"元", "亿元", "万元"}:
            assert ind.plausible_range is not None
            lo, hi = ind.plausible_range
            assert lo is not None and hi is not None
            typical = math.sqrt(max(lo, 1.0) * hi)
            assert typical * 10_000 > hi, ind.code
            if lo > 0:
                assert typical / 10_000 < lo, ind.code


def test_cluster_targets_follow_the_text(fw: Framework) -> None:
    sizes = {"千亿级": 1000.0, "五百亿级": 500.0}
    with_targets = {i.code: i for i in fw.indicators() if i.targets}
    assert set(with_targets) == {"EC04", "EC05", "EC06", "EC07"}
    for ind in with_targets.values():
        assert ind.goal is not None
        expected = [v for k, v in sizes.items() if k in ind.goal]
        assert len(expected) == 1, ind.goal
        assert ind.targets == {2030: expected[0]}
        assert "假设" in ind.goal  # the target year is flagged as an assumption
    assert fw.description and "2030" in fw.description and "ASSUMPTION" in fw.description


def test_pipeline_and_defaults(fw: Framework) -> None:
    assert fw.code == "liyang" and (fw.valid_from, fw.valid_to) == (2015, 2035)
    assert fw.pipeline.impute.method == "locf"
    assert fw.pipeline.treat.method == "coinr"
    assert fw.pipeline.screen is not None and fw.pipeline.screen.method == "availability"
    assert fw.pipeline.screen.params == {"unit_threshold": 0.65, "indicator_threshold": 0.65}
    assert fw.defaults.normalise.method == "minmax"
    assert fw.defaults.normalise.params == {"l": 0, "u": 100}
    assert fw.defaults.normalise.scope == "reference"  # a frozen scale (docs/en/scale.md)
    assert fw.reference_period is not None
    assert (fw.reference_period.first, fw.reference_period.last) == (2015, 2020)
    assert fw.defaults.weighting.method == "manual"
    assert fw.defaults.aggregate.method == "arithmetic"
    weights = [n.weight for n, _, _ in fw.walk()]
    assert set(weights) == {1.0}  # equal nominal weights


def test_town_levels_only_for_town_reported_indicators(fw: Framework) -> None:
    town = {i.code for i in fw.indicators() if "town" in i.levels}
    assert {"LV02", "LV04", "LV05", "PS11", "EC11", "SC03", "PS07"} <= town
    # GDP accounting, sample surveys and monitoring stations exist only city-wide
    assert not town & {"EC01", "EC02", "LV01", "LV03", "LV06", "EN01", "EN02", "PS09"}
    assert all(("town" in i.levels) == ("street" in i.levels) for i in fw.indicators())


def test_yaml_validates_directly_against_the_model() -> None:
    data = yaml.safe_load(YAML_PATH.read_text(encoding="utf-8"))
    fw = Framework.model_validate(data)
    assert fw == load_framework(YAML_PATH)


def test_indicators_trace_to_the_spec(fw: Framework, spec_rows: list[dict[str, str]]) -> None:
    inds = {i.code: i for i in fw.indicators()}
    parents = fw.parents()
    assert [r["code"] for r in spec_rows] == [i.code for i in fw.indicators()]
    for r in spec_rows:
        ind: Indicator = inds[r["code"]]
        assert (ind.name_zh, ind.name_en, ind.unit) == (r["name_zh"], r["name_en"], r["unit"])
        target = ind.target
        if target is not None and target.kind == "band":
            # a goal that is a range is scored as that range (适度指标), not higher-is-better
            assert isinstance(ind.direction, Moderate) and ind.direction.band == target.band
        else:
            assert ind.direction == {"+": 1, "-": -1}[r["direction"]]
        assert ind.goal is not None and ind.goal.startswith(r["seed_goal"])
        assert ind.department is not None and ind.department.startswith(r["department"] + " /")
        sub = fw.find(parents[ind.code] or "")
        assert (sub.name_zh, sub.name_en) == (r["subdimension_zh"], r["subdimension_en"])
        dim = fw.find(parents[sub.code] or "")
        assert (dim.code, dim.name_zh) == (r["dimension"], r["dimension_zh"])


def test_build_script_reproduces_the_committed_yaml(tmp_path: Path) -> None:
    out = tmp_path / "liyang.yaml"
    mod = _script()
    assert mod.main(["--spec", str(SPEC), "--out", str(out)]) == 0
    assert out.read_bytes() == YAML_PATH.read_bytes()
    assert mod.main(["--spec", str(SPEC), "--out", str(YAML_PATH), "--check"]) == 0


def test_build_script_reports_a_bad_spec_row(tmp_path: Path) -> None:
    bad = tmp_path / "spec.csv"
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",+,", ",up,", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mod = _script()
    with pytest.raises(mod.SpecError, match=r"spec\.csv:4: \[direction\]"):
        mod.main(["--spec", str(bad), "--out", str(tmp_path / "x.yaml")])
