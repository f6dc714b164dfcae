"""AHP: principal eigenvector, consistency, reciprocity errors, experts, file parsing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from qcity.data.judgements import read_pairwise
from qcity.methods.ahp import (
    RI_ALONSO_LAMATA,
    RI_SAATY,
    PairwiseError,
    ahp,
    as_matrix,
    combine_judgements,
    parse_judgement,
    random_index,
)

# Saaty (1990), "How to make a decision: the analytic hierarchy process", European
# Journal of Operational Research 48: 9-26 — criteria for buying a house (size,
# transportation, neighbourhood, age, yard, modern facilities, condition, financing).
HOUSE = [
    [1, 5, 3, 7, 6, 6, "1/3", "1/4"],
    ["1/5", 1, "1/3", 5, 3, 3, "1/5", "1/7"],
    ["1/3", 3, 1, 6, 3, 4, 6, "1/5"],
    ["1/7", "1/5", "1/6", 1, "1/3", "1/4", "1/7", "1/8"],
    ["1/6", "1/3", "1/3", 3, 1, "1/2", "1/5", "1/6"],
    ["1/6", "1/3", "1/4", 4, 2, 1, "1/5", "1/6"],
    [3, 5, "1/6", 7, 5, 5, 1, "1/2"],
    [4, 7, 5, 8, 6, 6, 2, 1],
]


def _power_iteration(a: np.ndarray, steps: int = 500) -> tuple[float, np.ndarray]:
    """Perron root and vector by power iteration — independent of numpy.linalg.eig."""
    w = np.ones(a.shape[0]) / a.shape[0]
    for _ in range(steps):
        w = a @ w
        w /= w.sum()
    return float(np.mean((a @ w) / w)), w


def _house() -> np.ndarray:
    return np.array([[parse_judgement(v) for v in row] for row in HOUSE])


def test_saaty_house_example_weights_and_consistency() -> None:
    a = _house()
    lam, w = _power_iteration(a)
    n = a.shape[0]
    ci = (lam - n) / (n - 1)
    cr = ci / 1.41  # Saaty's RI for n = 8
    res = ahp(HOUSE)
    np.testing.assert_allclose(res.weights, w, atol=1e-9)
    assert res.lambda_max == pytest.approx(lam, abs=1e-9)
    assert res.ci == pytest.approx(ci, abs=1e-9)
    assert res.cr == pytest.approx(cr, abs=1e-9)
    assert res.ri == 1.41 and res.n == 8
    # Saaty's published (rounded) weights for this example
    published = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    np.testing.assert_allclose(res.weights, published, atol=6e-4)
    assert cr > 0.1 and not res.consistent
    assert res.worst_pair is not None and res.worst_pair[0] < res.worst_pair[1]


def test_consistent_matrix_has_lambda_n_and_exact_weights() -> None:
    w = np.array([0.5, 0.3, 0.2])
    a = w[:, None] / w[None, :]
    res = ahp(a)
    np.testing.assert_allclose(res.weights, w, atol=1e-12)
    assert res.lambda_max == pytest.approx(3.0)
    assert res.ci == pytest.approx(0.0, abs=1e-12)
    assert res.consistent


def test_two_criteria_have_zero_cr() -> None:
    res = ahp([[1, 4], ["1/4", 1]])
    np.testing.assert_allclose(res.weights, [0.8, 0.2])
    assert res.cr == 0.0 and res.ci == 0.0 and res.consistent and res.worst_pair is None


def test_ri_tables_and_custom_list() -> None:
    assert RI_SAATY[:3] == (0.0, 0.0, 0.58)
    assert random_index(9, "saaty") == 1.45
    assert random_index(5, "alonso_lamata") == RI_ALONSO_LAMATA[4] == 1.1086
    assert random_index(3, [0, 0, 0.5]) == 0.5
    a = _house()
    lam, _ = _power_iteration(a)
    res = ahp(a, ri_table="alonso_lamata")
    assert res.cr == pytest.approx((lam - 8) / 7 / 1.4056, abs=1e-9)
    with pytest.raises(PairwiseError, match="alonso_lamata"):
        random_index(11, "saaty")
    with pytest.raises(PairwiseError, match="unknown RI table"):
        random_index(3, "nope")


def test_reciprocity_error_names_cell_and_hint() -> None:
    m = [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/3", 1]]
    with pytest.raises(PairwiseError) as exc:
        as_matrix(m)
    msg = str(exc.value)
    assert "row 3, column 2" in msg and "row 2, column 3" in msg
    assert "1/3" in msg and "1/2" in msg and "fix" in msg


@pytest.mark.parametrize(
    ("matrix", "needle"),
    [
        ([[1, 2], [0.5]], "square"),
        ([[1, -2], [-0.5, 1]], "positive"),
        ([[2, 2], [0.5, 1]], "diagonal"),
        ([[1, "x"], [1, 1]], "row 1, column 2"),
    ],
)
def test_invalid_matrices(matrix: list[list[object]], needle: str) -> None:
    with pytest.raises(PairwiseError, match=needle):
        as_matrix(matrix)


def test_fraction_parsing() -> None:
    assert parse_judgement("1/9") == pytest.approx(1 / 9)
    assert parse_judgement(" 1 / 3 ") == pytest.approx(1 / 3)
    assert parse_judgement("1／2") == 0.5
    assert parse_judgement("7") == 7.0
    assert parse_judgement(2.5) == 2.5
    with pytest.raises(ValueError):
        parse_judgement("1/0")
    with pytest.raises(ValueError):
        parse_judgement("")


def test_combine_two_experts_by_geometric_mean() -> None:
    e1 = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
    e2 = np.array([[1, 2, 7], [1 / 2, 1, 3], [1 / 7, 1 / 3, 1]])
    g = combine_judgements([e1, e2])
    assert g[0, 1] == pytest.approx(np.sqrt(6))
    assert g[0, 2] == pytest.approx(np.sqrt(35))
    assert g[1, 2] == pytest.approx(np.sqrt(6))
    np.testing.assert_allclose(g * g.T, np.ones((3, 3)))  # still reciprocal
    with pytest.raises(PairwiseError, match="differ in size"):
        combine_judgements([e1, np.ones((2, 2))])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.05, 20.0), min_size=2, max_size=7))
def test_weights_positive_sum_to_one(vals: list[float]) -> None:
    v = np.array(vals)
    rng = np.random.default_rng(len(vals))
    a = v[:, None] / v[None, :]
    noise = np.exp(np.triu(rng.normal(0, 0.3, a.shape), 1))
    a = a * noise / noise.T
    res = ahp(a, ri_table="alonso_lamata")
    assert np.all(res.weights > 0)
    assert res.weights.sum() == pytest.approx(1.0)
    assert res.lambda_max >= len(vals) - 1e-9


def _write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_csv_two_experts_with_fractions(tmp_path: Path) -> None:
    p = _write_csv(
        tmp_path / "m.csv",
        ",经济,社会,环境\n经济,1,3,5\n社会,1/3,1,2\n环境,1/5,1/2,1\n\n"
        "专家2,经济,社会,环境\n经济,1,2,7\n社会,1/2,1,3\n环境,1/7,1/3,1\n",
    )
    experts = read_pairwise(p)
    assert len(experts) == 2
    names, m = experts[0]
    assert names == ["经济", "社会", "环境"]
    assert m[1, 0] == pytest.approx(1 / 3) and m[2, 1] == 0.5
    assert experts[1][1][0, 2] == 7


def test_read_csv_errors_name_file_row_column(tmp_path: Path) -> None:
    p = _write_csv(tmp_path / "bad.csv", ",A,B\nA,1,abc\nB,1,1\n")
    with pytest.raises(PairwiseError) as exc:
        read_pairwise(p)
    msg = str(exc.value)
    assert "bad.csv" in msg and "row 2, column 3" in msg and "abc" in msg
    p2 = _write_csv(tmp_path / "recip.csv", ",A,B\nA,1,3\nB,1/2,1\n")
    with pytest.raises(PairwiseError, match=r"recip.csv: .*row 3, column 2 \(B vs A\)"):
        read_pairwise(p2)
    p3 = _write_csv(tmp_path / "order.csv", ",A,B\nB,1,3\nA,1/3,1\n")
    with pytest.raises(PairwiseError, match="row 2, column 1"):
        read_pairwise(p3)
    p4 = _write_csv(tmp_path / "short.csv", ",A,B,C\nA,1,3,1\nB,1/3,1,1\n")
    with pytest.raises(PairwiseError, match="3 criteria in the header but 2 rows"):
        read_pairwise(p4)
    p5 = _write_csv(tmp_path / "names.csv", ",A,B\nA,1,3\nB,1/3,1\n\n,A,C\nA,1,2\nC,1/2,1\n")
    with pytest.raises(PairwiseError, match="expert 2"):
        read_pairwise(p5)
    with pytest.raises(PairwiseError, match="unsupported"):
        read_pairwise(_write_csv(tmp_path / "m.json", "{}"))


def test_read_xlsx_two_sheets(tmp_path: Path) -> None:
    wb = Workbook()
    ws1 = wb.active
    assert ws1 is not None
    ws1.title = "专家1"
    for row in ([None, "A", "B", "C"], ["A", 1, 3, 5], ["B", "1/3", 1, 2], ["C", 0.2, 0.5, 1]):
        ws1.append(row)
    ws2 = wb.create_sheet("专家2")
    for row in (["准则", "A", "B", "C"], ["A", 1, 2, 7], ["B", 0.5, 1, 3], ["C", "1/7", "1/3", 1]):
        ws2.append(row)
    path = tmp_path / "judgements.xlsx"
    wb.save(path)
    experts = read_pairwise(path)
    assert [names for names, _ in experts] == [["A", "B", "C"], ["A", "B", "C"]]
    assert experts[0][1][1, 0] == pytest.approx(1 / 3)
    assert experts[1][1][2, 0] == pytest.approx(1 / 7)
    ws2["C3"] = 9
    wb.save(path)
    with pytest.raises(PairwiseError, match="sheet '专家2'"):
        read_pairwise(path)
