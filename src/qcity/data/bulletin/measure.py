"""Precision and recall of what was read from a bulletin against values entered by hand.

A proposal is right when the hand-entered table has the same unit, indicator and period
with the same value (to ``tolerance``, relative); precision is right ÷ proposed, recall is
right ÷ entered by hand. Used by ``benchmarks/bench_bulletin.py`` and the tests, and by an
office that wants to know how far to trust the reading of its own bulletins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KEY = ["unit", "indicator", "period"]


@dataclass(frozen=True)
class Score:
    """Counts and rates of one comparison (rates are 1.0 when nothing is counted)."""

    proposed: int
    right: int
    truth: int

    @property
    def precision(self) -> float:
        return self.right / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.truth if self.truth else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.proposed + other.proposed, self.right + other.right, self.truth + other.truth
        )


def wrong_values(
    proposed: pd.DataFrame, truth: pd.DataFrame, tolerance: float = 1e-9
) -> pd.DataFrame:
    """The proposals (columns unit, indicator, period, value) that the hand-entered
    ``truth`` does not confirm, with the true value (NaN when the truth has none)."""
    p = proposed[[*KEY, "value"]].astype({"period": str})
    t = truth[[*KEY, "value"]].astype({"period": str}).rename(columns={"value": "truth"})
    both = p.merge(t, on=KEY, how="left")
    got = pd.to_numeric(both["value"]).to_numpy(dtype=float)
    want = pd.to_numeric(both["truth"]).to_numpy(dtype=float)
    ok = np.isclose(got, want, rtol=tolerance, atol=0.0)
    return both[~ok].reset_index(drop=True)


def score(proposed: pd.DataFrame, truth: pd.DataFrame, tolerance: float = 1e-9) -> Score:
    """Precision and recall of ``proposed`` against ``truth``."""
    wrong = wrong_values(proposed, truth, tolerance)
    return Score(len(proposed), len(proposed) - len(wrong), len(truth))


def traps_taken(
    proposed: pd.DataFrame, traps: pd.DataFrame, tolerance: float = 1e-9
) -> pd.DataFrame:
    """The proposals (columns unit, indicator, period, value) equal to a trap: a value
    the text states that a careful clerk would not take for the indicator (不含开发区,
    按户籍人口, 中位数, 上年 ...), listed by hand in ``traps`` (same columns)."""
    p = proposed[[*KEY, "value"]].astype({"period": str})
    t = traps[[*KEY, "value"]].astype({"period": str}).rename(columns={"value": "trap"})
    both = p.merge(t, on=KEY, how="inner")
    got = pd.to_numeric(both["value"]).to_numpy(dtype=float)
    bad = pd.to_numeric(both["trap"]).to_numpy(dtype=float)
    return both[np.isclose(got, bad, rtol=tolerance, atol=0.0)].reset_index(drop=True)
