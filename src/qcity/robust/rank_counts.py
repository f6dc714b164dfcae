"""Each unit's rank distribution over the samples, kept sparse: only the ranks a unit
actually got, with how many samples gave each.

A dense ``(units, ranks)`` count matrix grows with the square of the units (30,000
townships: 7.2 GB of int64). A unit's ranks are spread over a band that is narrower than
all the ranks, and a unit takes at most one rank per sample, so the number of distinct
(unit, rank) pairs is at most ``units x min(samples, ranks)``: linear in the units for a
given number of samples, and usually well below. The counts are integers, so adding
chunks in any order gives exactly the same distribution, and the statistics (mean, type-7
quantiles, mean shift from the nominal rank) are exactly those of the dense matrix.

    >>> c = RankCounts.from_ranks(np.array([[1, 2], [2, 1], [1, 0]]))   # 0: not ranked
    >>> c.dense()
    array([[2, 1],
           [1, 1]])
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

MIN_PENDING = 1 << 23
"""Pairs that chunks hold, at least, before an ``Accumulator`` merges them."""
BLOCK_CELLS = 1 << 22
"""Bins plus pairs of a block of units merged at once (bounds the merge's own memory)."""
BAND_FACTOR = 4
"""Bands of ranks are counted by ``bincount`` while they hold at most this many bins per
rank or pair counted; wider, the pairs are sorted instead."""


@dataclass(frozen=True)
class RankCounts:
    """Unit ``u`` got rank ``ranks[k]`` in ``counts[k]`` samples, for ``k`` in
    ``offsets[u]:offsets[u + 1]`` (ranks ascending within a unit, counts > 0)."""

    n_units: int
    offsets: np.ndarray
    ranks: np.ndarray
    counts: np.ndarray

    # -- building --------------------------------------------------------------------
    @classmethod
    def from_keys(
        cls, n_units: int, keys: np.ndarray, counts: np.ndarray, width: int | None = None
    ) -> RankCounts:
        """From ``keys = unit * (width + 1) + rank`` sorted ascending and unique (``width``:
        the highest rank, by default ``n_units``)."""
        unit, rank = np.divmod(keys, (n_units if width is None else width) + 1)
        offsets = np.zeros(n_units + 1, dtype=np.int64)
        np.cumsum(np.bincount(unit, minlength=n_units), out=offsets[1:])
        return cls(n_units, offsets, rank.astype(np.int32), counts.astype(np.int64))

    @classmethod
    def from_ranks(cls, ranks: np.ndarray) -> RankCounts:
        """The counts of ``ranks (samples, units)`` (integers, 0 = not ranked): one
        ``bincount`` over each unit's band of ranks in these samples, or a sort when the
        bands are wide (then they would hold more bins than there are ranks)."""
        N = ranks.shape[1]
        by_unit = np.ascontiguousarray(ranks.T, dtype=np.int64)
        valid = by_unit > 0
        lo = np.where(valid, by_unit, N + 1).min(axis=1, initial=N + 1)
        hi = np.where(valid.any(axis=1), by_unit.max(axis=1, initial=0), lo - 1)
        start, cells = _bands(lo, hi)
        if cells > BAND_FACTOR * by_unit.size:  # wide bands: sort each unit's ranks
            by_unit.sort(axis=1)
            keys = (by_unit + (np.arange(N, dtype=np.int64) * (N + 1))[:, None])[by_unit > 0]
            return cls._runs(N, keys, np.ones(len(keys), dtype=np.int64))
        bins = (by_unit + (start[:-1] - lo)[:, None])[valid]
        return cls._from_bands(lo, start, np.bincount(bins, minlength=cells))

    @classmethod
    def from_dense(cls, hist: np.ndarray) -> RankCounts:
        """From ``hist (units, ranks)``: samples giving each unit (row) rank ``c + 1``."""
        unit, col = np.nonzero(hist)  # row by row, columns ascending
        offsets = np.zeros(hist.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.count_nonzero(hist, axis=1), out=offsets[1:])
        return cls(hist.shape[0], offsets, (col + 1).astype(np.int32), hist[unit, col])

    @classmethod
    def merge(cls, parts: list[RankCounts]) -> RankCounts:
        """The sum of ``parts`` (counts of the same units over more samples), a block of
        units at a time (``BLOCK_CELLS``: memory beyond the result stays bounded)."""
        if not parts:
            raise ValueError("nothing to merge")
        N = parts[0].n_units
        if any(p.n_units != N for p in parts):
            raise ValueError("rank counts of different numbers of units")
        parts = [p for p in parts if len(p.ranks)] or parts[:1]
        if len(parts) == 1:
            return parts[0]
        lo = np.min([p.lowest() for p in parts], axis=0)
        hi = np.max([p.highest() for p in parts], axis=0)
        start, _ = _bands(lo, hi)
        pairs = np.sum([p.offsets for p in parts], axis=0)  # pairs before each unit
        work = start + pairs  # a block's bins plus its pairs
        blocks = np.searchsorted(work, np.arange(BLOCK_CELLS, work[-1], BLOCK_CELLS), "right")
        out = [
            cls._merge_units(parts, u0, u1, lo, start)
            for u0, u1 in pairwise(sorted({0, N, *(blocks - 1).tolist()}))
        ]
        return cls(
            N,
            np.concatenate([[0], np.cumsum(np.concatenate([np.diff(o.offsets) for o in out]))]),
            np.concatenate([o.ranks for o in out]),
            np.concatenate([o.counts for o in out]),
        )

    @classmethod
    def _merge_units(
        cls, parts: list[RankCounts], u0: int, u1: int, lo: np.ndarray, start: np.ndarray
    ) -> RankCounts:
        """Units ``u0:u1`` of the sum of ``parts``: one bincount over their bands of
        ranks, or, when the bands hold many more bins than there are pairs, a sort."""
        n = u1 - u0
        sizes = [np.diff(p.offsets[u0 : u1 + 1]) for p in parts]
        ranks = [p.ranks[p.offsets[u0] : p.offsets[u1]] for p in parts]
        counts = [p.counts[p.offsets[u0] : p.offsets[u1]] for p in parts]
        first, width = int(start[u0]), int(start[u1] - start[u0])
        if width > BAND_FACTOR * sum(len(r) for r in ranks):
            local = np.arange(n, dtype=np.int64) * (len(lo) + 1)
            keys = np.concatenate(
                [np.repeat(local, k) + r for k, r in zip(sizes, ranks, strict=True)]
            )
            order = np.argsort(keys, kind="stable")  # timsort: merges the sorted runs
            block = cls._runs(n, keys[order], np.concatenate(counts)[order], width=len(lo))
            return block
        hist = np.zeros(width, dtype=np.int64)
        shift = start[u0:u1] - first - lo[u0:u1]  # bin of rank r: shift[u] + r
        for k, r, c in zip(sizes, ranks, counts, strict=True):
            counted = np.bincount(np.repeat(shift, k) + r, weights=c, minlength=width)
            hist += counted.astype(np.int64)  # sums of integers below 2**53: exact
        return cls._from_bands(lo[u0:u1], start[u0 : u1 + 1] - first, hist)

    @classmethod
    def _from_bands(cls, lo: np.ndarray, start: np.ndarray, hist: np.ndarray) -> RankCounts:
        """From ``hist``, the counts of unit ``u``'s ranks ``lo[u], lo[u] + 1, ...`` at
        ``start[u]:start[u + 1]``."""
        at = np.flatnonzero(hist)
        offsets = np.searchsorted(at, start).astype(np.int64)  # the pairs of each unit
        per_unit = np.diff(offsets)
        ranks = at - np.repeat(start[:-1] - lo, per_unit)
        return cls(len(lo), offsets, ranks.astype(np.int32), hist[at].astype(np.int64))

    @classmethod
    def _runs(
        cls, n_units: int, keys: np.ndarray, counts: np.ndarray, width: int | None = None
    ) -> RankCounts:
        """Sorted ``keys`` with repeats: one entry per key, counts added."""
        if len(keys) == 0:
            return cls.from_keys(n_units, keys, counts, width)
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        return cls.from_keys(n_units, keys[starts], np.add.reduceat(counts, starts), width)

    # -- reading ---------------------------------------------------------------------
    def lowest(self) -> np.ndarray:
        """Each unit's lowest rank (``n_units + 1`` if it has none)."""
        has = self.offsets[1:] > self.offsets[:-1]
        first = self.ranks[np.minimum(self.offsets[:-1], max(len(self.ranks) - 1, 0))]
        return np.where(has, first if len(self.ranks) else 0, self.n_units + 1)

    def highest(self) -> np.ndarray:
        """Each unit's highest rank (0 if it has none)."""
        has = self.offsets[1:] > self.offsets[:-1]
        last = self.ranks[np.maximum(self.offsets[1:] - 1, 0)] if len(self.ranks) else 0
        return np.where(has, last, 0)

    def unit_of_entry(self) -> np.ndarray:
        """The unit of every stored (rank, count) pair."""
        return np.repeat(np.arange(self.n_units, dtype=np.int64), np.diff(self.offsets))

    def keys(self) -> np.ndarray:
        """``unit * (n_units + 1) + rank`` of every pair, ascending."""
        return self.unit_of_entry() * (self.n_units + 1) + self.ranks

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        return int(self.offsets.nbytes + self.ranks.nbytes + self.counts.nbytes)

    def dense(self) -> np.ndarray:
        """The ``(units, units)`` matrix: samples giving each unit (row) rank ``c + 1``
        (only for a few units: it grows with their square)."""
        out = np.zeros((self.n_units, self.n_units), dtype=np.int64)
        out[self.unit_of_entry(), self.ranks - 1] = self.counts
        return out

    def _per_unit(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (one per pair, int64: exact) over each unit's pairs."""
        cum = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
        out: np.ndarray = cum[self.offsets[1:]] - cum[self.offsets[:-1]]
        return out

    def total(self) -> np.ndarray:
        """Samples in which each unit got a rank."""
        return self._per_unit(self.counts)

    def mean(self) -> np.ndarray:
        """Each unit's mean rank (NaN if never ranked)."""
        n = self.total()
        s = self._per_unit(self.counts * self.ranks)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, s / np.where(n > 0, n, 1), np.nan)

    def quantile(self, q: float) -> np.ndarray:
        """Quantile ``q`` of each unit's ranks: linear interpolation between order
        statistics (R's type 7, numpy's default: position ``(n - 1) q``), as COINr's rank
        statistics use. NaN for a unit never ranked."""
        n = self.total()
        cum = np.cumsum(self.counts)
        base = np.concatenate(([0], cum))[self.offsets[:-1]]
        pos = np.maximum(n - 1, 0) * q
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        last = max(len(self.ranks) - 1, 0)
        ranks = self.ranks if len(self.ranks) else np.zeros(1, dtype=np.int32)

        def order_stat(j: np.ndarray) -> np.ndarray:
            # the j-th (0-based) smallest: the first pair whose cumulative count passes j
            at = np.minimum(np.searchsorted(cum, base + j, side="right"), last)
            return ranks[at].astype(np.float64)

        x_lo, x_hi = order_stat(lo), order_stat(hi)
        out = x_lo + (pos - lo) * (x_hi - x_lo)
        return np.where(n > 0, out, np.nan)

    def shift(self, nominal: np.ndarray) -> np.ndarray:
        """Each unit's mean absolute rank shift from its ``nominal`` rank over the
        samples (Saisana et al. 2005, per unit); NaN without nominal rank or samples."""
        n = self.total()
        r0 = np.nan_to_num(np.asarray(nominal, dtype=np.float64))[self.unit_of_entry()]
        dist = np.abs(self.ranks - r0) * self.counts
        cum = np.concatenate(([0.0], np.cumsum(dist)))
        s = cum[self.offsets[1:]] - cum[self.offsets[:-1]]
        with np.errstate(invalid="ignore", divide="ignore"):
            out = s / np.where(n > 0, n, 1)
        return np.where((n > 0) & ~np.isnan(nominal), out, np.nan)


def _bands(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, int]:
    """Where each unit's band of ranks ``lo..hi`` starts when laid end to end (``(N + 1,)``,
    an empty band when ``hi < lo``), and the cells of all bands."""
    start = np.zeros(len(lo) + 1, dtype=np.int64)
    np.cumsum(np.maximum(hi - lo + 1, 0), out=start[1:])
    return start, int(start[-1])


class Accumulator:
    """Rank counts added chunk by chunk, in any order (integer sums: the same result
    whatever the order). Chunks wait until their pairs are as many as those merged so far
    (at least ``MIN_PENDING``), then all merge at once: a few passes over the pairs in
    all, and memory a small multiple of the distinct (unit, rank) pairs."""

    def __init__(self, n_units: int) -> None:
        self.n_units = n_units
        self.parts: list[RankCounts] = []
        self.merged = 0
        self.waiting = 0

    def add(self, part: RankCounts) -> None:
        """One more chunk's counts."""
        if part.n_units != self.n_units:
            raise ValueError("rank counts of different numbers of units")
        self.parts.append(part)
        self.waiting += len(part.ranks)
        if self.waiting >= max(self.merged, MIN_PENDING):
            self._flush()

    def _flush(self) -> None:
        if self.parts:
            self.parts = [RankCounts.merge(self.parts)]
            self.merged, self.waiting = len(self.parts[0].ranks), 0

    def result(self) -> RankCounts:
        """Everything added so far."""
        self._flush()
        if not self.parts:
            return RankCounts.from_keys(self.n_units, np.zeros(0, np.int64), np.zeros(0, np.int64))
        return self.parts[0]
