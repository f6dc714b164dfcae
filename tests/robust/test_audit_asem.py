"""The audit of COINr's ASEM example against the same statistics computed here, with
pandas and numpy, on COINr's own aggregated data (tests/reference/coinr_asem:
``default_6_aggregated.csv``) and COINr's own index structure (``input_iMeta.csv``).

COINr's reference has no audit outputs, but its aggregated data set is what COINr's
``get_corr``, ``get_cronbach`` and ``get_PCA`` would read; qcity's aggregated data match it
to 1e-6 (tests/engine/test_conformance_asem.py), so the audit must match these
independent computations to that tolerance too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from qcity import robust
from qcity.framework.io import load_framework
from qcity.robust.statistical_audit import AuditResult
from qcity.service.evaluation import evaluate
from qcity.service.inputs import from_files
from tests.helpers import REPO, coinr_file

ASEM = REPO / "examples" / "asem"
TOL = 1e-6


@pytest.fixture(scope="module")
def audited() -> AuditResult:
    fw = load_framework(ASEM / "framework.yaml")
    result = evaluate(fw, from_files(fw, ASEM / "framework.yaml", ASEM / "data.csv"))
    return robust.audit(result.evaluation)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(coinr_file("default_6_aggregated.csv")).set_index("uCode")


@pytest.fixture(scope="module")
def groups() -> dict[str, list[str]]:
    """Parent -> children, from COINr's iMeta (indicators and aggregates)."""
    meta = pd.read_csv(coinr_file("input_iMeta.csv"))
    meta = meta[meta["Type"].isin(["Indicator", "Aggregate"]) & meta["Parent"].notna()]
    return {p: list(g["iCode"]) for p, g in meta.groupby("Parent", sort=False)}


def test_the_audit_covers_coinr_units(audited: AuditResult, data: pd.DataFrame) -> None:
    assert audited.period == "2018"
    assert sorted(audited.units) == sorted(data.index)


def test_within_group_correlations(
    audited: AuditResult, data: pd.DataFrame, groups: dict[str, list[str]]
) -> None:
    ours = audited.correlations[audited.correlations["kind"] == "within"]
    ours = ours.set_index(["group", "a", "b"])["r"]
    expected = {
        (g, a, b): data[a].corr(data[b])
        for g, kids in groups.items()
        for a, b in itertools.combinations(kids, 2)
    }
    assert len(ours) == len(expected)
    for (g, a, b), r in expected.items():
        got = ours.get((g, a, b), ours.get((g, b, a)))
        assert got == pytest.approx(r, abs=TOL), (g, a, b)


def test_correlations_with_the_parent(
    audited: AuditResult, data: pd.DataFrame, groups: dict[str, list[str]]
) -> None:
    ours = audited.correlations[audited.correlations["kind"] == "parent"]
    ours = ours.set_index(["a", "b"])["r"]
    for parent, kids in groups.items():
        for kid in kids:
            assert ours[(kid, parent)] == pytest.approx(data[kid].corr(data[parent]), abs=TOL)


def test_cronbach_alpha(
    audited: AuditResult, data: pd.DataFrame, groups: dict[str, list[str]]
) -> None:
    """alpha = k/(k-1) (1 - sum var_i / var(sum of items)) on COINr's data (complete, so
    this equals COINr's pairwise-covariance formula)."""
    ours = audited.cronbach.set_index("group")["alpha"]
    for g, kids in groups.items():
        x = data[kids]
        k = len(kids)
        alpha = k / (k - 1) * (1 - x.var().sum() / x.sum(axis=1).var())
        assert ours[g] == pytest.approx(alpha, abs=TOL), g


def test_pca_per_group(
    audited: AuditResult, data: pd.DataFrame, groups: dict[str, list[str]]
) -> None:
    ours = audited.pca.set_index("group")
    for g, kids in groups.items():
        values = np.linalg.eigvalsh(data[kids].corr().to_numpy())[::-1]
        assert ours.loc[g, "pc1_share"] == pytest.approx(values[0] / len(kids), abs=TOL), g
        assert ours.loc[g, "above_one"] == (values > 1).sum(), g


def test_influence_of_the_indicators_on_the_index(
    audited: AuditResult, data: pd.DataFrame, groups: dict[str, list[str]]
) -> None:
    """Every weight in COINr's ASEM coin is 1: an indicator's effective weight is the
    product of 1 / (number of siblings) up its path; influence is its share of r^2 with
    the index."""
    parent = {kid: p for p, kids in groups.items() for kid in kids}
    size = {kid: len(groups[p]) for kid, p in parent.items()}
    leaves = [c for c in parent if c not in groups]
    weight = {}
    for leaf in leaves:
        w, code = 1.0, leaf
        while code in parent:
            w, code = w / size[code], parent[code]
        weight[leaf] = w
    r2 = pd.Series({c: data[c].corr(data["Index"]) ** 2 for c in leaves})
    share = r2 / r2.sum()
    ours = audited.influence[
        (audited.influence["node"] == "Index") & (audited.influence["among"] == "indicators")
    ].set_index("code")
    assert sorted(ours.index) == sorted(leaves)
    for c in leaves:
        assert ours.loc[c, "weight"] == pytest.approx(weight[c], abs=1e-12), c
        assert ours.loc[c, "influence"] == pytest.approx(share[c], abs=TOL), c
        assert ours.loc[c, "ratio"] == pytest.approx(share[c] / weight[c], abs=1e-4), c


def test_flagged_pairs(
    audited: AuditResult, data: pd.DataFrame, groups: dict[str, list[str]]
) -> None:
    """The near-duplicates (|r| > 0.9) and negative pairs inside a group, found here."""
    r = {
        (g, a, b): data[a].corr(data[b])
        for g, kids in groups.items()
        for a, b in itertools.combinations(kids, 2)
    }
    flags = audited.flags
    cols = ["group", "code", "other"]
    dup = {tuple(x) for x in flags.loc[flags["flag"] == "duplicate", cols].values}
    assert dup == {k for k, v in r.items() if abs(v) > 0.9}
    neg = flags[(flags["flag"] == "negative") & (flags["other"] != flags["group"])]
    assert {tuple(x) for x in neg[cols].values} == {k for k, v in r.items() if v < 0}
