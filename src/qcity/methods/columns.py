"""Per-indicator facts that some methods need, as aligned arrays (one entry per column)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Columns:
    """Facts about the k columns of a data array, each an array of shape (k,).

    ``direction``: +1 (more is better), -1 (less is better) or 0 (moderate: best
    inside [band_lo, band_hi]; an optimal value is a band of width 0).
    ``lo``/``hi``: fixed goalposts, NaN where none. ``target``: the target value in
    force, NaN where none. Before ``apply_direction`` these are in the indicator's own
    unit; after it every column is "higher is better" and the arrays are mapped too.
    """

    codes: tuple[str, ...]
    direction: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    target: np.ndarray
    band_lo: np.ndarray
    band_hi: np.ndarray

    @classmethod
    def plain(cls, k: int, codes: tuple[str, ...] | None = None) -> Columns:
        """k positive columns with no goalposts, targets or bands."""
        nan = np.full(k, np.nan)
        return cls(
            codes=codes or tuple(f"x{i}" for i in range(k)),
            direction=np.ones(k),
            lo=nan.copy(),
            hi=nan.copy(),
            target=nan.copy(),
            band_lo=nan.copy(),
            band_hi=nan.copy(),
        )

    def subset(self, idx: np.ndarray | list[int]) -> Columns:
        """The facts of the columns ``idx`` only."""
        return replace(
            self,
            codes=tuple(self.codes[i] for i in idx),
            direction=self.direction[idx],
            lo=self.lo[idx],
            hi=self.hi[idx],
            target=self.target[idx],
            band_lo=self.band_lo[idx],
            band_hi=self.band_hi[idx],
        )
