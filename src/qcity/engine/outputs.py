"""Tables built from a run's arrays: scores and ranks, flags, weights, contributions,
coupling coordination, obstacle degrees; and writing them to a folder."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from qcity.data.atomic import atomic_folder, moved
from qcity.data.safe_cells import safe_frame
from qcity.engine.log_file import log_document
from qcity.engine.pipeline import Results
from qcity.framework.model import Framework
from qcity.methods.coupling import classify_coordination, coupling_coordination
from qcity.methods.errors import Diagnostic
from qcity.methods.obstacle import obstacle_degree

if TYPE_CHECKING:
    from qcity.engine.evaluation import Evaluation

TREATMENT_CODES = {0: "", 1: "winsorised_high", -1: "winsorised_low", 2: "transformed"}


SortKind = Literal["quicksort", "stable"]

RANK_DIGITS = 12
"""Scores equal to this many significant digits (of the largest score in the same period
and node) tie: floating-point noise in the last bits (54.02298850574712 vs ...713 for the
same fraction) must not split a tie."""


def _rounded(x: np.ndarray, digits: int = RANK_DIGITS) -> np.ndarray:
    """Each row of ``x`` (..., n) rounded to ``digits`` significant digits of its largest
    magnitude (NaN kept)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        top = np.nanmax(np.abs(np.where(np.isnan(x), 0.0, x)), axis=-1, keepdims=True)
        mag = np.floor(np.log10(top))
    scale = 10.0 ** (digits - 1 - np.where(np.isfinite(mag), mag, 0.0))
    return np.round(x * scale) / scale


def rank_desc(x: np.ndarray, kind: SortKind = "stable") -> np.ndarray:
    """Ranks along the last axis, highest = 1, ties share the lowest rank (``min``),
    NaN stays NaN (COINr ``rank_df``); see RANK_DIGITS for what counts as a tie.
    ``kind``: numpy's sort; any gives the same ranks (equal keys end up side by side and
    share the first position), "quicksort" is the fastest on many rows."""
    flat = _rounded(x).reshape(-1, x.shape[-1])
    key = np.where(np.isnan(flat), np.inf, -flat)
    order = np.argsort(key, axis=1, kind=kind)
    ordered = np.take_along_axis(key, order, axis=1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    position = np.broadcast_to(np.arange(flat.shape[1]), flat.shape)
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
    ranks = np.empty(flat.shape)
    np.put_along_axis(ranks, order, first + 1.0, axis=1)
    ranks[np.isnan(flat)] = np.nan
    return ranks.reshape(x.shape)


def ordered_codes(res: Results, fw: Framework) -> list[str]:
    """Codes still in the tree, in document order (index first)."""
    return [n.code for n, _, _ in fw.walk() if n.code in res.scores]


def _labels(values: Sequence[str], codes: np.ndarray, ordered: bool = False) -> pd.Categorical:
    """A categorical column from integer codes into ``values`` (fast for millions of rows);
    periods are ordered so that ``max()`` is the latest."""
    categories = pd.Index(list(values), dtype=object)
    return pd.Categorical.from_codes(codes, categories=categories, ordered=ordered)


def scores_long(res: Results, fw: Framework) -> pd.DataFrame:
    """One row per unit, period and node: ``unit, period, node, score, rank``.

    Unit-periods removed by screening are left out; other missing scores stay empty.
    """
    panel = res.datasets["raw"]
    codes = ordered_codes(res, fw)
    S = np.stack([res.scores[c] for c in codes])  # (M, T, N)
    R = rank_desc(S)
    M, T, N = S.shape
    frame = pd.DataFrame(
        {
            "unit": _labels(panel.units, np.tile(np.arange(N), M * T)),
            "period": _labels(panel.periods, np.tile(np.repeat(np.arange(T), N), M), ordered=True),
            "node": _labels(codes, np.repeat(np.arange(M), T * N)),
            "score": S.reshape(-1),
            "rank": R.reshape(-1),
        }
    )
    keep = np.tile(res.unit_keep.reshape(-1), M)
    frame = frame[keep].reset_index(drop=True)
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


def aggregated_wide(res: Results, fw: Framework) -> pd.DataFrame:
    """Normalised indicators and every aggregate, one column each, by (period, unit)."""
    panel = res.datasets["raw"]
    codes = list(reversed(ordered_codes(res, fw)))
    T, N = res.unit_keep.shape
    index = pd.MultiIndex.from_product([panel.periods, panel.units], names=["period", "unit"])
    data = {c: res.scores[c].reshape(T * N) for c in codes}
    return pd.DataFrame(data, index=index)


def flags_long(res: Results) -> pd.DataFrame:
    """Cells that were imputed or treated: ``unit, period, indicator, imputed, treatment``."""
    panel = res.datasets["normalised"]
    t, n, k = np.nonzero(res.imputed | (res.points != 0))
    return pd.DataFrame(
        {
            "unit": np.array(panel.units, dtype=object)[n],
            "period": np.array(panel.periods, dtype=object)[t],
            "indicator": np.array(panel.codes, dtype=object)[k],
            "imputed": res.imputed[t, n, k],
            "treatment": [TREATMENT_CODES[int(v)] for v in res.points[t, n, k]],
        }
    )


def weights_table(res: Results) -> pd.DataFrame:
    """``node, child, nominal, weight``: nominal from the framework, weight as used."""
    rows = [
        {"node": node, "child": kid, "nominal": res.tree.weight[kid], "weight": float(w)}
        for node in res.tree.nodes
        for kid, w in zip(res.tree.children[node], res.weights[node], strict=True)
    ]
    return pd.DataFrame(rows, columns=["node", "child", "nominal", "weight"])


def effective_weights(res: Results) -> pd.DataFrame:
    """``node, indicator, effective``: each indicator's share of each composite, the
    product of the weights used along its path."""
    eff = res.tree.effective_weights(res.weights)
    rows = [
        {"node": node, "indicator": ind, "effective": share}
        for node, shares in eff.items()
        for ind, share in shares.items()
    ]
    return pd.DataFrame(rows, columns=["node", "indicator", "effective"])


def _unit_interval(res: Results, x: np.ndarray) -> np.ndarray:
    """Scores mapped from the normalisation scale [l, u] to [0, 1] (clipped)."""
    lo, hi = res.scale
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


def contributions(res: Results, node: str) -> pd.DataFrame:
    """Points of ``node``'s score attributed to each indicator below it.

    contribution_j = e_j x_j / sum_i e_i x_i * score, with e the effective weights and
    x the normalised values over available indicators; for a weighted arithmetic tree
    with complete data this is exactly e_j x_j, and the contributions sum to the score.
    """
    shares = res.tree.effective_weights(res.weights)[node]
    leaves = list(shares)
    X = np.stack([res.scores[c] for c in leaves], axis=-1)  # (T, N, L)
    e = np.array([shares[c] for c in leaves])
    raw = np.nan_to_num(X) * e
    total = raw.sum(axis=-1, keepdims=True)
    score = res.scores[node][..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = np.where(total != 0, raw / total * score, 0.0)
    contrib = np.where(np.isnan(score), np.nan, contrib)
    return _long(res, contrib, leaves, "indicator", "contribution", node)


def coupling(res: Results, node: str) -> pd.DataFrame:
    """Coupling degree C, development T and coordination D among ``node``'s children
    (scores rescaled to [0, 1]), with the ten-band class (Wang Shujia et al. 2021)."""
    kids = list(res.tree.children[node])
    U = _unit_interval(res, np.stack([res.scores[c] for c in kids], axis=-1))
    alpha = res.weights[node]
    out = coupling_coordination(U, alpha)
    band, name_zh, name_en = classify_coordination(out.D)
    panel = res.datasets["raw"]
    T, N = res.unit_keep.shape
    frame = pd.DataFrame(
        {
            "unit": np.tile(np.array(panel.units, dtype=object), T),
            "period": np.repeat(np.array(panel.periods, dtype=object), N),
            "node": node,
            "C": np.asarray(out.C).reshape(-1),
            "T": np.asarray(out.T).reshape(-1),
            "D": np.asarray(out.D).reshape(-1),
            "band": np.asarray(band).reshape(-1),
            "band_zh": np.asarray(name_zh, dtype=object).reshape(-1),
            "band_en": np.asarray(name_en, dtype=object).reshape(-1),
        }
    )
    return frame[res.unit_keep.reshape(-1)].reset_index(drop=True)


def obstacles(res: Results, node: str) -> pd.DataFrame:
    """Obstacle degree of each indicator below ``node``: its weighted shortfall from the
    best score as a share of all shortfalls."""
    shares = res.tree.effective_weights(res.weights)[node]
    leaves = list(shares)
    X = _unit_interval(res, np.stack([res.scores[c] for c in leaves], axis=-1))
    degree = obstacle_degree(X, np.array([shares[c] for c in leaves]))
    return _long(res, degree, leaves, "indicator", "obstacle", node)


def _long(
    res: Results, arr: np.ndarray, labels: list[str], label: str, value: str, node: str
) -> pd.DataFrame:
    """A (T, N, L) array as rows ``unit, period, node, <label>, <value>``."""
    panel = res.datasets["raw"]
    T, N, L = arr.shape
    frame = pd.DataFrame(
        {
            "unit": np.tile(np.repeat(np.array(panel.units, dtype=object), L), T),
            "period": np.repeat(np.array(panel.periods, dtype=object), N * L),
            "node": node,
            label: np.tile(np.array(labels, dtype=object), T * N),
            value: arr.reshape(-1),
        }
    )
    keep = np.repeat(res.unit_keep.reshape(-1), L)
    return frame[keep].reset_index(drop=True)


def diagnostics_table(diagnostics: Sequence[Diagnostic]) -> pd.DataFrame:
    """``severity, step, code, message``: one row per diagnostic of the run."""
    rows = [
        {"severity": d.severity, "step": d.step, "code": d.code, "message": d.message}
        for d in diagnostics
    ]
    return pd.DataFrame(rows, columns=["severity", "step", "code", "message"])


def save(ev: Evaluation, out: Path) -> list[Path]:
    """Write the results of ``ev`` to ``out`` all or nothing (``qcity.data.atomic``: a
    failure leaves no file behind); returns the files written."""
    with atomic_folder(out, stale=SAVED) as tmp:
        written = _save(ev, tmp)
    return moved(written, out)


SAVED = (
    "scores.csv", "normalised.csv", "weights.csv", "effective_weights.csv", "flags.csv",
    "exclusions.csv", "diagnostics.csv", "treatment.csv", "contributions.csv", "coupling.csv",
    "obstacles.csv", "log.json",
)  # fmt: skip
"""Every file ``save`` may write (one that this run does not write is removed)."""


def _save(ev: Evaluation, out: Path) -> list[Path]:
    written: list[Path] = []

    def csv(name: str, frame: pd.DataFrame, index: bool = False) -> None:
        path = out / name
        safe_frame(frame).to_csv(path, index=index, encoding="utf-8")
        written.append(path)

    csv("scores.csv", ev.scores())
    csv("normalised.csv", ev.dataset("normalised").reset_index())
    csv("weights.csv", ev.weights())
    csv("effective_weights.csv", ev.effective_weights())
    csv("flags.csv", ev.flags())
    csv("exclusions.csv", ev.exclusions)
    csv("diagnostics.csv", diagnostics_table(ev.diagnostics))
    if not ev.treatment.empty:
        csv("treatment.csv", ev.treatment)
    csv("contributions.csv", ev.contributions())
    if len(ev.results.tree.children[ev.results.tree.root]) >= 2:
        csv("coupling.csv", ev.coupling())
    csv("obstacles.csv", ev.obstacles())
    log = log_document(ev.stamp, ev.log)
    path = out / "log.json"
    path.write_text(json.dumps(log, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    written.append(path)
    return written
