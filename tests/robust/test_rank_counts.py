"""The sparse rank counts (``qcity.robust.rank_counts``) give exactly what the dense
``(units, units)`` count matrix gave: the same counts, mean ranks and type-7 quantiles,
whatever the chunking, the order of the chunks and the path taken (bincount over bands
or sort; one block of units or many); and ``qcity robust`` writes the rank statistics
the dense matrix gives for the same samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import qcity.robust.rank_counts as rc
from qcity.cli import app
from qcity.robust.rank_counts import Accumulator, RankCounts
from tests.helpers import REPO

ASEM = REPO / "examples" / "asem"


# -- the dense matrix, as qcity computed it before (the oracle) ------------------------
def dense_counts(ranks: np.ndarray) -> np.ndarray:
    """``(N, N)`` counts of each unit's ranks over the rows of ``ranks (S, N)``."""
    N = ranks.shape[1]
    valid = ranks > 0
    unit_idx = np.broadcast_to(np.arange(N), ranks.shape)[valid]
    flat = unit_idx * N + ranks[valid].astype(np.int64) - 1
    return np.bincount(flat, minlength=N * N).reshape(N, N)


def dense_quantile(hist: np.ndarray, q: float) -> np.ndarray:
    n = hist.sum(axis=1)
    cum = np.cumsum(hist, axis=1)
    pos = np.maximum(n - 1, 0) * q
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0))

    def order_stat(j: np.ndarray) -> np.ndarray:
        return (cum <= j[:, None]).sum(axis=1) + 1.0

    x_lo, x_hi = order_stat(lo), order_stat(hi)
    return np.where(n > 0, x_lo + (pos - lo) * (x_hi - x_lo), np.nan)


def dense_mean(hist: np.ndarray) -> np.ndarray:
    n = hist.sum(axis=1)
    ranks = np.arange(1, hist.shape[1] + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (hist * ranks).sum(axis=1) / np.where(n > 0, n, 1), np.nan)


def dense_stats(hist: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "mean": dense_mean(hist),
        "median": dense_quantile(hist, 0.5),
        "q05": dense_quantile(hist, 0.05),
        "q95": dense_quantile(hist, 0.95),
    }


# -- random rank matrices --------------------------------------------------------------
@st.composite
def rank_matrices(draw: st.DrawFn) -> np.ndarray:
    """``(S, N)`` ranks in 0..N (0: not ranked), narrow or wide bands per unit."""
    n_units = draw(st.integers(1, 12))
    samples = draw(st.integers(1, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    spread = draw(st.sampled_from([0.0, 1.0, 3.0, 100.0]))
    scores = np.arange(n_units)[None, :] + rng.normal(0, spread + 1e-9, (samples, n_units))
    ranks = np.argsort(np.argsort(-scores, axis=1), axis=1) + 1
    ranks[rng.random(ranks.shape) < draw(st.sampled_from([0.0, 0.1, 0.6]))] = 0
    if draw(st.booleans()):  # ties and repeated ranks: any integers in 0..N
        ranks = rng.integers(0, n_units + 1, size=ranks.shape)
    never = draw(st.sets(st.integers(0, n_units - 1)))  # units never ranked (first, last...)
    ranks[:, sorted(never)] = 0
    return ranks.astype(np.int32)


def _check(counts: RankCounts, ranks: np.ndarray) -> None:
    hist = dense_counts(ranks)
    np.testing.assert_array_equal(counts.dense(), hist)
    assert (counts.counts > 0).all()
    np.testing.assert_array_equal(counts.total(), hist.sum(axis=1))
    for name, want in dense_stats(hist).items():
        q = {"mean": None, "median": 0.5, "q05": 0.05, "q95": 0.95}[name]
        got = counts.mean() if q is None else counts.quantile(q)
        np.testing.assert_array_equal(got, want, err_msg=name)  # exactly, NaN included


@settings(max_examples=300, deadline=None)
@given(
    ranks=rank_matrices(),
    data=st.data(),
    band_factor=st.sampled_from([0.0, 4.0, 1e9]),
    block_cells=st.sampled_from([1, 5, 1 << 22]),
    min_pending=st.sampled_from([0, 7, 1 << 23]),
)
def test_sparse_counts_equal_the_dense_matrix(
    ranks: np.ndarray,
    data: st.DataObject,
    band_factor: float,
    block_cells: int,
    min_pending: int,
) -> None:
    """Chunks cut anywhere, added in any order, through either path."""
    S = len(ranks)
    cuts = sorted(data.draw(st.sets(st.integers(1, max(S - 1, 1)), max_size=6)))
    chunks = [c for c in np.split(ranks, [c for c in cuts if c < S]) if len(c)]
    order = data.draw(st.permutations(range(len(chunks))))
    saved = rc.BAND_FACTOR, rc.BLOCK_CELLS, rc.MIN_PENDING
    rc.BAND_FACTOR, rc.BLOCK_CELLS, rc.MIN_PENDING = band_factor, block_cells, min_pending
    try:
        acc = Accumulator(ranks.shape[1])
        for i in order:
            acc.add(RankCounts.from_ranks(chunks[i]))
        _check(acc.result(), ranks)
        _check(RankCounts.from_ranks(ranks), ranks)
        _check(RankCounts.merge([RankCounts.from_ranks(c) for c in chunks]), ranks)
    finally:
        rc.BAND_FACTOR, rc.BLOCK_CELLS, rc.MIN_PENDING = saved


@settings(max_examples=100, deadline=None)
@given(ranks=rank_matrices(), data=st.data())
def test_shift_is_the_mean_distance_from_the_nominal_rank(
    ranks: np.ndarray, data: st.DataObject
) -> None:
    N = ranks.shape[1]
    nominal = np.array(data.draw(st.lists(st.integers(1, N), min_size=N, max_size=N)), float)
    nominal[0] = np.nan if data.draw(st.booleans()) else nominal[0]
    got = RankCounts.from_ranks(ranks).shift(nominal)
    for u in range(N):
        mine = ranks[:, u][ranks[:, u] > 0]
        if len(mine) == 0 or np.isnan(nominal[u]):
            assert np.isnan(got[u])
        else:
            assert got[u] == pytest.approx(np.abs(mine - nominal[u]).mean())


def test_no_samples_gives_no_pairs_and_nan_statistics() -> None:
    acc = Accumulator(3)
    empty = acc.result()
    assert empty.nbytes > 0 and len(empty.ranks) == 0
    assert np.isnan(empty.mean()).all() and np.isnan(empty.quantile(0.5)).all()
    assert (empty.dense() == 0).all()
    with pytest.raises(ValueError, match="different numbers of units"):
        acc.add(RankCounts.from_ranks(np.ones((2, 4), dtype=np.int32)))


def test_memory_is_the_distinct_pairs_not_units_squared() -> None:
    """10,000 units ranked in 20 samples, each within 3 places of its own rank: 20 x
    10,000 pairs at most (the dense matrix would hold 10^8 counts)."""
    rng = np.random.default_rng(0)
    N = 10_000
    scores = np.arange(N)[None, :] + rng.uniform(-1.5, 1.5, (20, N))
    ranks = (np.argsort(np.argsort(scores, axis=1), axis=1) + 1).astype(np.int32)
    counts = RankCounts.merge([RankCounts.from_ranks(c) for c in np.split(ranks, 4)])
    assert len(counts.ranks) <= 7 * N
    assert counts.nbytes < 7 * N * 12 + 8 * (N + 1)
    np.testing.assert_array_equal(counts.total(), np.full(N, 20))
    np.testing.assert_array_equal(counts.mean(), ranks.mean(axis=0))


def test_cli_rank_stats_are_those_of_the_dense_matrix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``qcity robust`` (chunks of 7 samples on threads): rank_stats.csv is what the
    dense matrix of the very same samples' ranks gives, byte for byte."""
    seen: list[np.ndarray] = []
    from_ranks = RankCounts.from_ranks.__func__  # type: ignore[attr-defined]

    def spy(cls: type[RankCounts], ranks: np.ndarray) -> RankCounts:
        seen.append(ranks.copy())
        return from_ranks(cls, ranks)  # type: ignore[no-any-return]

    monkeypatch.setattr(RankCounts, "from_ranks", classmethod(spy))
    monkeypatch.setattr("qcity.robust.problem.Problem.chunk_size", lambda self: 7)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app,
        ["robust", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv"),
         "--spec", str(ASEM / "robust.yaml"), "-N", "60", "--seed", "9", "--out", str(out)],
        env={"COLUMNS": "200", "QCITY_DATABASE_URL": None},
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert len(seen) == 9  # 60 samples in chunks of 7
    hist = dense_counts(np.concatenate(seen))
    written = pd.read_csv(out / "rank_stats.csv")
    want = written[["unit", "nominal"]].copy()
    for name, values in dense_stats(hist).items():
        want[name] = values
    want["nominal"] = want["nominal"].astype("Int64")
    (tmp_path / "want.csv").write_text(want.to_csv(index=False), "utf-8")
    assert (out / "rank_stats.csv").read_bytes() == (tmp_path / "want.csv").read_bytes()
    assert (hist.sum(axis=1) == 60).all()
