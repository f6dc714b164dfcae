"""Robustness specs: YAML and Python objects, and errors that name the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcity.engine.tree import Tree
from qcity.framework.io import load_framework
from qcity.robust.spec import (
    LeaveOut,
    MethodChoice,
    MethodOption,
    ParameterChoice,
    RobustSpec,
    SpecError,
    WeightNoise,
    load_spec,
    parse_spec,
    shipped_spec,
    tree_levels,
)
from tests.helpers import REPO

ASEM = REPO / "examples" / "asem"


def test_asem_spec_is_coinrs_vignette() -> None:
    spec = load_spec(ASEM / "robust.yaml")
    assert [i.name for i in spec.inputs] == ["Winmax", "Normalisation", "Weights", "Aggregation"]
    winmax, norm, weights, agg = spec.inputs
    assert isinstance(winmax, ParameterChoice) and winmax.values == [1, 2, 3, 4, 5]
    assert isinstance(norm, MethodChoice)
    assert [(o.method, o.params) for o in norm.options] == [
        ("minmax", {"l": 1, "u": 100}),
        ("zscore", {"m": 10, "sd": 2}),
    ]
    assert isinstance(weights, WeightNoise) and weights.noise == {2: 0.25, 3: 0.25}
    assert isinstance(agg, MethodChoice) and agg.labels() == ["arithmetic", "geometric"]
    spec.check(load_framework(ASEM / "framework.yaml"))


def test_python_objects_equal_the_yaml() -> None:
    spec = RobustSpec(
        seed=42,
        inputs=[
            ParameterChoice(
                name="Winmax", step="treat", parameter="winmax", values=[1, 2, 3, 4, 5]
            ),
            MethodChoice(
                name="Normalisation",
                step="normalise",
                options=[
                    MethodOption(method="minmax", params={"l": 1, "u": 100}),
                    MethodOption(method="zscore", params={"m": 10, "sd": 2}),
                ],
            ),
            WeightNoise(name="Weights", noise={2: 0.25, 3: 0.25}),
            MethodChoice(
                name="Aggregation",
                step="aggregate",
                options=[MethodOption(method="arithmetic"), MethodOption(method="geometric")],
            ),
        ],
    )
    assert spec == load_spec(ASEM / "robust.yaml")


def test_levels_count_as_coinr() -> None:
    levels = tree_levels(Tree.from_framework(load_framework(ASEM / "framework.yaml")))
    assert (levels["LPI"], levels["Physical"], levels["Conn"], levels["Index"]) == (1, 2, 3, 4)


def test_shipped_liyang_spec_fits_the_framework() -> None:
    path = shipped_spec("liyang")
    assert path is not None
    spec = load_spec(path)
    spec.check(load_framework(REPO / "frameworks" / "liyang.yaml"))
    assert {type(i) for i in spec.inputs} >= {MethodChoice, WeightNoise}
    assert shipped_spec("asem") is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("inputs: []", "inputs: List should have at least 1 item"),
        ("inputs:\n  - {name: X, kind: magic}", "inputs[0]"),
        ("inputs:\n  - {name: W, kind: weights, noise: {2: 1.5}}", "inputs[0].noise"),
        ("inputs:\n  - {name: W, kind: weights, noise: {2: 0.2}, extra: 1}", "inputs[0].extra"),
        (
            "inputs:\n  - {name: A, kind: leave_out}\n  - {name: A, kind: leave_out}",
            "A repeated",
        ),
        ("- a\n- b\n", "expected a mapping"),
        ("inputs: [\n", "is not valid YAML"),
    ],
)
def test_errors_name_the_file_and_field(tmp_path: Path, text: str, shown: str) -> None:
    path = tmp_path / "bad-spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert "bad-spec.yaml" in str(info.value)
    assert shown in str(info.value)


@pytest.mark.parametrize(
    ("inp", "shown"),
    [
        (
            {"name": "N", "kind": "method", "step": "normalise", "options": [{"method": "nope"}]},
            "inputs[0] (N).options[0].method: unknown normalisation method 'nope'",
        ),
        ({"name": "L", "kind": "leave_out", "indicators": ["LPI", "XYZ"]}, "XYZ"),
        ({"name": "W", "kind": "weights", "noise": {4: 0.1}}, "level 4 has no weights"),
        (
            {"name": "A", "kind": "method", "step": "aggregate", "level": 9,
             "options": [{"method": "geometric"}]},
            ".level",
        ),
    ],
)  # fmt: skip
def test_check_against_the_framework(inp: dict, shown: str) -> None:
    spec = parse_spec({"inputs": [inp]}, "my-spec.yaml")
    with pytest.raises(SpecError) as info:
        spec.check(load_framework(ASEM / "framework.yaml"), "my-spec.yaml")
    assert "my-spec.yaml" in str(info.value) and shown in str(info.value)


def test_unreadable_spec_is_named(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"nowhere\.yaml: cannot read"):
        load_spec(tmp_path / "nowhere.yaml")
    (tmp_path / "u16.yaml").write_bytes("inputs: []".encode("utf-16"))
    with pytest.raises(SpecError, match=r"u16\.yaml: not UTF-8"):
        load_spec(tmp_path / "u16.yaml")


def test_leave_out_defaults_to_any_indicator() -> None:
    assert LeaveOut(name="drop").indicators == "all"
