"""The statistical audit on hand-worked cases: pairwise correlations with missing values,
Cronbach's alpha and PCA of known matrices, the flags (near-duplicates, negative
correlations, constant columns), influence against weight, and the errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qcity import robust
from qcity.engine import Evaluation
from qcity.framework.model import Framework, NormaliseSpec
from qcity.robust.audit_stats import (
    constant_columns,
    correlation_pvalue,
    cronbach_alpha,
    pairwise,
    pca_eigenvalues,
)
from qcity.robust.statistical_audit import AuditError, AuditRules
from tests.helpers import composite, indicator, toy_framework

# -- the statistics ----------------------------------------------------------------------


def test_pairwise_drops_missing_values_pair_by_pair() -> None:
    """x and y share rows 0-2 only: x = (1, 2, 3), y = (2, 1, 4). Deviations (-1, 0, 1) and
    (-1/3, -4/3, 5/3): r = 2 / sqrt(2 x 42/9) = sqrt(3/7); the covariance is 2 / 2 = 1."""
    nan = np.nan
    x = np.array([[1, 2], [2, 1], [3, 4], [nan, 3], [5, nan]], dtype=float)
    pw = pairwise(x)
    assert pw.n.tolist() == [[4, 3], [3, 4]]
    assert pw.r[0, 1] == pytest.approx(np.sqrt(3 / 7), abs=1e-12)
    assert pw.r[1, 0] == pw.r[0, 1]
    assert pw.cov[0, 1] == pytest.approx(1.0, abs=1e-12)
    # variances over each column's own values: x = 1, 2, 3, 5 (mean 11/4)
    assert pw.cov[0, 0] == pytest.approx(np.var([1, 2, 3, 5], ddof=1), abs=1e-12)
    assert pw.r[0, 0] == pytest.approx(1.0)


def test_perfect_correlations_and_the_p_value() -> None:
    """y = 2x and z = -x: r = 1 and -1, p = 0. For r = 0.5 over 6 units, t = 0.5 x
    sqrt(4 / 0.75) = 1.1547 on 4 degrees of freedom: two-sided p = 0.3125 (Student's t)."""
    x = np.arange(1.0, 7.0)
    pw = pairwise(np.column_stack([x, 2 * x, -x]))
    assert pw.r[0, 1] == pytest.approx(1.0) and pw.r[0, 2] == pytest.approx(-1.0)
    p = correlation_pvalue(np.array([1.0, 0.5, np.nan]), np.array([6, 6, 6]))
    assert p[0] == 0.0
    assert p[1] == pytest.approx(0.3125, abs=1e-4)
    assert np.isnan(p[2])


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(4, 12), st.integers(2, 5)),
        elements=st.one_of(st.integers(-(10**6), 10**6).map(lambda i: i / 1000), st.just(np.nan)),
    )
)
def test_pairwise_agrees_with_pandas(x: np.ndarray) -> None:
    """pandas' DataFrame.corr (pairwise complete) is an independent implementation; it
    returns NaN where a column does not vary on the pair's rows, and so do we. (Values
    with three decimals: data, not the limits of floating point.)"""
    expected = pd.DataFrame(x).corr(min_periods=3).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = pairwise(x).r
    off = ~np.eye(x.shape[1], dtype=bool)
    both = ~np.isnan(expected) & ~np.isnan(got) & off
    np.testing.assert_allclose(got[both], expected[both], atol=1e-7)
    # where pandas has no r we have none either (we may also refuse a near-zero spread)
    assert not (np.isnan(expected) & ~np.isnan(got) & off).any()


def test_cronbach_alpha_of_a_known_matrix() -> None:
    """Items (1,2,3,4), (2,3,4,5), (1,3,2,4): each variance 5/3, totals (4,8,9,13) with
    variance 41/3, so alpha = 3/2 x (1 - 5 / (41/3)) = 39/41 (Cronbach 1951)."""
    x = np.array([[1, 2, 1], [2, 3, 3], [3, 4, 2], [4, 5, 4]], dtype=float)
    assert cronbach_alpha(pairwise(x).cov) == pytest.approx(39 / 41, abs=1e-12)
    # identical items agree perfectly: alpha = 1; two uncorrelated items: alpha = 0
    a, c = np.array([1.0, 2, 3, 4]), np.array([1.0, -1, -1, 1])
    assert cronbach_alpha(pairwise(np.column_stack([a, a, a])).cov) == pytest.approx(1.0)
    assert cronbach_alpha(pairwise(np.column_stack([a, c])).cov) == pytest.approx(0.0)
    assert np.isnan(cronbach_alpha(np.array([[2.0]])))


def test_pca_of_a_known_matrix() -> None:
    """b = 2a + 1 duplicates a, c is uncorrelated with both (deviations of a are
    (-1.5, -.5, .5, 1.5), c's (1, -1, -1, 1): their products sum to 0). The correlation
    matrix [[1,1,0],[1,1,0],[0,0,1]] has eigenvalues 2, 1, 0: the first component explains
    2/3 and one eigenvalue is above 1 (the second is 1, not above)."""
    a, c = np.array([1.0, 2, 3, 4]), np.array([1.0, -1, -1, 1])
    values, n = pca_eigenvalues(np.column_stack([a, 2 * a + 1, c]))
    np.testing.assert_allclose(values, [2.0, 1.0, 0.0], atol=1e-12)
    assert n == 4
    # two columns correlated r: the eigenvalues of [[1, r], [r, 1]] are 1 + r and 1 - r
    x = np.array([1.0, 2, 3, 4, 5, 6])
    y = np.array([1.0, 3, 2, 5, 4, 6])
    r = np.corrcoef(x, y)[0, 1]
    values, _ = pca_eigenvalues(np.column_stack([x, y]))
    np.testing.assert_allclose(values, [1 + r, 1 - r], atol=1e-12)


def test_pca_drops_incomplete_units() -> None:
    """COINr's get_PCA uses na.omit: the unit with a missing value is left out."""
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0], [np.nan, 9.0]])
    values, n = pca_eigenvalues(x)
    r = np.corrcoef(x[:4, 0], x[:4, 1])[0, 1]  # 0.6
    assert n == 4
    np.testing.assert_allclose(values, [1 + r, 1 - r], atol=1e-12)


def test_constant_columns_give_no_nan_noise() -> None:
    """A constant column (even 0.1 three times, whose mean is not exactly 0.1) is found,
    its correlations are NaN without a RuntimeWarning, and the others are unaffected."""
    x = np.array([[0.1, 1.0, 2.0], [0.1, 2.0, 1.0], [0.1, 3.0, 5.0]])
    assert constant_columns(x).tolist() == [True, False, False]
    assert constant_columns(np.full((3, 1), np.nan)).tolist() == [False]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pw = pairwise(x)
        values, _ = pca_eigenvalues(x)
    assert np.isnan(pw.r[0, 1:]).all() and np.isnan(pw.r[1:, 0]).all()
    assert pw.r[1, 2] == pytest.approx(np.corrcoef(x[:, 1], x[:, 2])[0, 1])
    assert values.size == 0  # a PCA of standardised data cannot include it


# -- the audit of an evaluation ----------------------------------------------------------

UNITS = [f"u{n}" for n in range(8)]
A1 = np.arange(1.0, 9.0)
WIGGLE = np.array([1.0, -1, 1, -1, 1, -1, 1, -1])
RAW = {
    "a1": A1,
    "a2": A1 + 0.1 * WIGGLE,  # a near-copy of a1
    "a3": A1 + 1.5 * WIGGLE,  # rises with a1, but "lower is better": normalised, it falls
    "b1": np.array([3.0, 1, 4, 1, 5, 9, 2, 6]),
    "b2": np.array([2.0, 7, 1, 8, 2, 8, 1, 8]),
    "b3": np.full(8, 5.0),  # the same for every unit
}


def framework() -> Framework:
    """idx -> A (weight 2: a1, a2, a3 with direction -1), B (weight 1: b1, b2, b3)."""

    def ind(code: str, direction: int = 1) -> dict:
        return indicator(code, direction, name_zh=f"{code}中")

    a = [ind("a1"), ind("a2"), ind("a3", -1)]
    b = [ind("b1"), ind("b2"), ind("b3")]
    return toy_framework([composite("A", "甲", a, weight=2), composite("B", "乙", b)])


def evaluation(raw: dict[str, np.ndarray] | None = None, rank_b3: bool = True) -> Evaluation:
    """The evaluation of RAW in 2024 (min-max, arithmetic means); b3 normalised by rank so
    that its normalised column is constant (min-max would leave it empty)."""
    raw = raw or RAW
    rows = [
        {"unit": u, "indicator": code, "period": 2024, "value": v}
        for code, values in raw.items()
        for u, v in zip(UNITS, values, strict=True)
    ]
    fw = framework()
    if rank_b3:
        fw.find("b3").normalise = NormaliseSpec(method="rank")  # type: ignore[union-attr]
    return Evaluation(fw, pd.DataFrame(rows)).run()


def normalised_r(a: str, b: str) -> float:
    """r of two indicators after normalisation: min-max is increasing for direction 1 and
    decreasing for a3 (direction -1), so r of the raw values, with a3's sign flipped."""
    sign = (-1 if a == "a3" else 1) * (-1 if b == "a3" else 1)
    return float(sign * np.corrcoef(RAW[a], RAW[b])[0, 1])


def test_within_group_correlations_follow_the_raw_data() -> None:
    result = robust.audit(evaluation())
    assert result.period == "2024" and len(result.units) == 8
    within = result.correlations[result.correlations["kind"] == "within"]
    a = within[within["group"] == "A"].set_index(["a", "b"])["r"]
    for x, y in [("a1", "a2"), ("a1", "a3"), ("a2", "a3")]:
        assert a[(x, y)] == pytest.approx(normalised_r(x, y), abs=1e-12)
    # parents and ancestors are there too: every indicator with idx
    kinds = result.correlations.groupby("kind").size().to_dict()
    assert kinds == {"within": 3 + 3 + 1, "parent": 3 + 3 + 2, "ancestor": 6}


def test_near_duplicate_and_negative_flags() -> None:
    """a2 = a1 +- 0.1: r > 0.9, a near-duplicate. a3 rises with a1 (r = 0.80 by hand:
    cov 6 - 1.5 x 4/7, var 6 + 2.25 x 8/7 - 3 x 4/7) but counts as "lower is better": after
    normalisation r = -0.80 with a1 (p ~ 0.02, a warning) — the sign error the JRC looks
    for."""
    result = robust.audit(evaluation())
    flags = result.flags
    dup = flags[flags["flag"] == "duplicate"]
    assert dup[["group", "code", "other"]].values.tolist() == [["A", "a1", "a2"]]
    assert dup["value"].iloc[0] == pytest.approx(normalised_r("a1", "a2"))
    r13 = 5.143 / np.sqrt(6 * 6.857)
    assert normalised_r("a1", "a3") == pytest.approx(-r13, abs=1e-3)
    neg = flags[(flags["flag"] == "negative") & (flags["group"] == "A")]
    pairs = {(row.code, row.other) for row in neg.itertuples()}
    assert {("a1", "a3"), ("a2", "a3")} <= pairs
    assert (neg.loc[neg["other"] == "a3", "severity"] == "warning").all()
    # warnings come before notes
    severity = flags["severity"].tolist()
    assert severity == sorted(severity, key=lambda s: s != "warning")


def test_constant_column_is_said_once_and_left_out() -> None:
    """b3 is constant: one ``constant`` flag, its correlations empty with a note, B's alpha
    and PCA computed on b1 and b2 with b3 named as left out — and no RuntimeWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = robust.audit(evaluation())
    flags = result.flags
    const = flags[flags["flag"] == "constant"]
    assert const[["group", "code"]].values.tolist() == [["B", "b3"]]
    rows = result.correlations[
        (result.correlations["a"] == "b3") | (result.correlations["b"] == "b3")
    ]
    assert rows["r"].isna().all() and rows["note"].str.contains("b3").all()
    cron = result.cronbach.set_index("group").loc["B"]
    assert (cron["members"], cron["used"]) == (3, 2)
    assert "left out" in cron["note"] and "b3" in cron["note"]
    b = np.column_stack([RAW["b1"], RAW["b2"]])
    # the textbook formula on b1, b2 (min-max is affine: alpha changes, r does not)
    r = np.corrcoef(b.T)[0, 1]
    pca = result.pca.set_index("group").loc["B"]
    assert pca["pc1_share"] == pytest.approx((1 + abs(r)) / 2, abs=1e-12)
    # it cannot move the index: no influence (r^2 counted as 0), flagged low
    inf = result.influence
    leaves = inf[(inf["node"] == "idx") & (inf["among"] == "indicators")].set_index("code")
    b3 = leaves.loc["b3"]
    assert (b3["r2"], b3["influence"], b3["ratio"], b3["flag"]) == (0.0, 0.0, 0.0, "low")
    assert leaves["influence"].sum() == pytest.approx(1.0)
    assert leaves["weight_share"].sum() == pytest.approx(1.0)


def test_alpha_of_a_group_matches_the_textbook_formula() -> None:
    """alpha = k/(k-1) (1 - sum var_i / var(sum)), on A's normalised columns."""
    ev = evaluation()
    result = robust.audit(ev)
    x = ev.dataset("normalised").loc["2024"][["a1", "a2", "a3"]].to_numpy()
    k = 3
    expected = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    assert result.cronbach.set_index("group").loc["A", "alpha"] == pytest.approx(expected)


def test_missing_values_are_dropped_pair_by_pair() -> None:
    """b1 is missing for u0 and u1 (no imputation): its correlations use the 6 other
    units, those of the other pairs all 8."""
    raw = {k: v.copy() for k, v in RAW.items()}
    raw["b1"][:2] = np.nan
    result = robust.audit(evaluation(raw))
    corr = result.correlations.set_index(["a", "b"])
    assert corr.loc[("b1", "b2"), "n"] == 6
    assert corr.loc[("b1", "b2"), "r"] == pytest.approx(
        np.corrcoef(raw["b1"][2:], raw["b2"][2:])[0, 1], abs=1e-12
    )
    assert corr.loc[("a1", "a2"), "n"] == 8


def test_influence_is_the_r2_share_against_the_weight_share() -> None:
    """On idx, A has weight 2/3 and B 1/3. Influence = r^2 / (r_A^2 + r_B^2), with r of
    each dimension's score with the index computed here with numpy."""
    ev = evaluation()
    result = robust.audit(ev)
    agg = ev.dataset("aggregated").loc["2024"]
    r = {c: np.corrcoef(agg[c], agg["idx"])[0, 1] for c in ("A", "B")}
    total = r["A"] ** 2 + r["B"] ** 2
    inf = result.influence.set_index(["node", "among", "code"])
    for code, weight in (("A", 2 / 3), ("B", 1 / 3)):
        row = inf.loc[("idx", "children", code)]
        assert row["weight"] == pytest.approx(weight)
        assert row["r"] == pytest.approx(r[code])
        assert row["influence"] == pytest.approx(r[code] ** 2 / total)
        assert row["ratio"] == pytest.approx(r[code] ** 2 / total / weight)
    # indicators under idx: effective weights 2/3 x 1/3 and 1/3 x 1/3, summing to 1
    leaves = result.influence[
        (result.influence["node"] == "idx") & (result.influence["among"] == "indicators")
    ]
    assert leaves["weight"].sum() == pytest.approx(1.0)
    assert leaves.set_index("code").loc["a1", "weight"] == pytest.approx(2 / 9)
    # a3 falls as the index rises: flagged negative
    assert leaves.set_index("code").loc["a3", "flag"] == "negative"


def test_influence_flags_follow_the_documented_rule() -> None:
    """low below rules.low x weight share, high above rules.high x; stricter rules flag
    more."""
    ev = evaluation()
    result = robust.audit(ev)
    inf = result.influence[result.influence["r"] >= 0]
    expected = np.where(inf["ratio"] < 0.5, "low", np.where(inf["ratio"] > 2.0, "high", ""))
    assert inf["flag"].tolist() == expected.tolist()
    strict = robust.audit(ev, rules=AuditRules(low=0.99, high=1.01)).influence
    assert (strict["flag"] != "").sum() >= (result.influence["flag"] != "").sum()


def test_period_choice_and_errors() -> None:
    ev = evaluation()
    assert robust.audit(ev, period=2024).period == "2024"
    with pytest.raises(AuditError, match=r"period 2019 is not in the evaluation; periods: 2024"):
        robust.audit(ev, period=2019)
    few = {k: v[:2] for k, v in RAW.items()}
    rows = [
        {"unit": u, "indicator": c, "period": 2024, "value": v}
        for c, vals in few.items()
        for u, v in zip(UNITS[:2], vals, strict=True)
    ]
    small = Evaluation(framework(), pd.DataFrame(rows)).run()
    with pytest.raises(AuditError, match=r"at least 3 units .* has 2 \(u0, u1\)"):
        robust.audit(small)


def test_names_come_from_the_framework() -> None:
    result = robust.audit(evaluation())
    assert result.names["a1"] == ("a1中", "a1")
    assert result.names["idx"] == ("指数", "index")
    assert list(result.matrix.index) == ["idx", "A", "a1", "a2", "a3", "B", "b1", "b2", "b3"]
