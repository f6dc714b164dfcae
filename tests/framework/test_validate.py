"""``validate_file``: one test per kind of problem, lines and fields included."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qcity.framework import method_checks
from qcity.framework.model import Framework
from qcity.framework.problems import Problem
from qcity.framework.validate import validate_file, validate_framework, validate_text
from tests.framework.conftest import MINIMAL, line_of, with_indicator

pytestmark = pytest.mark.usefixtures("fake_methods")

Write = Callable[..., Path]


def only(problems: list[Problem]) -> Problem:
    """The single problem of a list (fails showing all of them otherwise)."""
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


def test_minimal_framework_is_valid(write: Write) -> None:
    assert validate_file(write(MINIMAL)) == []


# -- schema --------------------------------------------------------------------------


def test_missing_field_names_line_of_its_entry(write: Write) -> None:
    text = MINIMAL.replace("          name_en: Indicator two\n", "")
    p = only(validate_file(write(text)))
    assert p.line == line_of(text, "code: I2")
    assert p.field == "I2.name_en"
    assert "name_en" in p.message and "missing" in p.message


def test_wrong_type(write: Write) -> None:
    text = with_indicator("weight: abc")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "weight: abc"), "I2.weight")
    assert "number" in p.hint


def test_unknown_key_suggests_the_right_one(write: Write) -> None:
    text = with_indicator("wieght: 2")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "wieght"), "I2.wieght")
    assert "unknown key 'wieght'" in p.message
    assert "did you mean 'weight'" in p.hint


def test_unknown_top_level_key(write: Write) -> None:
    text = MINIMAL + "colour: red\n"
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "colour"), "colour")
    assert "valid_from" in p.hint  # lists the allowed keys


@pytest.mark.parametrize("direction", ["0", "'+'", "2", "{optimal: 1, band: [1, 2]}", "{}"])
def test_direction_not_allowed(write: Write, direction: str) -> None:
    text = with_indicator(f"direction: {direction}", code="I1")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "direction: " + direction), "I1.direction")
    assert "{optimal: x}" in p.hint


def test_direction_yes_is_a_boolean_not_one(write: Write) -> None:
    text = with_indicator("direction: yes", code="I1")
    p = only(validate_file(write(text)))
    assert p.field == "I1.direction"
    assert "boolean" in p.message


@pytest.mark.parametrize("direction", ["1", "-1", "{optimal: 5}", "{band: [4, 6]}"])
def test_allowed_directions(write: Write, direction: str) -> None:
    assert validate_file(write(with_indicator(f"direction: {direction}", code="I1"))) == []


def test_moderate_band_low_above_high(write: Write) -> None:
    text = with_indicator("direction: {band: [6, 4]}", code="I1")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "band: [6, 4]"), "I1.direction")
    assert "low <= high" in p.message


def test_text_field_read_as_boolean_gets_quote_hint(write: Write) -> None:
    text = MINIMAL.replace("code: I1", "code: NO")
    p = only(validate_file(write(text)))
    assert p.line == line_of(text, "code: NO")
    assert "quotes" in p.hint


def test_child_that_is_not_a_mapping(write: Write) -> None:
    text = MINIMAL + "    - just text\n"
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "just text"), "IDX.children[1]")


# -- codes, names, weights --------------------------------------------------------------


def test_duplicate_code_lists_every_line(write: Write) -> None:
    text = MINIMAL.replace("code: I2", "code: I1")
    p = only(validate_file(write(text)))
    first, second = line_of(text, "code: I1"), line_of(text, "code: I1", nth=2)
    assert p.line == second
    assert "'I1'" in p.message and f"lines {first}, {second}" in p.message


def test_duplicate_code_between_node_and_indicator(write: Write) -> None:
    text = MINIMAL.replace("code: I2", "code: D1")
    p = only(validate_file(write(text)))
    assert "'D1' is used 2 times" in p.message


def test_code_with_space(write: Write) -> None:
    p = only(validate_file(write(MINIMAL.replace("code: I2", "code: I 2"))))
    assert "space" in p.message


def test_empty_name(write: Write) -> None:
    p = only(validate_file(write(MINIMAL.replace("name_zh: 指标二", "name_zh: ''"))))
    assert p.field == "I2.name_zh"


def test_negative_weight(write: Write) -> None:
    text = with_indicator("weight: -0.5")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "weight: -0.5"), "I2.weight")
    assert "negative" in p.message


def test_all_zero_weights_among_siblings(write: Write) -> None:
    text = with_indicator("weight: 0", code="I1").replace("name_en: Indicator two", "name_en: X")
    text = text.replace("name_en: X", "name_en: Indicator two\n          weight: 0.0")
    p = only(validate_file(write(text)))
    assert p.field == "D1.children"
    assert "weight 0" in p.message


def test_one_zero_weight_is_fine(write: Write) -> None:
    assert validate_file(write(with_indicator("weight: 0"))) == []


def test_node_without_children(write: Write) -> None:
    text = MINIMAL + "    - code: D2\n      name_zh: 空\n      name_en: Empty\n      children: []\n"
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "children: []"), "D2.children")
    assert "no children" in p.message


def test_subtree_without_indicators_reported_once_at_its_top(write: Write) -> None:
    text = MINIMAL + (
        "    - code: D2\n      name_zh: 空\n      name_en: Empty\n      children:\n"
        "        - {code: S1, name_zh: 子一, name_en: Sub one, children: []}\n"
        "        - {code: S2, name_zh: 子二, name_en: Sub two, children: []}\n"
    )
    p = only(validate_file(write(text)))
    assert p.field == "D2.children"
    assert "'S1'" in p.message and "'S2'" in p.message


# -- years, targets, ranges ---------------------------------------------------------------


def test_valid_from_after_valid_to(write: Write) -> None:
    text = MINIMAL.replace("valid_from: 2020", "valid_from: 2031")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "valid_to"), "valid_to")


def test_indicator_target_outside_validity(write: Write) -> None:
    text = with_indicator("targets: {2025: 10, 2035: 20}")
    p = only(validate_file(write(text)))
    assert p.line == line_of(text, "targets:")
    assert "2035" in p.message and "2020-2030" in p.message


def test_band_target_on_an_indicator_scored_plus_or_minus_one_is_a_warning(
    write: Write,
) -> None:
    text = with_indicator("target: {kind: band, band: [5, 7], year: 2025}", code="I1")
    p = only(validate_file(write(text)))
    assert p.severity == "warning" and p.field == "I1.direction"
    assert "band target" in p.message and "direction: {band: [5, 7]}" in p.hint
    banded = with_indicator(
        "direction: {band: [5, 7]}\ntarget: {kind: band, band: [5, 7], year: 2025}", code="I1"
    )
    assert validate_file(write(banded)) == []


def test_node_target_outside_validity(write: Write) -> None:
    text = MINIMAL.replace(
        "      name_en: Dimension one\n",
        "      name_en: Dimension one\n      targets:\n        2019: 50\n",
    )
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "2019: 50"), "D1.targets.2019")


@pytest.mark.parametrize("goalposts", ["{lo: 5, hi: 1}", "{lo: 3, hi: 3}"])
def test_goalposts_lo_not_below_hi(write: Write, goalposts: str) -> None:
    text = with_indicator(f"goalposts: {goalposts}")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "goalposts"), "I2.goalposts")


def test_plausible_range_low_above_high(write: Write) -> None:
    text = with_indicator("plausible_range: [100, 0]")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "plausible_range"), "I2.plausible_range")


def test_plausible_range_open_end_is_fine(write: Write) -> None:
    assert validate_file(write(with_indicator("plausible_range: [0, null]"))) == []


def test_moderate_optimum_outside_plausible_range_warns(write: Write) -> None:
    text = with_indicator("direction: {optimal: 150}\nplausible_range: [0, 100]", code="I1")
    p = only(validate_file(write(text)))
    assert p.severity == "warning"


@pytest.mark.parametrize("value", ["1.5", "-0.1"])
def test_min_coverage_outside_unit_interval(write: Write, value: str) -> None:
    text = MINIMAL.replace(
        "      name_en: Dimension one\n",
        f"      name_en: Dimension one\n      min_coverage: {value}\n",
    )
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "min_coverage"), "D1.min_coverage")


def test_empty_levels(write: Write) -> None:
    p = only(validate_file(write(with_indicator("levels: []"))))
    assert p.field == "I2.levels"


# -- denominators ------------------------------------------------------------------------


def test_denominator_naming_an_aggregate_node_warns(write: Write) -> None:
    text = with_indicator("denominator: {series: D1}")
    p = only(validate_file(write(text)))
    assert p.severity == "warning"
    assert (p.line, p.field) == (line_of(text, "denominator"), "I2.denominator.series")


def test_denominator_naming_itself_and_bad_scale(write: Write) -> None:
    problems = validate_file(write(with_indicator("denominator: {series: I2, scale: 0}")))
    assert {p.field for p in problems} == {"I2.denominator.series", "I2.denominator.scale"}
    assert all(p.severity == "error" for p in problems)


def test_denominator_ignored_when_pipeline_does_not_denominate(write: Write) -> None:
    text = with_indicator("denominator: {series: population}") + "pipeline:\n  denominate: false\n"
    p = only(validate_file(write(text)))
    assert (p.severity, p.field) == ("warning", "pipeline.denominate")


def test_indicators_dividing_each_other_in_a_circle(write: Write) -> None:
    text = with_indicator("denominator: {series: I1}", code="I2").replace(
        "          name_en: Indicator one\n",
        "          name_en: Indicator one\n          denominator: {series: I2}\n",
    )
    p = only(validate_file(write(text)))
    assert (p.severity, p.field) == ("error", "I1.denominator.series")
    assert p.line == line_of(text, "denominator: {series: I2}")
    assert "I1 -> I2 -> I1" in p.message


def test_a_longer_circle_and_a_chain() -> None:
    from qcity.framework.checks import denominator_cycles

    assert denominator_cycles({"b": "c", "c": "a", "a": "b", "x": "a"}) == [["a", "b", "c", "a"]]
    assert denominator_cycles({"a": "b", "b": "pop"}) == []
    assert denominator_cycles({"a": "a"}) == [["a", "a"]]


# -- methods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_tail", "field", "kind"),
    [
        ("defaults:\n  normalise: {method: minmux}\n", "defaults.normalise.method", "normalise"),
        ("defaults:\n  weighting: {method: pca}\n", "defaults.weighting.method", "weighting"),
        ("defaults:\n  aggregate: {method: geo}\n", "defaults.aggregate.method", "aggregate"),
        ("pipeline:\n  screen: {method: strict}\n", "pipeline.screen.method", "screen"),
        ("pipeline:\n  impute: {method: knn}\n", "pipeline.impute.method", "impute"),
        ("pipeline:\n  treat: {method: trim}\n", "pipeline.treat.method", "treat"),
    ],
)
def test_unknown_method_in_defaults_and_pipeline(
    write: Write, yaml_tail: str, field: str, kind: str, fake_methods: dict
) -> None:
    text = MINIMAL + yaml_tail
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (len(text.splitlines()), field)
    assert f"unknown {kind} method" in p.message
    assert p.hint == "available: " + ", ".join(fake_methods[kind].names())


@pytest.mark.parametrize(
    ("where", "setting", "field"),
    [
        ("      name_en: Dimension one\n", "aggregate", "D1.aggregate.method"),
        ("      name_en: Dimension one\n", "weighting", "D1.weighting.method"),
        ("      name_en: Dimension one\n", "normalise", "D1.normalise.method"),
        ("          name_en: Indicator one\n", "normalise", "I1.normalise.method"),
    ],
)
def test_unknown_method_on_node_or_indicator(
    write: Write, where: str, setting: str, field: str
) -> None:
    indent = where[: len(where) - len(where.lstrip())]
    text = MINIMAL.replace(where, f"{where}{indent}{setting}: {{method: nope}}\n")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "method: nope"), field)
    assert "available:" in p.hint


def test_new_registered_method_is_accepted_without_code_change(
    write: Write, fake_methods: dict
) -> None:
    text = MINIMAL + "defaults:\n  aggregate: {method: median}\n"
    assert len(validate_file(write(text))) == 1
    fake_methods["aggregate"]._methods["median"] = lambda x, w: x
    assert validate_file(write(text)) == []


def test_unknown_method_parameter(write: Write) -> None:
    text = MINIMAL + "defaults:\n  normalise:\n    method: minmax\n    params: {l: 0, top: 1}\n"
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "params"), "defaults.normalise.params.top")
    from qcity.methods.registry import ENGINE_PARAMS

    assert p.hint == "its parameters: " + ", ".join(["l", "u", *ENGINE_PARAMS["normalise"]])


def test_missing_required_method_parameter(write: Write) -> None:
    text = MINIMAL + "defaults:\n  normalise: {method: needs_alpha}\n"
    p = only(validate_file(write(text)))
    assert "'alpha'" in p.message


def test_method_with_var_keywords_accepts_any_parameter(write: Write) -> None:
    text = MINIMAL + "defaults:\n  aggregate: {method: arithmetic, params: {anything: 1}}\n"
    assert validate_file(write(text)) == []


def test_unregistered_builtin_default_is_reported_without_line(
    write: Write, fake_methods: dict
) -> None:
    del fake_methods["treat"]._methods["none"]
    p = only(validate_file(write(MINIMAL)))
    assert (p.line, p.field) == (None, "pipeline.treat.method")
    assert "built-in default" in p.message


def test_engine_import_failure_is_one_problem(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> dict:
        raise ImportError("no module named qcity.methods.x")

    monkeypatch.setattr(method_checks, "_registries", broken)
    text = with_indicator("weight: -1")
    problems = validate_file(write(text))
    assert len(problems) == 2  # the engine problem and the weight: other checks still ran
    assert any("engine failed to import" in p.message for p in problems)


# -- the file itself ----------------------------------------------------------------------


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(MINIMAL.encode("gb18030"))
    p = only(validate_file(path))
    assert p.line == line_of(MINIMAL, "测试体系")
    assert "UTF-8" in p.message and "GB18030" in p.hint


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(MINIMAL.encode("utf-8-sig"))
    assert validate_file(path) == []


def test_yaml_syntax_error_has_its_line(write: Write) -> None:
    text = MINIMAL.replace("name_en: Indicator one", "name_en: [Indicator one")
    p = only(validate_file(write(text)))
    assert p.line is not None and p.line >= line_of(text, "[Indicator one")
    assert "YAML syntax error" in p.message


def test_tab_indentation(write: Write) -> None:
    text = MINIMAL.replace("  name_zh: 指数", "\tname_zh: 指数")
    p = only(validate_file(write(text)))
    assert p.line == line_of(text, "\tname_zh")
    assert "tabs" in p.hint


def test_duplicate_yaml_key(write: Write) -> None:
    text = with_indicator("weight: 1\nweight: 2")
    p = only(validate_file(write(text)))
    assert (p.line, p.field) == (line_of(text, "weight: 2"), "I2.weight")
    assert "2 times" in p.message


@pytest.mark.parametrize(("text", "message"), [("", "empty"), ("- a\n- b\n", "mapping")])
def test_not_a_framework_document(write: Write, text: str, message: str) -> None:
    assert message in only(validate_file(write(text))).message


def test_missing_file(tmp_path: Path) -> None:
    p = only(validate_file(tmp_path / "nope.yaml"))
    assert p.message == "file not found"


# -- all at once ----------------------------------------------------------------------------


def test_every_problem_is_reported_at_once_with_its_line(write: Write) -> None:
    text = with_indicator("weight: -2\ngoalposts: {lo: 9, hi: 1}\ntargets: {2040: 1}", code="I1")
    text = text.replace("code: I2", "code: I1").replace("direction: -1", "direction: 7")
    text = text.replace("valid_to: 2030", "valid_to: 2030\ncolour: red")
    problems = validate_file(write(text))
    found = {(p.field, p.line) for p in problems}
    assert found == {
        ("colour", line_of(text, "colour")),
        ("I1.code", line_of(text, "code: I1", nth=2)),
        ("I1.direction", line_of(text, "direction: 7")),
        ("I1.weight", line_of(text, "weight: -2")),
        ("I1.goalposts", line_of(text, "goalposts")),
        ("I1.targets.2040", line_of(text, "targets")),
    }
    lines = [p.line for p in problems]
    assert None not in lines and lines == sorted(lines)  # type: ignore[type-var]


# -- other entry points ------------------------------------------------------------------


def test_validate_text_names_the_given_file() -> None:
    p = only(validate_text(MINIMAL.replace("valid_from: 2020", "valid_from: 2040"), "x.yaml"))
    assert p.file == "x.yaml"


def test_validate_framework_model_has_no_lines() -> None:
    import yaml

    data = yaml.safe_load(MINIMAL)
    data["root"]["children"][0]["children"][0]["weight"] = -1
    fw = Framework.model_validate(data)
    p = only(validate_framework(fw))
    assert (p.line, p.field, p.file) == (None, "I1.weight", "<framework>")


# -- AHP judgement matrices ------------------------------------------------------------


@pytest.fixture
def ahp_registered(fake_methods: dict) -> None:
    """The fake registries plus an ``ahp`` weighting taking a ``matrix``."""
    fake_methods["weighting"]._methods["ahp"] = lambda x, nominal, matrix=None: nominal


def _with_ahp(matrix: str) -> str:
    return MINIMAL.replace(
        "      name_en: Dimension one\n",
        f"      name_en: Dimension one\n      weighting:\n        method: ahp\n"
        f"        params:\n          matrix: {matrix}\n",
    )


@pytest.mark.usefixtures("ahp_registered")
def test_pairwise_matrix_with_one_row_per_child_is_valid(write: Write) -> None:
    assert validate_file(write(_with_ahp('[[1, 3], ["1/3", 1]]'))) == []


@pytest.mark.usefixtures("ahp_registered")
def test_pairwise_matrix_of_the_wrong_size(write: Write) -> None:
    text = _with_ahp('[[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]]')
    p = only(validate_file(write(text)))
    assert p.field == "D1.weighting.params.matrix" and "3 x 3 but it has 2 children" in p.message
    assert p.line == line_of(text, "matrix:")


@pytest.mark.usefixtures("ahp_registered")
def test_pairwise_matrix_that_is_not_reciprocal(write: Write) -> None:
    p = only(validate_file(write(_with_ahp("[[1, 3], [3, 1]]"))))
    assert "reciprocal" in p.message and p.field == "D1.weighting.params.matrix"


# -- means that values of 0 break ------------------------------------------------------


def _geometric_d1(normalise: str = "") -> str:
    text = MINIMAL.replace(
        "      name_en: Dimension one\n",
        "      name_en: Dimension one\n      aggregate: {method: geometric}\n",
    )
    return text + (f"defaults:\n  normalise: {normalise}\n" if normalise else "")


@pytest.mark.parametrize(
    ("normalise", "worst"),
    [("", "scores 0"), ("{method: zscore}", "scores a score below 0"),
     ("{method: minmax, params: {l: 0, u: 1}}", "scores 0")],
)  # fmt: skip
def test_geometric_mean_over_a_normaliser_giving_zeros_warns(
    write: Write, normalise: str, worst: str
) -> None:
    text = _geometric_d1(normalise)
    p = only(validate_file(write(text)))
    assert (p.severity, p.field) == ("warning", "D1.aggregate")
    assert p.line == line_of(text, "aggregate: {method: geometric}")
    assert p.message.startswith("geometric mean at 'D1' over indicators normalised by ")
    assert worst in p.message and "l: 1" in p.hint


@pytest.mark.parametrize(
    "normalise", ["{method: minmax, params: {l: 1, u: 100}}", "{method: goalposts}"]
)
def test_geometric_mean_over_positive_scores_is_fine(
    write: Write, normalise: str, fake_methods: dict
) -> None:
    fake_methods["normalise"]._methods["goalposts"] = lambda x, cols: x
    assert validate_file(write(_geometric_d1(normalise))) == []
